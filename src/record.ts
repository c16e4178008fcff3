// The run record: the one place that knows what happened. Phases return their findings, main.ts
// stores them here, and the summary and outputs are rendered from it (report/), never by phases.

export type PhaseName = 'credentials' | 'preflight' | 'snapshot' | 'copy' | 'restore' | 'verify';
export type PhaseStatus = 'succeeded' | 'failed' | 'skipped';

export interface PhaseRecord {
  name: PhaseName;
  status: PhaseStatus;
  startedAt: number;
  endedAt: number;
  /** Short facts for the phase table, e.g. "42 shards, 1.2 GiB". */
  details: string[];
  error?: string;
}

export interface SnapshotFacts {
  repository: string;
  snapshot: string;
  state: string;
  indices: string[];
  shardsTotal: number;
  shardsFailed: number;
  /** True when the snapshot existed already (a re-run reusing its own work). */
  reused: boolean;
}

export interface CopyFacts {
  skipped: boolean;
  reason?: string;
  listed: number;
  copied: number;
  reusedObjects: number;
  bytesCopied: number;
  bytesTotal: number;
  multipart: number;
  retries: number;
  manifestOk: boolean;
}

export interface RestoreFacts {
  repository: string;
  /** source index → target index, as restored. */
  restored: Array<{ source: string; target: string }>;
  deletedBeforeRestore: string[];
}

export type IndexStatus = 'match' | 'mismatch' | 'missing' | 'excluded';

export interface IndexComparison {
  sourceIndex: string;
  targetIndex: string;
  sourceCount: number | null;
  targetCount: number | null;
  status: IndexStatus;
  /** Aliases of the source index and of the target index (sorted). */
  sourceAliases: string[];
  targetAliases: string[];
  aliasesMatch: boolean;
  /** Why an index is excluded (system index, not matched) or missing. */
  note?: string;
}

export interface VerificationFacts {
  verified: boolean;
  indices: IndexComparison[];
  sourceTotal: number;
  targetTotal: number;
  mismatched: string[];
}

export interface WriteBlockFacts {
  indices: string[];
  setAt?: number;
  liftedAt?: number;
  /** 'lifted' after the run, 'kept' when asked to keep it, 'left' when lifting failed (post step retries). */
  state: 'none' | 'active' | 'lifted' | 'kept' | 'left';
}

export interface RunRecord {
  startedAt: number;
  endedAt?: number;
  mode: 'migrate' | 'plan';
  source: { endpoint: string; region: string; engine?: string; version?: string };
  target: { endpoint: string; region: string; engine?: string; version?: string };
  phases: PhaseRecord[];
  snapshot?: SnapshotFacts;
  copy?: CopyFacts;
  restore?: RestoreFacts;
  verification?: VerificationFacts;
  writeBlock?: WriteBlockFacts;
  /** The error that ended the run, when it failed. */
  error?: string;
}
