// Which migrated indices moved on after phase 1 of a two-phase cut-over (pure: no I/O).
//
// max_seq_no grows with every write a shard takes (index, update, delete) and a restore keeps it, so a
// target index whose primaries show the source's max_seq_no, shard by shard, holds the same operations.
// One gap remains: a snapshot's commit records the highest sequence number handed out, which may belong
// to an operation still in flight and not in the commit. The baseline closes it: taken before phase 1's
// snapshot was requested, with nothing in flight (local_checkpoint = max_seq_no), and unchanged at the
// cut-over, it proves that no write happened anywhere near that snapshot. A re-run that reused phase 1's
// snapshot has no baseline and relies on the comparison with the target alone.
import type { IndexSeqNos } from '../search/domain.js';

export type SeqNoStats = Map<string, IndexSeqNos>;

export interface IndexChanges {
  changed: Array<{ source: string; target: string; reason: string }>;
  unchanged: string[];
}

const sum = (xs: number[]) => xs.reduce((n, x) => n + (x ?? 0), 0);
const sameShards = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Why this index must be restored again, or undefined when the target already holds what the source holds. */
export function whyChanged(
  source: IndexSeqNos | undefined,
  target: IndexSeqNos | undefined,
  baseline?: IndexSeqNos,
): string | undefined {
  if (!source) return 'not readable on the source';
  if (!target) return 'not open on the target';
  if (!sameShards(source.maxSeqNo, target.maxSeqNo)) {
    return `written after phase 1 (max_seq_no ${sum(target.maxSeqNo)} on the target, ${sum(source.maxSeqNo)} on the source)`;
  }
  if (source.docs !== target.docs) return `documents differ (source ${source.docs}, target ${target.docs})`;
  if (baseline && !baseline.settled) return 'writes were in flight when phase 1 began';
  if (baseline && !sameShards(baseline.maxSeqNo, source.maxSeqNo)) return 'written while phase 1 snapshot was taken';
  return undefined;
}

export function changesSincePhaseOne(
  plan: Array<{ source: string; target: string }>,
  stats: { source: SeqNoStats; target: SeqNoStats; baseline?: SeqNoStats },
): IndexChanges {
  const out: IndexChanges = { changed: [], unchanged: [] };
  for (const m of plan) {
    const baseline = stats.baseline?.get(m.source);
    const reason =
      whyChanged(stats.source.get(m.source), stats.target.get(m.target), baseline) ??
      (stats.baseline && !baseline ? 'no phase-1 baseline for it' : undefined);
    if (reason) out.changed.push({ ...m, reason });
    else out.unchanged.push(m.source);
  }
  return out;
}
