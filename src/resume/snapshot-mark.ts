// What a snapshot this action takes says about itself, in the snapshot's own `metadata`, so a re-run that
// finds it by name can tell whether it still is what the source holds (pure: no I/O).
//
// The engine refuses snapshot metadata of 1024 bytes or more (CreateSnapshotRequest validation), so the
// source's history goes in as a digest: per index, per primary shard, max_seq_no (it grows with every
// index, update and delete) and the live documents. Read just before the snapshot is requested, an equal
// digest later proves nothing was written since — so the snapshot, taken after it, holds the source as
// it is now. Any difference (a write, a new index matching the patterns) makes the snapshot stale.
import { createHash } from 'node:crypto';

export const CREATED_BY = 'opensearch-domain-migrate';

/** The per-shard history of one index. */
export interface ShardHistory {
  maxSeqNo: number[];
  docs: number;
}

export interface SnapshotMark {
  created_by: typeof CREATED_BY;
  /** The workflow run (or local run) whose attempts may reuse it. */
  run: string;
  /** sha256 of the snapshotted indices' history when the snapshot was requested. */
  fingerprint: string;
  /**
   * Source indices already write-blocked when the run looked, before it set any block of its own: the
   * user's. A list while it is short; else its digest and size.
   */
  user_write_blocked: string[] | { count: number; digest: string };
}

const METADATA_LIMIT = 1024;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function fingerprint(history: Map<string, ShardHistory>, indices: string[]): string {
  const lines = [...new Set(indices)].sort().map((index) => {
    const h = history.get(index);
    return h ? `${index}\t${h.maxSeqNo.map((n) => n ?? -2).join(',')}\t${h.docs}` : `${index}\tunreadable`;
  });
  return sha256(lines.join('\n'));
}

const setDigest = (names: string[]) => sha256([...new Set(names)].sort().join('\n'));

export function snapshotMark(run: string, print: string, userBlocked: string[]): SnapshotMark {
  const mark: SnapshotMark = { created_by: CREATED_BY, run, fingerprint: print, user_write_blocked: [...userBlocked] };
  if (Buffer.byteLength(JSON.stringify(mark)) < METADATA_LIMIT - 24) return mark;
  return { ...mark, user_write_blocked: { count: new Set(userBlocked).size, digest: setDigest(userBlocked) } };
}

/** The mark in a snapshot's metadata, or undefined when this action did not take it. */
export function readMark(metadata: unknown): SnapshotMark | undefined {
  const m = metadata as Partial<SnapshotMark> | undefined;
  if (!m || m.created_by !== CREATED_BY || typeof m.fingerprint !== 'string' || typeof m.run !== 'string')
    return undefined;
  return { user_write_blocked: [], ...m } as SnapshotMark;
}

/**
 * Of the source indices write-blocked now, those an earlier attempt of this run blocked and left (killed
 * before it could lift them, and its post step did not either): every one the user had not blocked when
 * that attempt looked. Undefined when the mark cannot tell (the user's list was too long to keep and the
 * indices blocked now are not exactly the user's): then every block is taken for the user's, as before.
 */
export function leftByEarlierAttempt(blockedNow: string[], mark: SnapshotMark): string[] | undefined {
  const user = mark.user_write_blocked;
  if (Array.isArray(user)) return blockedNow.filter((i) => !user.includes(i));
  return setDigest(blockedNow) === user.digest ? [] : undefined;
}
