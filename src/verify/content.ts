// The content check: documents fetched by id from both sides and compared by a hash of `_source` and
// `_routing`. Counts cannot see an update, or a deletion balanced by an insert; this can. A sample is
// drawn at random from each side (the target's sample finds documents the source no longer has);
// `all` walks every id of the source instead, which, with equal counts, proves both sides hold the same set.
import { createHash } from 'node:crypto';
import { canonicalJson } from './definitions.js';
import type { Transport } from './transport.js';

/** Documents per side, or every document. */
export type SampleSize = number | 'all';

export type DocumentProblem = 'missing on the target' | 'not on the source' | 'content differs';

export interface DocumentMismatch {
  id: string;
  routing?: string;
  problem: DocumentProblem;
}

export interface ContentCheck {
  sample: SampleSize;
  /** Distinct documents fetched from both sides and compared. */
  compared: number;
  /** Every mismatch found (the list below is cut short on a large index). */
  mismatchCount: number;
  mismatches: DocumentMismatch[];
  /** The source keeps no `_source`: documents compared by id and routing only. */
  sourceDisabled?: boolean;
}

/** Most mismatching ids kept per index for the summary; the count says how many there were. */
export const MAX_LISTED_MISMATCHES = 50;
/** A random sample is one search; above the default result window, ids are paged through a scroll. */
const RANDOM_SAMPLE_MAX = 10_000;
const PAGE = 1000;
/**
 * `_mget` bodies are ids only, but a batch is kept far under the 10 MiB request limit of small instance
 * types anyway (Amazon OpenSearch Service, "Network limits"): the answer carries each document's source.
 */
const MGET_MAX_BODY_BYTES = 1024 * 1024;
const MGET_MAX_DOCS = 500;

interface DocRef {
  id: string;
  routing?: string;
}

interface Fetched {
  found: boolean;
  hash?: string;
  hasSource: boolean;
}

function hashOf(doc: any): string {
  return createHash('sha256')
    .update(canonicalJson({ source: doc._source ?? null, routing: doc._routing ?? null }))
    .digest('hex');
}

const refOf = (hit: any): DocRef => ({
  id: String(hit._id),
  ...(hit._routing !== undefined && hit._routing !== null ? { routing: String(hit._routing) } : {}),
});

/** `size` ids drawn at random (seeded) from one index. */
async function randomIds(t: Transport, index: string, size: number, seed: number): Promise<DocRef[]> {
  const b = await t.call('POST', `/${encodeURIComponent(index)}/_search`, {
    body: {
      size,
      _source: false,
      track_total_hits: false,
      query: { function_score: { query: { match_all: {} }, random_score: { seed, field: '_seq_no' } } },
    },
  });
  return (b?.hits?.hits ?? []).map(refOf);
}

/** Every id of an index (or the first `limit`, or those a query selects), a page at a time through a scroll. */
async function* scrollIds(
  t: Transport,
  index: string,
  limit?: number,
  select?: { query: unknown; shard: number },
): AsyncGenerator<DocRef[]> {
  let b = await t.call('POST', `/${encodeURIComponent(index)}/_search`, {
    query: { scroll: '2m', ...(select ? { preference: `_shards:${select.shard}` } : {}) },
    body: { size: PAGE, _source: false, sort: ['_doc'], ...(select ? { query: select.query } : {}) },
  });
  let seen = 0;
  const ids: string[] = [];
  try {
    for (;;) {
      if (b?._scroll_id) ids.push(b._scroll_id);
      const hits: any[] = b?.hits?.hits ?? [];
      if (hits.length === 0) return;
      const page = hits.map(refOf).slice(0, limit === undefined ? undefined : limit - seen);
      seen += page.length;
      yield page;
      if (limit !== undefined && seen >= limit) return;
      b = await t.call('POST', '/_search/scroll', { body: { scroll: '2m', scroll_id: b._scroll_id } });
    }
  } finally {
    if (ids.length)
      await t.call('DELETE', '/_search/scroll', { body: { scroll_id: [...new Set(ids)] } }).catch(() => undefined);
  }
}

