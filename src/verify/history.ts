// The history check: with the source write-blocked, nothing can change it while it is compared, so each
// primary shard's max_seq_no must be the same on both sides (a restore keeps it). A snapshot older than the
// source's last write shows a lower max_seq_no on the target, whatever the counts say: a stale snapshot
// cannot verify. Indices whose catch-up was replayed document by document carry the target's own sequence
// numbers, so for them the content check decides instead.
import type { ShardHistory } from '../resume/snapshot-mark.js';
import { readSeqNoStats } from '../search/history.js';
import { perIndex, type Transport } from './transport.js';

export interface IndexHistory extends ShardHistory {
  /** Every primary processed all it numbered (local_checkpoint = max_seq_no): nothing in flight. */
  settled: boolean;
}

export type HistoryCheck = { compared: true; differs?: string } | { compared: false; why: string };

/** Per open index: each primary's max_seq_no (by shard id), whether it is settled, its live documents. */
export function readHistory(t: Transport, names: string[]): Promise<Map<string, IndexHistory>> {
  return readSeqNoStats(t, names);
}

/** Of these indices, the ones that refuse writes now (`index.blocks.write` or `index.blocks.read_only`). */
export async function writeBlockedIndices(t: Transport, names: string[]): Promise<Set<string>> {
  const b = await perIndex(t, names, '_settings/index.blocks.write,index.blocks.read_only', { flat_settings: true });
  const out = new Set<string>();
  for (const [index, v] of Object.entries<any>(b)) {
    const s = v?.settings ?? {};
    if (String(s['index.blocks.write']) === 'true' || String(s['index.blocks.read_only']) === 'true') out.add(index);
  }
  return out;
}

const sum = (xs: number[]) => xs.reduce((n, x) => n + (x ?? 0), 0);

/** Why the target's history is not the source's, or undefined when every primary matches. */
export function historyDifference(
  source: IndexHistory | undefined,
  target: IndexHistory | undefined,
): string | undefined {
  if (!source) return 'source history unreadable';
  if (!target) return 'target history unreadable';
  if (source.maxSeqNo.length !== target.maxSeqNo.length)
    return `${source.maxSeqNo.length} primary shards on the source, ${target.maxSeqNo.length} on the target`;
  const shards = source.maxSeqNo.flatMap((s, i) => (s === target.maxSeqNo[i] ? [] : [i]));
  if (shards.length) {
    const behind = sum(target.maxSeqNo) < sum(source.maxSeqNo);
    return `max_seq_no differs on shard ${shards.join(', ')} (source ${shards.map((i) => source.maxSeqNo[i]).join(', ')}, target ${shards.map((i) => target.maxSeqNo[i]).join(', ')})${behind ? ': the target holds an older state of the source' : ''}`;
  }
  if (source.docs !== target.docs) return `live documents differ (source ${source.docs}, target ${target.docs})`;
  return undefined;
}
