// The run record: the one place that knows what happened. Phases return their findings, main.ts
// stores them here, and the summary and outputs are rendered from it (report/), never by phases.

import type { SideName } from './constants.js';
import type { IamDocumentSet } from './iam/run-documents.js';

export type PhaseName = 'credentials' | 'preflight' | 'snapshot' | 'copy' | 'restore' | 'cutover' | 'verify';
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
  /** The state it was found in when reused: IN_PROGRESS (followed to the end) or SUCCESS. */
  foundState?: string;
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
  /** Target indices an earlier attempt of this run had already restored, kept as they were. */
  kept?: string[];
}

/** One catch-up pass of a two-phase cut-over: the indices that changed, moved again while writes went on. */
export interface CatchUpPass {
  snapshot: string;
  changed: string[];
  copiedObjects: number;
  ms: number;
}

/** The two-phase cut-over: catch-up passes while the source takes writes, then the write-blocked catch-up. */
export interface CutoverFacts {
  /** Passes before the write block, each moving what changed during the one before (at most a few). */
  catchUp?: CatchUpPass[];
  /** Source indices written to since the target's copy was taken, found inside the window, with why. */
  changed: Array<{ source: string; target: string; reason: string }>;
  /** Source indices the target already held exactly, left as phase 1 restored them. */
  unchanged: string[];
  /** Changed indices whose new documents were replayed onto the target inside the window. */
  replayed?: Array<{ source: string; documents: number }>;
  /** Changed indices restored from the final snapshot inside the window, and why not replayed. */
  restoredInWindow?: Array<{ source: string; why: string }>;
  /** The incremental snapshot of the changed indices (absent when nothing changed). */
  snapshot?: SnapshotFacts;
  copy?: CopyFacts;
  /** An earlier attempt's catch-up and final snapshots, deleted: the source may have moved on since. */
  staleSnapshotsDeleted?: string[];
  /** Milliseconds of each step inside the write-blocked window, in order. */
  steps: Array<{ step: string; ms: number }>;
}

/**
 * What preflight found, for main to record. main hands in the object and preflight fills it as it goes,
 * so a run that stops midway (a failed check, the time budget, a cancel) still reports what it saw.
 */
export interface PreflightFindings {
  /** One row per check, in the order they ran. */
  checks: CheckRecord[];
  engines: Partial<Record<SideName, { engine: string; version?: string }>>;
  /** The IAM documents: main's first set (from the inputs alone) in, the set with what preflight learnt out. */
  iamDocuments?: IamDocumentSet;
  forecast?: Forecast;
}

/** What a re-run of the same workflow run found from an earlier attempt and reused instead of redoing. */
export interface ResumeFacts {
  /** Our snapshots found by name, with the state they were found in. */
  snapshots: Array<{ name: string; state: string }>;
  /** Objects already in the destination bucket, not copied again. */
  objects: number;
  /** Target indices restored by an earlier attempt and kept. */
  indices: string[];
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

export type CheckResult = 'pass' | 'warn' | 'fail' | 'skip';

/** One preflight check: what was checked, how it came out, what was found, and what to do when it fails. */
export interface CheckRecord {
  /** Stable id, e.g. `source.identity`, `target.collisions`. */
  id: string;
  check: string;
  result: CheckResult;
  found: string;
  /** What to do when it fails or warns: an input to set, a statement to add, a setting to override. */
  fix?: string;
}

/** The forecast a plan shows: what will be snapshotted, copied, restored and verified. */
export interface Forecast {
  snapshot: {
    repository: string;
    snapshot: string;
    indices: Array<{
      index: string;
      documents: number;
      primaryBytes: number;
      shards: number;
      replicas: number;
      created?: string;
    }>;
    documents: number;
    primaryBytes: number;
    /** An earlier attempt's snapshot of the same name, which the run will reuse. */
    reuses: boolean;
  };
  copy: {
    skipped: boolean;
    from: string;
    to: string;
    objectsEstimate: number;
    bytesEstimate: number;
    estimatedMs: number;
  };
  restore: {
    repository: string;
    indices: Array<{ source: string; target: string }>;
    indexSettings: Record<string, unknown>;
    ignoreIndexSettings: string[];
    includeAliases: boolean;
    replaces: string[];
    /** Bytes the restore needs on the target (primaries × copies) against what it has free. */
    bytesNeeded: number;
    bytesFree?: number;
  };
  verify: { indices: number; documents: number; aliases: number };
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
  /** Set for a two-phase cut-over once phase 2 ran. */
  cutover?: CutoverFacts;
  /** Set when this attempt reused an earlier attempt's snapshot or indices. */
  resumed?: ResumeFacts;
  /** The preflight's checks, one row each, in the order they ran (plan mode and every migration). */
  checks?: CheckRecord[];
  /** What a migration with these inputs will do (written by the preflight). */
  forecast?: Forecast;
  /** The IAM documents this run needs (the `iam-documents` output). */
  iamDocuments?: IamDocumentSet;
  /**
   * Attempts beyond the first, by service ("S3", "STS", "source domain", "target domain"): the faults the
   * run rode out. (`copy.retries` also counts the copy engine's own re-sends after the SDK gave up.)
   */
  retries?: Record<string, number>;
  /** The error that ended the run, when it failed. */
  error?: string;
}