/** Documents by id in batches that stay small, each found or not, with its hash. */
async function fetchByIds(t: Transport, index: string, refs: DocRef[]): Promise<Fetched[]> {
  const out: Fetched[] = [];
  let start = 0;
  while (start < refs.length) {
    const docs: Array<Record<string, string>> = [];
    let bytes = 16;
    while (start + docs.length < refs.length && docs.length < MGET_MAX_DOCS) {
      const r = refs[start + docs.length]!;
      const doc = { _index: index, _id: r.id, ...(r.routing !== undefined ? { routing: r.routing } : {}) };
      const size = Buffer.byteLength(JSON.stringify(doc)) + 1;
      if (docs.length && bytes + size > MGET_MAX_BODY_BYTES) break;
      docs.push(doc);
      bytes += size;
    }
    const b = await t.call('POST', '/_mget', { body: { docs } });
    for (const d of b?.docs ?? []) {
      if (d?.error) throw new Error(`${t.label} domain: _mget of ${index}/${d._id} failed: ${JSON.stringify(d.error)}`);
      out.push({
        found: d?.found === true,
        hasSource: d?._source !== undefined,
        ...(d?.found ? { hash: hashOf(d) } : {}),
      });
    }
    start += docs.length;
  }
  return out;
}

class Tally {
  readonly check: ContentCheck;
  private readonly seen = new Set<string>();
  constructor(sample: SampleSize) {
    this.check = { sample, compared: 0, mismatchCount: 0, mismatches: [] };
  }
  /** Refs not compared yet (a document drawn by both samples is compared once). */
  fresh(refs: DocRef[]): DocRef[] {
    return refs.filter((r) => {
      const key = `${r.routing ?? ''}\u0000${r.id}`;
      if (this.seen.has(key)) return false;
      this.seen.add(key);
      return true;
    });
  }
  add(refs: DocRef[], source: Fetched[], target: Fetched[]): void {
    refs.forEach((r, i) => {
      const s = source[i]!;
      const t = target[i]!;
      if (s.found && !s.hasSource) this.check.sourceDisabled = true;
      const problem: DocumentProblem | undefined =
        s.found && !t.found
          ? 'missing on the target'
          : !s.found && t.found
            ? 'not on the source'
            : s.found && t.found && s.hash !== t.hash
              ? 'content differs'
              : undefined;
      if (s.found || t.found) this.check.compared++;
      if (!problem) return;
      this.check.mismatchCount++;
      if (this.check.mismatches.length < MAX_LISTED_MISMATCHES) this.check.mismatches.push({ ...r, problem });
    });
  }
}

async function compareRefs(
  tally: Tally,
  sides: { source: Transport; target: Transport },
  indices: { source: string; target: string },
  refs: DocRef[],
): Promise<void> {
  const fresh = tally.fresh(refs);
  if (fresh.length === 0) return;
  const [s, t] = await Promise.all([
    fetchByIds(sides.source, indices.source, fresh),
    fetchByIds(sides.target, indices.target, fresh),
  ]);
  tally.add(fresh, s, t);
}

/**
 * Compares a sample (or all) of one index's documents on both sides, by id. `changedSince` (per primary
 * shard, the sequence number its target copy was known to hold) adds every document written after it:
 * what a two-phase cut-over replayed, each one checked rather than a sample of them.
 */
export async function compareContent(
  sides: { source: Transport; target: Transport },
  indices: { source: string; target: string },
  sample: SampleSize,
  seed: number,
  signal?: AbortSignal,
  changedSince?: number[],
): Promise<ContentCheck> {
  const tally = new Tally(sample);
  for (const [shard, since] of (changedSince ?? []).entries()) {
    const query = { range: { _seq_no: { gt: since } } };
    for await (const page of scrollIds(sides.source, indices.source, undefined, { query, shard })) {
      signal?.throwIfAborted();
      await compareRefs(tally, sides, indices, page);
    }
  }
  if (sample === 0) return tally.check;
  if (sample === 'all' || sample > RANDOM_SAMPLE_MAX) {
    const limit = sample === 'all' ? undefined : sample;
    for await (const page of scrollIds(sides.source, indices.source, limit)) {
      signal?.throwIfAborted();
      await compareRefs(tally, sides, indices, page);
    }
    // With every source id found on the target and equal counts, the target has nothing more; a sample
    // from the target still looks for documents the source no longer has when only part was walked.
    if (sample !== 'all')
      await compareRefs(tally, sides, indices, await randomIds(sides.target, indices.target, RANDOM_SAMPLE_MAX, seed));
    return tally.check;
  }
  const [fromSource, fromTarget] = await Promise.all([
    randomIds(sides.source, indices.source, sample, seed),
    randomIds(sides.target, indices.target, sample, seed),
  ]);
  await compareRefs(tally, sides, indices, [...fromSource, ...fromTarget]);
  return tally.check;
}
