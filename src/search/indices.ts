// Indices: which exist, their settings, sizes, counts, aliases and sequence numbers, write blocks, and the
// few document reads and writes of the two-phase cut-over.
import { MAX_REQUEST_BYTES } from '../constants.js';
import { nameLists, patternLists } from './index-lists.js';
import { enc, type TransportClass } from './transport.js';

export interface IndexRow {
  index: string;
  status: string;
  health: string;
  primaries: number;
}

export interface IndexSeqNos {
  /** max_seq_no of each primary shard, by shard id: it grows with every write (index, update, delete). */
  maxSeqNo: number[];
  /** local_checkpoint of each primary shard: every operation up to it has been processed. */
  processed: number[];
  /** Every primary has processed all the operations it numbered (nothing in flight). */
  settled: boolean;
  /** Lucene documents in the primaries (nested ones included). */
  docs: number;
}

/** A document as a shard holds it now, for replaying onto the target. */
export interface ChangedDocument {
  id: string;
  seqNo: number;
  routing?: string;
  source: Record<string, unknown>;
}

export function IndicesApi<T extends TransportClass>(Base: T) {
  return class Indices extends Base {
    /**
     * Concrete indices matching the patterns, aliases expanded to their indices (hidden and system ones
     * included, so callers can exclude them by name). `_resolve/index` rather than `_cat/indices`: it
     * understands `-` exclusions, and `_cat/indices` with a missing name stalls for 30 s on OpenSearch 3.
     */
    async resolveIndices(
      patterns: string[],
    ): Promise<{ indices: Array<{ index: string; open: boolean }>; aliases: string[] }> {
      const indices = new Map<string, boolean>();
      const aliases = new Map<string, string[]>();
      for (const list of patternLists(patterns)) {
        const b = await this.call('GET', `/_resolve/index/${list}`, { query: { expand_wildcards: 'all' } });
        for (const i of b?.indices ?? []) indices.set(i.name, !(i.attributes ?? []).includes('closed'));
        for (const a of b?.aliases ?? []) aliases.set(a.name, a.indices ?? []);
      }
      const viaAlias = [...aliases.values()].flat().filter((name) => !indices.has(name));
      if (viaAlias.length)
        for (const row of await this.existingIndices(viaAlias)) indices.set(row.index, row.status !== 'close');
      return {
        indices: [...indices].map(([index, open]) => ({ index, open })),
        aliases: [...aliases.keys()],
      };
    }

    /** Which of these indices exist, with their state. One listing of all indices, filtered here. */
    async existingIndices(names: string[]): Promise<IndexRow[]> {
      if (names.length === 0) return [];
      const wanted = new Set(names);
      const rows = await this.call<any[]>('GET', '/_cat/indices', {
        query: { format: 'json', h: 'index,status,health,pri', expand_wildcards: 'all' },
      });
      return rows
        .filter((r) => wanted.has(r.index))
        .map((r) => ({ index: r.index, status: r.status, health: r.health, primaries: Number(r.pri) }));
    }

    async deleteIndices(names: string[]): Promise<void> {
      for (const list of nameLists(names)) await this.call('DELETE', `/${list}`);
    }

    /** Closes indices (a restore may replace a closed index and reuses its unchanged files). */
    async closeIndices(names: string[]): Promise<void> {
      for (const list of nameLists(names))
        await this.call('POST', `/${list}/_close`, { query: { wait_for_active_shards: 'all' } });
    }

    async refresh(names: string[]): Promise<void> {
      for (const list of nameLists(names))
        await this.call('POST', `/${list}/_refresh`, { query: { ignore_unavailable: true } });
    }

    // ---- write blocks -----------------------------------------------------------------------

    /**
     * Sets `index.blocks.write: true`, or, with `blocked` false, removes the setting (null) rather than
     * writing `false`: the index is left as it was before the run.
     */
    async setWriteBlock(names: string[], blocked: boolean): Promise<void> {
      for (const list of nameLists(names)) {
        await this.call('PUT', `/${list}/_settings`, {
          body: { index: { 'blocks.write': blocked ? true : null } },
          // Lifting must reach every index that is still there: one deleted during the run would otherwise
          // fail the whole request and leave all the others read-only.
          ...(blocked ? {} : { query: { ignore_unavailable: true } }),
        });
      }
    }

    async writeBlocked(names: string[]): Promise<string[]> {
      const answers = [];
      for (const list of nameLists(names))
        answers.push(
          await this.call('GET', `/${list}/_settings/index.blocks.write`, { query: { ignore_unavailable: true } }),
        );
      return answers
        .flatMap((b) => Object.entries<any>(b ?? {}))
        .filter(([, v]) => String(v?.settings?.index?.blocks?.write) === 'true')
        .map(([k]) => k);
    }

    // ---- counts, sizes, settings, aliases -----------------------------------------------------

    /** Top-level documents (nested documents are not counted, unlike _cat/indices docs.count). */
    async count(index: string): Promise<number> {
      const b = await this.call('GET', `/${enc(index)}/_count`);
      return Number(b.count);
    }

    /**
     * Top-level documents per index (what verification counts; nested documents are not), in one request:
     * a terms aggregation on `_index`, sent as GET with a body so a plan stays GET-only.
     */
    async documentCounts(patterns: string[], expected: number): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      for (const list of patternLists(patterns)) {
        const b = await this.call('GET', `/${list}/_search`, {
          query: { size: 0, expand_wildcards: 'open', filter_path: 'aggregations.indices.buckets' },
          body: {
            aggs: { indices: { terms: { field: '_index', size: Math.min(Math.max(expected, 10) + 100, 65_000) } } },
          },
        });
        for (const x of b?.aggregations?.indices?.buckets ?? []) out.set(String(x.key), Number(x.doc_count));
      }
      return out;
    }

    /** Flat settings of the indices the patterns name (only the settings asked for, wildcards allowed). */
    async indexSettings(patterns: string[], names: string[]): Promise<Map<string, Record<string, string>>> {
      const answers = [];
      for (const list of patternLists(patterns))
        answers.push(
          await this.call('GET', `/${list}/_settings/${names.join(',')}`, {
            query: { flat_settings: true, expand_wildcards: 'open' },
          }),
        );
      const out = new Map<string, Record<string, string>>();
      for (const [index, v] of answers.flatMap((b) => Object.entries<any>(b ?? {}))) {
        out.set(
          index,
          Object.fromEntries(
            Object.entries<any>(v?.settings ?? {}).map(([k, x]) => [k, Array.isArray(x) ? x.join(',') : String(x)]),
          ),
        );
      }
      return out;
    }

    /** Per index: store size of the primaries and of all copies, segments in the primaries. */
    async indexSizes(
      patterns: string[],
    ): Promise<Map<string, { primaryBytes: number; totalBytes: number; segments: number }>> {
      const answers = [];
      for (const list of patternLists(patterns))
        answers.push(
          await this.call('GET', `/${list}/_stats/store,segments`, {
            query: {
              level: 'indices',
              expand_wildcards: 'open',
              filter_path:
                'indices.*.primaries.store.size_in_bytes,indices.*.total.store.size_in_bytes,indices.*.primaries.segments.count',
            },
          }),
        );
      const out = new Map<string, { primaryBytes: number; totalBytes: number; segments: number }>();
      for (const [index, v] of answers.flatMap((b) => Object.entries<any>(b?.indices ?? {}))) {
        out.set(index, {
          primaryBytes: Number(v?.primaries?.store?.size_in_bytes ?? 0),
          totalBytes: Number(v?.total?.store?.size_in_bytes ?? 0),
          segments: Number(v?.primaries?.segments?.count ?? 0),
        });
      }
      return out;
    }

    /** index → sorted alias names, for the given indices. */
    async aliases(names: string[]): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>();
      if (names.length === 0) return out;
      const answers = [];
      for (const list of nameLists(names))
        answers.push(await this.call('GET', `/${list}/_alias`, { query: { ignore_unavailable: true }, ignore: [404] }));
      for (const [index, v] of answers.flatMap((b) => Object.entries<any>(b ?? {}))) {
        if (v && typeof v === 'object' && 'aliases' in v) out.set(index, Object.keys(v.aliases ?? {}).sort());
      }
      return out;
    }

    /** Every alias on the domain: alias → its indices. */
    async allAliases(): Promise<Map<string, string[]>> {
      const rows = await this.call<any[]>('GET', '/_cat/aliases', {
        query: { format: 'json', h: 'alias,index', expand_wildcards: 'all' },
      });
      const out = new Map<string, string[]>();
      for (const r of rows ?? []) out.set(r.alias, [...(out.get(r.alias) ?? []), r.index]);
      return out;
    }

    // ---- what changed (the two-phase cut-over) ------------------------------------------------

    /**
     * Per open index: max_seq_no of each primary shard (by shard id), whether every primary has processed
     * all the operations it numbered (local_checkpoint = max_seq_no), and the primaries' Lucene documents.
     * Closed or missing indices are absent from the result.
     */
    async seqNoStats(names: string[]): Promise<Map<string, IndexSeqNos>> {
      const out = new Map<string, IndexSeqNos>();
      if (names.length === 0) return out;
      // Side by side, not one after another: the cut-over reads these inside its write-blocked window.
      const answers = await Promise.all(
        nameLists(names).map((list) =>
          this.call('GET', `/${list}/_stats/docs`, { query: { level: 'shards', ignore_unavailable: true } }),
        ),
      );
      for (const [index, v] of answers.flatMap((b) => Object.entries<any>(b?.indices ?? {}))) {
        const maxSeqNo: number[] = [];
        const processed: number[] = [];
        let settled = true;
        for (const [shard, copies] of Object.entries<any[]>(v?.shards ?? {})) {
          const primary = copies.find((c) => c?.routing?.primary);
          if (!primary?.seq_no) continue;
          maxSeqNo[Number(shard)] = Number(primary.seq_no.max_seq_no);
          processed[Number(shard)] = Number(primary.seq_no.local_checkpoint);
          if (primary.seq_no.local_checkpoint !== primary.seq_no.max_seq_no) settled = false;
        }
        out.set(index, { maxSeqNo, processed, settled, docs: Number(v?.primaries?.docs?.count ?? 0) });
      }
      return out;
    }

    /**
     * The live documents of one shard whose last write came after `afterSeqNo`, oldest first, one page at
     * a time (`_seq_no` is indexed for range queries and sorts). `searchAfter` is the last page's last seq_no.
     */
    async documentsSince(
      index: string,
      shard: number,
      afterSeqNo: number,
      size: number,
      searchAfter?: number,
    ): Promise<ChangedDocument[]> {
      const b = await this.call('POST', `/${enc(index)}/_search`, {
        query: { preference: `_shards:${shard}` },
        body: {
          size,
          query: { range: { _seq_no: { gt: afterSeqNo } } },
          sort: [{ _seq_no: 'asc' }],
          seq_no_primary_term: true,
          ...(searchAfter !== undefined ? { search_after: [searchAfter] } : {}),
        },
      });
      return (b?.hits?.hits ?? []).map((h: any) => ({
        id: h._id,
        seqNo: h._seq_no,
        source: h._source,
        ...(h._routing !== undefined ? { routing: h._routing } : {}),
      }));
    }

    /**
     * Indexes whole documents (create or replace) as they are: `pipeline=_none`, so no default ingest
     * pipeline rewrites a replayed document, in bulk requests under the domain's request-size limit.
     * Returns the per-item errors (a document too large for any request is one).
     */
    async bulkIndex(index: string, docs: ChangedDocument[], maxBytes = MAX_REQUEST_BYTES): Promise<string[]> {
      const errors: string[] = [];
      let body: string[] = [];
      let bytes = 0;
      const send = async () => {
        if (body.length === 0) return;
        // Newline-delimited JSON, serialized here: `call` sends an object or a string as it is.
        const b = await this.call('POST', '/_bulk', { body: `${body.join('\n')}\n`, query: { pipeline: '_none' } });
        body = [];
        bytes = 0;
        if (!b?.errors) return;
        for (const i of b.items ?? [])
          if (i.index?.error) errors.push(`${i.index.error.type}: ${i.index.error.reason}`);
      };
      for (const d of docs) {
        const action = JSON.stringify({
          index: { _index: index, _id: d.id, ...(d.routing !== undefined ? { routing: d.routing } : {}) },
        });
        const source = JSON.stringify(d.source);
        const size = Buffer.byteLength(action) + Buffer.byteLength(source) + 2;
        if (size > maxBytes) {
          errors.push(`document ${d.id} is ${size} bytes, over the ${maxBytes}-byte request limit`);
          continue;
        }
        if (bytes + size > maxBytes) await send();
        body.push(action, source);
        bytes += size;
      }
      await send();
      return errors;
    }
  };
}
