// The run record: the one place that knows what happened. Phases return their findings, main.ts
// stores them here, and the summary and outputs are rendered from it (report/), never by phases.

import type { DurationForecast } from './preflight/duration.js';
import type { SideName } from './constants.js';
import type { IamDocumentSet } from './iam/run-documents.js';
import type { MetadataFacts } from './metadata/apply.js';
import type { MetadataPlanItem } from './metadata/plan.js';
import type { StreamComparison } from './streams/verify.js';
import type { IndexChecks } from './verify/index-checks.js';
import type { SampleSize } from './verify/content.js';

export type PhaseName =
  'credentials' | 'preflight' | 'snapshot' | 'copy' | 'metadata' | 'restore' | 'cutover' | 'verify';
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
  /** Why an earlier attempt's snapshot of this name was deleted and taken again (stale, failed, partial). */
  replaced?: string;
  /** Reused though the source moved on since (phase 1 of a two-phase cut-over, which moves the rest). */
  stale?: string;
  /** Bytes of the snapshot's files (its status' total), when the domain said. */
  bytes?: number;
  /** The run's repository's max_snapshot_bytes_per_sec, when snapshot-rate set it. */
  rate?: string;
}

/** The target's restore throttles around the restore (phases/restore-throttles.ts). */
export interface ThrottleFacts {
  /** raised: ours are in place; restored: put back; refused: the domain would not; left: could not put back. */
  state: 'raised' | 'restored' | 'refused' | 'left';
  /** The persistent values before the run (null: not set): exactly what is put back. */
  previous: Record<string, string | null>;
  /** The recovery rate per node in force during the restore, as the domain reports it. */
  recoveryRate?: string;
  /** Why the domain refused, when it did. */
  refusal?: string;
}

/** The blobs copied while the snapshot ran (phases/head-start.ts). */
export interface HeadStartFacts {
  passes: number;
  objects: number;
  bytes: number;
  /** Bytes the head start had copied when the snapshot ended; what the run copied after is the tail. */
  bytesAtSnapshotEnd: number;
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
  headStart?: HeadStartFacts;
  /** From the end of the snapshot to the end of the copy, and the bytes copied in that time. */
  tailMs?: number;
  tailBytes?: number;
}

export interface RestoreFacts {
  repository: string;
  /** source index → target index, as restored. */
  restored: Array<{ source: string; target: string }>;
  deletedBeforeRestore: string[];
  /** Target indices an earlier attempt of this run had already restored, kept as they were. */
  kept?: string[];
  /** Data streams restored by name: source stream → target stream. */
  streams?: Array<{ source: string; target: string }>;
  /** Bytes the restore's recoveries moved, when the domain said. */
  bytes?: number;
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
  replayed?: Array<{ source: string; documents: number; since?: number[] }>;
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

/** appeared: matched the patterns only at the end of the run, so nothing of it was migrated. */
export type IndexStatus = 'match' | 'mismatch' | 'missing' | 'excluded' | 'appeared';

export interface IndexComparison {
  /** A data stream's row compares the stream's count; its backing indices have rows of their own. */
  kind?: 'index' | 'stream';
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
  /** Definitions, content and history compared (indices present on both sides). */
  checks?: IndexChecks;
}

export interface VerificationFacts {
  verified: boolean;
  indices: IndexComparison[];
  sourceTotal: number;
  targetTotal: number;
  mismatched: string[];
  /** Data streams, one row each (their backing indices are not in `indices`). */
  streams?: StreamComparison[];
  /** Documents per index fetched by id from both sides (verify-sample). */
  sample?: SampleSize;
  /** Indices (and streams) that matched the patterns only when they were resolved again at the end. */
  appeared?: string[];
}

/** One step of the optional clean-up after a verified run. */
export interface CleanupStep {
  step: string;
  result: 'done' | 'failed' | 'skipped';
  detail: string;
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
  /** How long the run will take, phase by phase, and what bounds each (preflight/duration.ts). */
  duration?: DurationForecast;
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
    /** Of the estimate: what the source repository holds now and the destination does not (listed, exact). */
    inRepository?: { objects: number; bytes: number };
    /** Of the estimate: what the snapshot this run takes writes (estimated from the indices' segments). */
    newSnapshot?: { objects: number; bytes: number };
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
  /** Data streams the run migrates by name, with their source facts. */
  streams?: Array<{ stream: string; target: string; documents: number; generations: number; writeIndex: string }>;
  /** What the metadata phase will do with each item (absent with `metadata: skip`). */
  metadata?: { mode: string; items: MetadataPlanItem[]; filteredOut: number; managed: number };
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
  /** Cluster metadata written to the target before the restore, item by item. */
  metadata?: MetadataFacts;
  verification?: VerificationFacts;
  writeBlock?: WriteBlockFacts;
  restoreThrottles?: ThrottleFacts;
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
  /** The run was cancelled (SIGINT/SIGTERM): never reported as verified, whatever verification found. */
  cancelled?: boolean;
  /** The clean-up steps after a verified run (cleanup: true), in order. */
  cleanup?: CleanupStep[];
  /** Source indices found write-blocked at the start that an earlier attempt of this run had left: lifted as the run's own. */
  inheritedWriteBlock?: string[];
}
