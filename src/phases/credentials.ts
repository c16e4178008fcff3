// Phase 1: who we are on each side. OIDC → the workflow's role, optional chaining per account, then
// sts:GetCallerIdentity on both sides, which both proves the credentials and names them in the summary
// (and, carried on the side, in preflight's account checks).
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { MigrationConfig, SideConfig } from '../config.js';
import type { SideName } from '../constants.js';
import type { Side } from '../context.js';
import { s3Client } from '../aws/clients.js';
import { baseCredentials, callerIdentity, chainedCredentials } from '../aws/credentials.js';
import { createDomainClient } from '../search/client.js';
import { Domain } from '../search/domain.js';

export interface CredentialsOutcome {
  source: Side;
  target: Side;
  details: string[];
}

async function side(
  label: SideName,
  cfg: SideConfig,
  credentials: AwsCredentialIdentityProvider,
  requestTimeoutMs: number,
  copyConcurrency: number,
): Promise<Side> {
  return {
    config: cfg,
    credentials,
    identity: await callerIdentity(cfg.region, credentials, requestTimeoutMs),
    domain: new Domain(
      createDomainClient({ endpoint: cfg.endpoint, region: cfg.region, auth: cfg.auth, credentials, requestTimeoutMs }),
      label,
    ),
    s3: s3Client({ region: cfg.region, credentials, requestTimeoutMs, concurrency: copyConcurrency }),
  };
}

export async function credentialsPhase(config: MigrationConfig): Promise<CredentialsOutcome> {
  const requestTimeoutMs = config.timeouts.requestMs;
  const base = baseCredentials(config.credentials, config.source.region, requestTimeoutMs);
  const providerFor = (cfg: SideConfig) =>
    cfg.roleToAssume
      ? chainedCredentials(base.provider, cfg.roleToAssume, {
          region: cfg.region,
          sessionName: config.credentials.sessionName,
          durationSeconds: config.credentials.durationSeconds,
          requestTimeoutMs,
        })
      : base.provider;
  const source = await side(
    'source',
    config.source,
    providerFor(config.source),
    requestTimeoutMs,
    config.copy.concurrency,
  );
  const target = await side(
    'target',
    config.target,
    providerFor(config.target),
    requestTimeoutMs,
    config.copy.concurrency,
  );

  const details = [`credentials from ${base.origin}`];
  for (const [label, s] of [
    ['source', source],
    ['target', target],
  ] as const)
    details.push(`${label}: ${s.identity.arn} (account ${s.identity.account})`);
  return { source, target, details };
}
