// The few domain APIs a migration uses, behind one narrow class: repositories, snapshots, restore,
// indices and their counts, aliases, write blocks. Every call goes through `call`, so errors read the
// same everywhere: the method, the path, the status and the domain's own reason.
import type { Client } from '@opensearch-project/opensearch';
import { retryTally } from '../retry-tally.js';
import { sleep } from '../util/poll.js';
import { nameLists, patternLists } from './index-lists.js';

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly type: string | undefined,
    readonly body: unknown,
    /** Attempts before the one that failed: > 0 means an earlier attempt may have reached the domain. */
    readonly retried = 0,
  ) {
    super(message);
  }
}

/**
 * The client retries 502/503/504 and lost connections itself, but never 429. A domain (or its front end)
 * shedding load did not run the request, so repeating it later is safe: jittered, growing waits.
 */
const THROTTLED_RETRIES = 6;
const throttledWaitMs = (retry: number) => Math.random() * Math.min(20_000, 500 * 2 ** retry);

export interface ClusterInfo {
  engine: 'OpenSearch' | 'Elasticsearch';
  version: string;
  clusterName: string;
}

export interface SnapshotInfo {
  snapshot: string;
  state: 'IN_PROGRESS' | 'SUCCESS' | 'FAILED' | 'PARTIAL' | 'INCOMPATIBLE' | string;
  indices: string[];
  shards?: { total: number; failed: number; successful: number };
  failures?: Array<{ index: string; reason: string }>;
  reason?: string;
}

export interface SnapshotStatus {
  state: string;
  shardsStats: { done: number; total: number; failed: number };
  bytesDone: number;
  bytesTotal: number;
}

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

export interface RunningSnapshot {
  repository: string;
  snapshot: string;
  state: string;
}

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';

/** Reason text of an OpenSearch error body, or of AWS's `{"message": ...}`/`{"Message": ...}` bodies. */
function reasonOf(body: any): { type?: string; reason: string } {
  if (body && typeof body === 'object') {
    const e = body.error;
    if (e && typeof e === 'object') {
      const root = Array.isArray(e.root_cause) && e.root_cause[0] ? e.root_cause[0] : e;
      return { type: root.type ?? e.type, reason: root.reason ?? e.reason ?? JSON.stringify(e) };
    }
    if (typeof e === 'string') return { reason: e };
    if (typeof body.message === 'string') return { reason: body.message };
    if (typeof body.Message === 'string') return { reason: body.Message };
  }
  return { reason: typeof body === 'string' && body ? body.slice(0, 500) : 'no reason given' };
}

const enc = encodeURIComponent;

/** Worst of several health colours (a health answered per list of indices). */
const worstStatus = (a: string, b: string) => ['red', 'yellow', 'green'].find((s) => s === a || s === b) ?? a;

export class Domain {
  constructor(
    readonly client: Client,
    /** For messages: "source" or "target". */
    readonly label: string,
  ) {}

  async call<T = any>(
    method: Method,
    path: string,
    opts: { body?: unknown; query?: Record<string, string | number | boolean>; ignore?: number[] } = {},
  ): Promise<T> {
    const service = `${this.label} domain`;
    let earlier = 0; // attempts already spent, the client's own retries included
    for (let throttled = 0; ; throttled++) {
      try {
        const res = await this.client.transport.request(
          { method, path, body: opts.body as any, querystring: opts.query as any },
          { ignore: opts.ignore },
        );
        retryTally.add(service, earlier + (res.meta?.attempts ?? 0));
        return res.body as T;
      } catch (err: any) {
        const status: number | undefined = err?.meta?.statusCode ?? undefined; // null when the connection failed
        earlier += (err?.meta?.meta?.attempts ?? 0) + 1;
        if (status === 429 && throttled < THROTTLED_RETRIES) {
          await sleep(throttledWaitMs(throttled));
          continue;
        }
        retryTally.add(service, earlier - 1);
        const body = err?.meta?.body;
        if (status === undefined) {
          throw new DomainError(
            `${this.label} domain: ${method} ${path} failed: ${err?.message ?? err}`,
            undefined,
            err?.name,
            undefined,
            earlier - 1,
          );
        }
        const { type, reason } = reasonOf(body);
        throw new DomainError(
          `${this.label} domain: ${method} ${path} → ${status}${type ? ` ${type}` : ''}: ${reason}`,
          status,
          type,
          body,
          earlier - 1,
        );
      }
    }
  }

  async info(): Promise<ClusterInfo> {
    const b = await this.call('GET', '/');
    const distribution = b?.version?.distribution;
    return {
      engine: distribution === 'opensearch' ? 'OpenSearch' : 'Elasticsearch',
      version: String(b?.version?.number ?? 'unknown'),
      clusterName: String(b?.cluster_name ?? ''),
    };
  }

