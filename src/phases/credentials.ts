// Phase 1: who we are on each side. OIDC → the workflow's role, optional chaining per account, then
// sts:GetCallerIdentity on both sides, which both proves the credentials and names them in the summary.
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { MigrationConfig, SideConfig } from '../config.js';
import type { SideName } from '../constants.js';
import type { Side } from '../context.js';
import { baseCredentials, chainedCredentials, stsClient } from '../aws/credentials.js';
import { countRetries } from '../retry-tally.js';
import { createDomainClient } from '../search/client.js';
import { Domain } from '../search/domain.js';

/** S3 retries: the SDK's standard mode with more attempts, for SlowDown/503 during a long copy. */
const S3_MAX_ATTEMPTS = 8;

export interface CredentialsOutcome {
  source: Side;
  target: Side;
  details: string[];
}

function side(
  label: SideName,
  cfg: SideConfig,
  credentials: AwsCredentialIdentityProvider,
  requestTimeoutMs: number,
  copyConcurrency: number,
): Side {
  return {
    config: cfg,
    credentials,
    domain: new Domain(
      createDomainClient({ endpoint: cfg.endpoint, region: cfg.region, auth: cfg.auth, credentials, requestTimeoutMs }),
      label,
    ),
    s3: countRetries(
      new S3Client({
        region: cfg.region,
        credentials,
        maxAttempts: S3_MAX_ATTEMPTS,
        retryMode: 'standard',
        // Without a socket timeout a response that never comes holds its copy slot until the run's budget ends.
        requestHandler: {
          connectionTimeout: Math.min(requestTimeoutMs, 10_000),
          socketTimeout: requestTimeoutMs,
          // The SDK's default of 50 sockets would queue a copy budget above it; listings travel beside it.
          httpAgent: { maxSockets: copyConcurrency + 8 },
          httpsAgent: { maxSockets: copyConcurrency + 8 },
        },
      }),
      'S3',
    ),
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
  const source = side('source', config.source, providerFor(config.source), requestTimeoutMs, config.copy.concurrency);
  const target = side('target', config.target, providerFor(config.target), requestTimeoutMs, config.copy.concurrency);

  const details = [`credentials from ${base.origin}`];
  for (const [label, s] of [
    ['source', source],
    ['target', target],
  ] as const) {
    const me = await stsClient(s.config.region, requestTimeoutMs, s.credentials).send(new GetCallerIdentityCommand({}));
    details.push(`${label}: ${me.Arn} (account ${me.Account})`);
  }
  return { source, target, details };
}
