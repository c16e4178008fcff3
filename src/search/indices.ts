// Indices: which exist, their settings, sizes, counts and aliases, and write blocks. Sequence numbers and
// the cut-over's document reads and writes are in history.ts.
import { nameLists, patternLists } from './index-lists.js';
import { enc, type TransportClass } from './transport.js';

export interface IndexRow {
  index: string;
  status: string;
  health: string;
  primaries: number;
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
  };
}
