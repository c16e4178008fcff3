// What every phase receives: the config, the two sides' clients, the run's clock, and where its progress
// goes. Phases never see the run record: they return what they found and main.ts records it.
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { CallerIdentity } from './aws/credentials.js';
import type { CopyProgress } from './aws/copy/index.js';
import type { MigrationConfig, SideConfig } from './config.js';
import type { IndexSelection } from './indices.js';
import type { Domain } from './search/domain.js';

/** One side of the migration as the phases use it: its config and the clients built for it. */
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

/** How far a snapshot or a restore has come, for a progress line. */
export interface TransferProgress {
  shardsDone: number;
  shardsTotal: number;
  bytesDone: number;
  bytesTotal: number;
  elapsedMs: number;
}

export interface RecoveryProgress extends TransferProgress {
  /** Indices whose every shard has recovered, when the caller knows it. */
  indicesDone?: number;
  indicesTotal?: number;
}

/** Where phases report progress while they wait; main renders it into the log (report/progress.ts). */
export interface Progress {
  snapshot(p: TransferProgress): void;
  restore(p: RecoveryProgress): void;
  copy(p: CopyProgress): void;
  /** A cut-over step finished after `ms` milliseconds. */
  step(name: string, ms: number): void;
}

export interface RunContext {
  config: MigrationConfig;
  source: Side;
  target: Side;
  log: Log;
  progress: Progress;
  /** Aborted when the overall time budget (timeout-minutes) runs out. */
  signal: AbortSignal;
  /** Set after preflight: the indices this run migrates. */
  selection?: IndexSelection;
}