  // ---- repositories -------------------------------------------------------------------------

  async getRepository(name: string): Promise<{ type: string; settings: Record<string, unknown> } | undefined> {
    const b = await this.call('GET', `/_snapshot/${enc(name)}`, { ignore: [404] });
    return b?.[name];
  }

  registerRepository(name: string, type: string, settings: Record<string, unknown>, verify = true): Promise<unknown> {
    return this.call('PUT', `/_snapshot/${enc(name)}`, { body: { type, settings }, query: { verify } });
  }

  verifyRepository(name: string): Promise<{ nodes: Record<string, { name: string }> }> {
    return this.call('POST', `/_snapshot/${enc(name)}/_verify`);
  }

  // ---- snapshots ----------------------------------------------------------------------------

  async getSnapshot(repository: string, snapshot: string): Promise<SnapshotInfo | undefined> {
    const b = await this.call('GET', `/_snapshot/${enc(repository)}/${enc(snapshot)}`, { ignore: [404] });
    if (b?.error) return undefined;
    return b?.snapshots?.[0];
  }

  /** Snapshots running anywhere on the domain (including AWS's automated ones in cs-automated). */
  async runningSnapshots(): Promise<RunningSnapshot[]> {
    const b = await this.call('GET', '/_snapshot/_status');
    return (b?.snapshots ?? []).map((s: any) => ({ repository: s.repository, snapshot: s.snapshot, state: s.state }));
  }

  async createSnapshot(
    repository: string,
    snapshot: string,
    body: { indices: string[]; includeGlobalState: boolean },
  ): Promise<unknown> {
    try {
      return await this.call('PUT', `/_snapshot/${enc(repository)}/${enc(snapshot)}`, {
        query: { wait_for_completion: false },
        body: {
          indices: body.indices.join(','),
          include_global_state: body.includeGlobalState,
          ignore_unavailable: false,
        },
      });
    } catch (err) {
      // A repeat of a request whose answer was lost (a 504, a timeout, a dropped connection) finds the
      // snapshot its first attempt started: that is success, not a name clash.
      if (
        err instanceof DomainError &&
        err.retried > 0 &&
        err.type === 'invalid_snapshot_name_exception' &&
        /same name (already exists|is already in-progress)/.test(err.message)
      ) {
        return { accepted: true };
      }
      throw err;
    }
  }

  async snapshotStatus(repository: string, snapshot: string): Promise<SnapshotStatus> {
    const b = await this.call('GET', `/_snapshot/${enc(repository)}/${enc(snapshot)}/_status`);
    const s = b?.snapshots?.[0] ?? {};
    const stats = s.stats ?? {};
    // OpenSearch reports total/incremental sizes; older engines used number_of_files/size_in_bytes.
    const total = stats.total?.size_in_bytes ?? stats.size_in_bytes ?? 0;
    const processed = stats.processed?.size_in_bytes ?? stats.processed_size_in_bytes ?? 0;
    const incremental = stats.incremental?.size_in_bytes ?? total;
    return {
      state: String(s.state ?? 'UNKNOWN'),
      shardsStats: {
        done: s.shards_stats?.done ?? 0,
        total: s.shards_stats?.total ?? 0,
        failed: s.shards_stats?.failed ?? 0,
      },
      bytesDone: processed,
      bytesTotal: incremental,
    };
  }

  deleteSnapshot(repository: string, snapshot: string): Promise<unknown> {
    return this.call('DELETE', `/_snapshot/${enc(repository)}/${enc(snapshot)}`);
  }

  async restoreSnapshot(repository: string, snapshot: string, body: Record<string, unknown>): Promise<unknown> {
    try {
      return await this.call('POST', `/_snapshot/${enc(repository)}/${enc(snapshot)}/_restore`, {
        body,
        query: { wait_for_completion: false },
      });
    } catch (err) {
      // As for createSnapshot: the repeat of a restore whose answer was lost meets the indices the first
      // attempt created (the caller checked just before that none of them existed).
      if (
        err instanceof DomainError &&
        err.retried > 0 &&
        err.type === 'snapshot_restore_exception' &&
        /open index with same name already exists/.test(err.message)
      ) {
        return { accepted: true };
      }
      throw err;
    }
  }

  // ---- indices ------------------------------------------------------------------------------

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

