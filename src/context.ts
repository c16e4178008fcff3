// What every phase receives: the config, the two sides' clients, the record so far, and the run's clock.
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { CallerIdentity } from './aws/credentials.js';
import type { MigrationConfig, SideConfig } from './config.js';
import type { IndexPlan } from './indices.js';
import type { RunRecord } from './record.js';
import type { Domain } from './search/domain.js';

export interface Side {
  config: SideConfig;
  credentials: AwsCredentialIdentityProvider;
  /** Who the credentials sign as, asked once by the credentials phase. */
  identity: CallerIdentity;
  domain: Domain;
  s3: S3Client;
}

export interface Log {
  info(line: string): void;
  warning(line: string): void;
}

export interface RunContext {
  config: MigrationConfig;
  record: RunRecord;
  source: Side;
  target: Side;
  log: Log;
  /** Aborted when the overall time budget (timeout-minutes) runs out. */
  signal: AbortSignal;
  /** Set by preflight: the indices this run migrates. */
  plan?: IndexPlan;
}

/** What a phase hands back to the walk: facts for the phase table, and the record updates it made. */
export interface PhaseOutcome {
  details: string[];
  skipped?: boolean;
}
