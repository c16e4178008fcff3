// The data stream APIs a migration uses: which streams the `indices` patterns reach, what a stream is on
// a domain (generation, backing indices, write index, the template that lets it roll over), counting
// it, and deleting one the user asked to replace. Amazon OpenSearch Service supports `_data_stream` and
// `_resolve/index` from OpenSearch 1.0 ("Supported operations" in its developer guide).
import type { ResolvedStream } from '../streams/plan.js';
import type { Domain } from './domain.js';
import { nameLists, patternLists } from './index-lists.js';
import { enc, type Transport } from './transport.js';

export interface DataStreamInfo {
  name: string;
  generation: number;
  /** Oldest first; the last one takes the writes. */
  backingIndices: string[];
  timestampField: string;
  status: string;
  /** The index template the stream matches now; absent when none does (it then cannot roll over). */
  template?: string;
}

/** The streams the patterns reach, and which resolved indices are some stream's backing index. */
export async function resolveStreams(
  t: Transport,
  patterns: readonly string[],
): Promise<{ streams: ResolvedStream[]; backing: Map<string, string> }> {
  // As many requests as it takes to keep each request line under the node's 4 KB (search/index-lists.ts).
  const streams = new Map<string, ResolvedStream>();
  const backing = new Map<string, string>();
  for (const names of patternLists([...patterns])) {
    const b = await t.call('GET', `/_resolve/index/${names}`, { query: { expand_wildcards: 'all' } });
    for (const s of b?.data_streams ?? []) {
      streams.set(String(s.name), {
        name: String(s.name),
        backingIndices: (s.backing_indices ?? []).map(String),
        timestampField: String(s.timestamp_field ?? '@timestamp'),
      });
    }
    for (const i of b?.indices ?? []) if (i?.data_stream) backing.set(String(i.name), String(i.data_stream));
  }
  return { streams: [...streams.values()], backing };
}

/** The named streams as the domain has them now; names it does not have are left out. */
export async function dataStreams(t: Transport, names: readonly string[]): Promise<Map<string, DataStreamInfo>> {
  const out = new Map<string, DataStreamInfo>();
  if (names.length === 0) return out;
  // One request per stream: a multi-name GET fails as a whole (404) when any one of them is missing.
  for (const name of names) {
    const b = await t.call('GET', `/_data_stream/${enc(name)}`, { ignore: [404] });
    for (const s of b?.data_streams ?? []) {
      out.set(String(s.name), {
        name: String(s.name),
        generation: Number(s.generation ?? 0),
        backingIndices: (s.indices ?? []).map((i: any) => String(i.index_name)),
        timestampField: String(s.timestamp_field?.name ?? '@timestamp'),
        status: String(s.status ?? ''),
        ...(s.template ? { template: String(s.template) } : {}),
      });
    }
  }
  return out;
}

/** Documents in the stream (every backing index); `refresh` first makes every write searchable (not in a plan: GET only). */
export async function streamCount(t: Transport, name: string, refresh = true): Promise<number> {
  if (refresh) await t.call('POST', `/${enc(name)}/_refresh`);
  const b = await t.call('GET', `/${enc(name)}/_count`);
  return Number(b?.count);
}

/** Deletes streams with their backing indices (only ever for overwrite-existing-indices). */
export async function deleteDataStreams(t: Transport, names: readonly string[]): Promise<void> {
  for (const list of nameLists([...names])) await t.call('DELETE', `/_data_stream/${list}`);
}

/**
 * Target streams restored by this run (every backing index's primaries recovered from one of the run's
 * snapshots), and the others, which belong to someone else.
 */
export async function streamsOwnedByRun(
  domain: Pick<Domain, 'restoredFrom'>,
  existing: readonly DataStreamInfo[],
  ourSnapshots: readonly string[],
): Promise<{ ours: string[]; foreign: string[] }> {
  const restored = await domain.restoredFrom(existing.flatMap((s) => s.backingIndices));
  const ours: string[] = [];
  const foreign: string[] = [];
  for (const s of existing) {
    const mine =
      s.backingIndices.length > 0 &&
      s.backingIndices.every((index) => ourSnapshots.includes(restored.get(index) ?? ''));
    (mine ? ours : foreign).push(s.name);
  }
  return { ours, foreign };
}