  /**
   * Per open index: max_seq_no of each primary shard (by shard id), whether every primary has processed
   * all the operations it numbered (local_checkpoint = max_seq_no), and the primaries' Lucene documents.
   * Closed or missing indices are absent from the result.
   */
  async seqNoStats(names: string[]): Promise<Map<string, IndexSeqNos>> {
    const out = new Map<string, IndexSeqNos>();
    if (names.length === 0) return out;
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

  /** Indexes whole documents (create or replace) in one bulk request; returns the per-item errors. */
  async bulkIndex(index: string, docs: ChangedDocument[]): Promise<string[]> {
    if (docs.length === 0) return [];
    // Newline-delimited JSON, serialized here: `call` sends an object or a string as it is.
    const lines = docs.flatMap((d) => [
      { index: { _index: index, _id: d.id, ...(d.routing !== undefined ? { routing: d.routing } : {}) } },
      d.source,
    ]);
    const b = await this.call('POST', '/_bulk', { body: `${lines.map((l) => JSON.stringify(l)).join('\n')}\n` });
    if (!b?.errors) return [];
    return (b.items ?? [])
      .map((i: any) => i.index?.error)
      .filter(Boolean)
      .map((e: any) => `${e.type}: ${e.reason}`);
  }

  async refresh(names: string[]): Promise<void> {
    for (const list of nameLists(names))
      await this.call('POST', `/${list}/_refresh`, { query: { ignore_unavailable: true } });
  }

  /** Top-level documents (nested documents are not counted, unlike _cat/indices docs.count). */
  async count(index: string): Promise<number> {
    const b = await this.call('GET', `/${enc(index)}/_count`);
    return Number(b.count);
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

  /** Cluster health for some indices: red while any primary is still recovering. */
  async health(names: string[]): Promise<{
    status: string;
    initializing_shards: number;
    unassigned_shards: number;
    active_primary_shards: number;
  }> {
    const sum = { status: 'green', initializing_shards: 0, unassigned_shards: 0, active_primary_shards: 0 };
    for (const list of nameLists(names)) {
      const b = await this.call('GET', `/_cluster/health/${list}`, { query: { level: 'cluster' } });
      sum.status = worstStatus(sum.status, String(b?.status));
      sum.initializing_shards += Number(b?.initializing_shards ?? 0);
      sum.unassigned_shards += Number(b?.unassigned_shards ?? 0);
      sum.active_primary_shards += Number(b?.active_primary_shards ?? 0);
    }
    return sum;
  }

  /** Recovery progress of a set of indices, summed: bytes and files recovered of the total. */
  async recovery(
    names: string[],
  ): Promise<{ shardsDone: number; shardsTotal: number; bytesDone: number; bytesTotal: number }> {
    const answers = [];
    for (const list of nameLists(names))
      answers.push(await this.call('GET', `/${list}/_recovery`, { query: { ignore_unavailable: true } }));
    let shardsDone = 0;
    let shardsTotal = 0;
    let bytesDone = 0;
    let bytesTotal = 0;
    for (const v of answers.flatMap((b) => Object.values<any>(b ?? {}))) {
      for (const shard of v?.shards ?? []) {
        if (!shard.primary) continue;
        shardsTotal++;
        if (shard.stage === 'DONE') shardsDone++;
        bytesDone += shard.index?.size?.recovered_in_bytes ?? 0;
        bytesTotal += shard.index?.size?.total_in_bytes ?? 0;
      }
    }
    return { shardsDone, shardsTotal, bytesDone, bytesTotal };
  }

  async setWriteBlock(names: string[], blocked: boolean): Promise<void> {
    for (const list of nameLists(names)) {
      await this.call('PUT', `/${list}/_settings`, {
        // null removes the setting rather than writing `false`, leaving the index as it was before the run.
        body: { index: { 'blocks.write': blocked ? true : null } },
        // Lifting must reach every index that is still there: an index someone deleted during the run
        // would otherwise fail the whole request and leave all the others read-only.
        ...(blocked ? {} : { query: { ignore_unavailable: true } }),
      });
    }
  }

  async writeBlocked(names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
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

  // ---- preflight reads (GET only: a plan changes nothing) ------------------------------------

  /** Every node: name, real version (the main response may say 7.10.2 in compatibility mode), roles, attributes. */
  async nodes(): Promise<NodeFacts[]> {
    const b = await this.call('GET', '/_nodes', {
      query: { filter_path: 'nodes.*.name,nodes.*.version,nodes.*.roles,nodes.*.attributes,nodes.*.host,nodes.*.ip' },
    });
    return Object.entries<any>(b?.nodes ?? {}).map(([id, n]) => ({
      id,
      name: String(n?.name ?? id),
      version: String(n?.version ?? ''),
      roles: (n?.roles ?? []).map(String),
      attributes: Object.fromEntries(Object.entries<any>(n?.attributes ?? {}).map(([k, v]) => [k, String(v)])),
      host: String(n?.host ?? ''),
      ip: String(n?.ip ?? ''),
    }));
  }

  /** Cluster health; with names, of those indices only. */
  async clusterHealth(
    names: string[] = [],
  ): Promise<{ status: string; unassigned_shards: number; number_of_data_nodes: number }> {
    if (names.length === 0) return this.call('GET', '/_cluster/health');
    let sum: { status: string; unassigned_shards: number; number_of_data_nodes: number } | undefined;
    for (const list of nameLists(names)) {
      const b = await this.call('GET', `/_cluster/health/${list}`);
      sum = sum
        ? {
            ...sum,
            status: worstStatus(sum.status, b.status),
            unassigned_shards: sum.unassigned_shards + b.unassigned_shards,
          }
        : b;
    }
    return sum!;
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

  /** Every alias on the domain: alias → its indices. */
  async allAliases(): Promise<Map<string, string[]>> {
    const rows = await this.call<any[]>('GET', '/_cat/aliases', {
      query: { format: 'json', h: 'alias,index', expand_wildcards: 'all' },
    });
    const out = new Map<string, string[]>();
    for (const r of rows ?? []) out.set(r.alias, [...(out.get(r.alias) ?? []), r.index]);
    return out;
  }

  /** Allocation awareness and disk watermarks as in effect (transient over persistent over defaults), as flat keys. */
  async allocationSettings(): Promise<Record<string, string>> {
    // Nested, not flat_settings: filter_path cannot select flat keys that contain dots.
    const b = await this.call('GET', '/_cluster/settings', {
      query: {
        include_defaults: true,
        filter_path: '*.cluster.routing.allocation.awareness,*.cluster.routing.allocation.disk',
      },
    });
    const out: Record<string, string> = {};
    const flatten = (value: unknown, key: string): void => {
      if (value && typeof value === 'object' && !Array.isArray(value))
        for (const [k, v] of Object.entries(value)) flatten(v, key ? `${key}.${k}` : k);
      else out[key] = Array.isArray(value) ? value.join(',') : String(value);
    };
    for (const layer of ['defaults', 'persistent', 'transient']) flatten(b?.[layer] ?? {}, '');
    return out;
  }

  /** Disk per data node, in bytes. */
  async diskAllocation(): Promise<Array<{ node: string; total: number; used: number; avail: number }>> {
    const rows = await this.call<any[]>('GET', '/_cat/allocation', {
      query: { format: 'json', bytes: 'b', h: 'node,disk.total,disk.used,disk.avail' },
    });
    return (rows ?? [])
      .filter((r) => r.node !== 'UNASSIGNED' && r['disk.total'] != null)
      .map((r) => ({
        node: String(r.node),
        total: Number(r['disk.total']),
        used: Number(r['disk.used']),
        avail: Number(r['disk.avail']),
      }));
  }

  /**
   * The caller as the security plugin sees it (fine-grained access control), or undefined when the
   * domain has no security plugin (the node answers "no handler found").
   */
  async securityAccount(): Promise<{ user: string; backendRoles: string[]; roles: string[] } | undefined> {
    try {
      const b = await this.call('GET', '/_plugins/_security/api/account');
      return {
        user: String(b?.user_name ?? ''),
        backendRoles: (b?.backend_roles ?? []).map(String),
        roles: (b?.roles ?? []).map(String),
      };
    } catch (err) {
      if (err instanceof DomainError && (err.status === 404 || (err.status === 400 && /no handler/i.test(err.message))))
        return undefined;
      throw err;
    }
  }

  /** index → the snapshot its primaries were restored from (undefined when not restored from a snapshot). */
  async restoredFrom(names: string[]): Promise<Map<string, string | undefined>> {
    const out = new Map<string, string | undefined>();
    if (names.length === 0) return out;
    const answers = [];
    for (const list of nameLists(names))
      answers.push(await this.call('GET', `/${list}/_recovery`, { query: { ignore_unavailable: true } }));
    for (const [index, v] of answers.flatMap((b) => Object.entries<any>(b ?? {}))) {
      const primaries = (v?.shards ?? []).filter((s: any) => s.primary);
      const snapshots = new Set(primaries.map((s: any) => (s.type === 'SNAPSHOT' ? s.source?.snapshot : undefined)));
      out.set(index, snapshots.size === 1 ? ([...snapshots][0] as string | undefined) : undefined);
    }
    return out;
  }
}

export interface NodeFacts {
  id: string;
  name: string;
  version: string;
  roles: string[];
  attributes: Record<string, string>;
  host: string;
  ip: string;
}
