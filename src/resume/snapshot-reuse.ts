// Whether a snapshot found by name may stand for the source as it is now. A re-run finds its earlier
// attempt's snapshot and would restore it; between the attempts the source may have taken writes (the
// post step lifted the write block), so the snapshot is checked against the source's current history.
import type { SnapshotInfo } from '../search/domain.js';
import { nameLists } from '../search/index-lists.js';
import { readHistory } from '../verify/history.js';
import type { Transport } from '../verify/transport.js';
import { fingerprint, readMark } from './snapshot-mark.js';

/** The source's history fingerprint now; a refresh first, so the live-document counts are current. */
export async function sourceFingerprint(source: Transport, indices: string[]): Promise<string> {
  // One refresh per list: a few hundred daily indices in one URL pass the node's 4 KB request line.
  for (const list of nameLists(indices))
    await source.call('POST', `/${list}/_refresh`, { query: { ignore_unavailable: true } });
  return fingerprint(await readHistory(source, indices), indices);
}

export type ReuseVerdict =
  { kind: 'reuse'; stale?: string } | { kind: 'replace'; why: string } | { kind: 'refuse'; why: string };

export interface ReuseQuestion {
  found: SnapshotInfo;
  /** The fingerprint of the source now, over the indices this run snapshots. */
  current: string;
  runId: string;
  /** A two-phase cut-over moves what changed after phase 1 anyway: a stale phase-1 snapshot is only noted. */
  staleAllowed: boolean;
}

const retake = 'delete it or set another `snapshot` name';

/** Reuse, replace (the run's own, taken again) or refuse, for a finished snapshot found by name. */
export function judgeFoundSnapshot(q: ReuseQuestion): ReuseVerdict {
  const { found } = q;
  const mark = readMark(found.metadata);
  const ours = mark !== undefined && mark.run === q.runId;
  const name = found.snapshot;
  if (found.state !== 'SUCCESS') {
    const why = `snapshot ${name} from an earlier attempt ended ${found.state}`;
    return ours
      ? { kind: 'replace', why }
      : {
          kind: 'refuse',
          why: `${why}; it was not taken by this run, so it is not deleted. A PARTIAL or FAILED snapshot cannot prove the migration: ${retake}`,
        };
  }
  if (!mark)
    return {
      kind: 'refuse',
      why: `snapshot ${name} exists but was not taken by this action (its metadata has no history fingerprint), so nothing proves it holds the source as it is now: ${retake}`,
    };
  if (mark.fingerprint === q.current) return { kind: 'reuse' };
  const stale = `the source has changed since snapshot ${name} was taken (its history fingerprint differs: writes, or indices added or removed)`;
  if (q.staleAllowed) return { kind: 'reuse', stale };
  return ours
    ? { kind: 'replace', why: stale }
    : { kind: 'refuse', why: `${stale}; it was taken by another run (${mark.run}), so it is not deleted: ${retake}` };
}
