// AWS credentials for the run: the workflow's OIDC token exchanged for a role (AssumeRoleWithWebIdentity),
// then, optionally, a role chained per side for cross-account migrations. Every secret is masked the
// moment it exists, before anything could print it. Providers refresh themselves before expiry, because
// a large migration outlives a one-hour session.
import * as core from '@actions/core';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  type Credentials,
} from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { CredentialsConfig } from '../config.js';
import { stsClient } from './clients.js';

/** Refresh this long before a session expires, so no request is signed with a key about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

export function maskCredentials(c: AwsCredentialIdentity): void {
  core.setSecret(c.accessKeyId);
  core.setSecret(c.secretAccessKey);
  if (c.sessionToken) core.setSecret(c.sessionToken);
}

function fromSts(c: Credentials | undefined, what: string): AwsCredentialIdentity {
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new CredentialsError(`${what} returned no credentials`);
  const identity = {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
  maskCredentials(identity);
  return identity;
}

/** Caches a provider's credentials and fetches new ones shortly before they expire. */
export function refreshing(fetch: () => Promise<AwsCredentialIdentity>): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    const c = current ? await current.catch(() => undefined) : undefined;
    if (c && (!c.expiration || c.expiration.getTime() - Date.now() > REFRESH_MARGIN_MS)) return c;
    current = fetch();
    return current;
  };
}

/** The GitHub OIDC token, with the one message users need when the job lacks `id-token: write`. */
async function idToken(audience: string): Promise<string> {
  if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL || !process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new CredentialsError(
      'role-to-assume is set, but this job cannot request an OIDC token: add `permissions: id-token: write` ' +
        '(and `contents: read`) to the job or workflow. Without it GitHub does not give the job ACTIONS_ID_TOKEN_REQUEST_URL.',
    );
  }
  try {
    const token = await core.getIDToken(audience);
    core.setSecret(token);
    return token;
  } catch (err) {
    throw new CredentialsError(
      `could not get the GitHub OIDC token for audience ${audience}: ${(err as Error).message}`,
    );
  }
}

export interface BaseCredentials {
  provider: AwsCredentialIdentityProvider;
  /** Where they came from, for the log and the summary. */
  origin: string;
}

/** The run's base credentials: the OIDC role when one is given, the SDK's default chain otherwise. */
export function baseCredentials(cfg: CredentialsConfig, stsRegion: string, requestTimeoutMs?: number): BaseCredentials {
  if (!cfg.roleToAssume) {
    const chain = defaultProvider();
    return {
      origin: 'the default credential chain (environment, profile, instance role)',
      provider: async () => {
        const c = await chain();
        maskCredentials(c);
        return c;
      },
    };
  }
  const roleArn = cfg.roleToAssume;
  // AssumeRoleWithWebIdentity is not signed: the token is the proof, so the client needs no credentials.
  const sts = stsClient(stsRegion, requestTimeoutMs);
  return {
    origin: `OIDC → ${roleArn}`,
    provider: refreshing(async () => {
      const token = await idToken(cfg.audience);
      try {
        const res = await sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: roleArn,
            RoleSessionName: cfg.sessionName,
            WebIdentityToken: token,
            DurationSeconds: cfg.durationSeconds,
          }),
        );
        return fromSts(res.Credentials, 'AssumeRoleWithWebIdentity');
      } catch (err) {
        if (err instanceof CredentialsError) throw err;
        throw new CredentialsError(
          `could not assume ${roleArn} with the GitHub OIDC token: ${(err as Error).message}. Check the role's trust policy ` +
            `(federated principal token.actions.githubusercontent.com, aud ${cfg.audience}, and a sub condition matching this repository and ref).`,
        );
      }
    }),
  };
}

/** Chains from the base credentials into another account's role (sts:AssumeRole). */
export function chainedCredentials(
  base: AwsCredentialIdentityProvider,
  roleArn: string,
  p: { region: string; sessionName: string; durationSeconds: number; requestTimeoutMs?: number },
): AwsCredentialIdentityProvider {
  const sts = stsClient(p.region, p.requestTimeoutMs, base);
  return refreshing(async () => {
    try {
      const res = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: p.sessionName,
          DurationSeconds: Math.min(p.durationSeconds, 3600),
        }),
      );
      return fromSts(res.Credentials, 'AssumeRole');
    } catch (err) {
      if (err instanceof CredentialsError) throw err;
      throw new CredentialsError(
        `could not chain into ${roleArn}: ${(err as Error).message}. Its trust policy must allow sts:AssumeRole by the workflow's role, ` +
          'and the workflow role needs sts:AssumeRole on it.',
      );
    }
  });
}

/** Who these credentials sign as (sts:GetCallerIdentity): asked once per side, by the credentials phase. */
export interface CallerIdentity {
  arn: string;
  account: string;
}

export async function callerIdentity(
  region: string,
  credentials: AwsCredentialIdentityProvider,
  requestTimeoutMs?: number,
): Promise<CallerIdentity> {
  const sts = stsClient(region, requestTimeoutMs, credentials);
  try {
    const me = await sts.send(new GetCallerIdentityCommand({}));
    return { arn: me.Arn ?? '', account: me.Account ?? '' };
  } finally {
    sts.destroy();
  }
}
