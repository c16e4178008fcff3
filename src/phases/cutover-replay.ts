// Inside the write-blocked window, the documents written since the target's copy was taken usually are
// few: they travel as documents (read from the source by sequence number, indexed on the target), which
// takes a fraction of an incremental snapshot, copy and restore. A restore re-fetches every segment an
// update touched (OpenSearch reuses a segment's files only when none of them changed), so for updates
// spread over a large index this is the difference between seconds and minutes.
//
// Exact, or not used: the lower bound is the local checkpoint read before the snapshot the target copy
// came from (every operation up to it is in that copy); every live document whose last write is above
// it is replayed with its current content, so updates and new documents arrive; a document deleted since
// leaves the target with more documents than the source, which the count check after the replay sees.
// Such an index, one with too many changes, or one without that lower bound is restored instead.
//
// Replay re-indexes `_source`, so it must be the whole document: an index whose `_source` is disabled or
// filtered (includes/excludes) would lose what `_source` leaves out, and one with a final pipeline (which
// `pipeline=_none` cannot skip) would be rewritten. Those are restored too.
import { eachLimited } from '../util/each-limited.js';
import type { RunContext } from '../context.js';
import { perIndex } from '../verify/transport.js';
import type { SeqNoStats } from './cutover-changes.js';

/** More changed documents than this in one index, and the incremental snapshot and restore moves them. */
export const MAX_REPLAY_DOCUMENTS = 50_000;
const PAGE = 1000;
/** Indices replayed at once: the window is downtime, and a few requests in flight keep both domains calm. */
const CONCURRENCY = 4;

type Entry = { source: string; target: string };

export interface ReplayOutcome {
  /** `since`: per primary, the sequence number the replay started after (every later write was replayed). */
  replayed: Array<Entry & { documents: number; since: number[] }>;
  /** Indices replay cannot carry, and why: they are restored from the final snapshot instead. */
  restore: Array<Entry & { why: string }>;
}

export async function replayChanges(
  ctx: RunContext,
  entries: Entry[],
  stats: { source: SeqNoStats; target: SeqNoStats; copyTakenAt?: SeqNoStats },
): Promise<ReplayOutcome> {
  const { source, target } = ctx;
  const out: ReplayOutcome = { replayed: [], restore: [] };
  const candidates: Array<Entry & { from: number[]; to: number[] }> = [];
  for (const e of entries) {
    const from = stats.copyTakenAt?.get(e.source)?.processed;
    const to = stats.source.get(e.source)?.maxSeqNo;
    const copy = stats.target.get(e.target);
    if (!from || !to) out.restore.push({ ...e, why: 'no record of what its target copy holds' });
    else if (!copy || copy.maxSeqNo.length !== to.length || from.length !== to.length)
      out.restore.push({ ...e, why: 'its target copy is not open' });
    else candidates.push({ ...e, from, to });
  }
  if (candidates.length === 0) return out;
  for (const [source, why] of await notReplayable(
    ctx,
    candidates.map((c) => c.source),
  )) {
    const i = candidates.findIndex((c) => c.source === source);
    const [c] = candidates.splice(i, 1);
    out.restore.push({ source: c!.source, target: c!.target, why });
  }
  if (candidates.length === 0) return out;

  // Every operation is processed (the window waited for that); a refresh makes each one searchable.
  await source.domain.refresh(candidates.map((c) => c.source));
  const written: Array<Entry & { documents: number; since: number[] }> = [];
  await eachLimited(candidates, CONCURRENCY, async (c) => {
    let documents = 0;
    let refusal: string | undefined;
    for (let shard = 0; shard < c.to.length && !refusal; shard++) {
      if (c.to[shard]! <= c.from[shard]!) continue;
      let after: number | undefined;
      for (;;) {
        ctx.signal.throwIfAborted();
        const page = await source.domain.documentsSince(c.source, shard, c.from[shard]!, PAGE, after);
        if (page.length === 0) break;
        documents += page.length;
        if (documents > MAX_REPLAY_DOCUMENTS) {
          refusal = `more than ${MAX_REPLAY_DOCUMENTS} documents changed: restoring moves them faster`;
          break;
        }
        const errors = await target.domain.bulkIndex(c.target, page);
        if (errors.length) {
          refusal = `the target refused replayed documents (${errors.slice(0, 3).join('; ')})`;
          break;
        }
        after = page.at(-1)!.seqNo;
        if (page.length < PAGE) break;
      }
    }
    if (refusal) out.restore.push({ source: c.source, target: c.target, why: refusal });
    else written.push({ source: c.source, target: c.target, documents, since: c.from });
  });
  if (written.length === 0) return out;

  await target.domain.refresh(written.map((w) => w.target));
  await eachLimited(written, CONCURRENCY, async (w) => {
    const [s, t] = await Promise.all([source.domain.count(w.source), target.domain.count(w.target)]);
    if (s === t) out.replayed.push(w);
    else
      out.restore.push({
        source: w.source,
        target: w.target,
        why: `documents were deleted since its target copy (source ${s}, target ${t} after the replay)`,
      });
  });
  return out;
}

/** Source indices whose documents `_source` cannot carry whole, with why. */
async function notReplayable(ctx: RunContext, indices: string[]): Promise<Map<string, string>> {
  const [mappings, settings] = await Promise.all([
    perIndex(ctx.source.domain, indices, '_mapping'),
    perIndex(ctx.source.domain, indices, '_settings/index.final_pipeline', { flat_settings: true }),
  ]);
  const out = new Map<string, string>();
  for (const index of indices) {
    const s = mappings[index]?.mappings?._source;
    const filtered = s && (s.enabled === false || s.includes?.length || s.excludes?.length);
    const pipeline = settings[index]?.settings?.['index.final_pipeline'];
    if (filtered)
      out.set(
        index,
        s.enabled === false
          ? 'its `_source` is disabled: replaying it would lose the documents'
          : 'its `_source` has includes/excludes: replaying it would lose the fields `_source` leaves out',
      );
    else if (pipeline && pipeline !== '_none')
      out.set(index, `its final pipeline ${pipeline} would rewrite replayed documents`);
  }
  return out;
}
