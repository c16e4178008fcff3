// The few domain APIs a migration uses, behind one narrow class: repositories, snapshots, restore,
// indices and their counts, aliases, write blocks. Every call goes through `call`, so errors read the
// same everywhere: the method, the path, the status and the domain's own reason.
import type { Client } from '@opensearch-project/opensearch';

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly type: string | undefined,
    readonly body: unknown,
  ) {
    super(message);
  }
}

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
const list = (names: string[]) => names.map(enc).join(',');

export class Domain {
  constructor(
    readonly client: Client,
    /** For messages: "source" or "target". */
    readonly label: string,
  ) {}

  async call<T = any>(method: Method, path: string, opts: { body?: unknown; query?: Record<string, string | number | boolean>; ignore?: number[] } = {}): Promise<T> {
    try {
      const res = await this.client.transport.request(
        { method, path, body: opts.body as any, querystring: opts.query as any },
        { ignore: opts.ignore },
      );
      return res.body as T;
    } catch (err: any) {
      const status: number | undefined = err?.meta?.statusCode;
      const body = err?.meta?.body;
      if (status === undefined) {
        throw new DomainError(`${this.label} domain: ${method} ${path} failed: ${err?.message ?? err}`, undefined, err?.name, undefined);
      }
      const { type, reason } = reasonOf(body);
      throw new DomainError(`${this.label} domain: ${method} ${path} → ${status}${type ? ` ${type}` : ''}: ${reason}`, status, type, body);
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

  createSnapshot(repository: string, snapshot: string, body: { indices: string[]; includeGlobalState: boolean }): Promise<unknown> {
    return this.call('PUT', `/_snapshot/${enc(repository)}/${enc(snapshot)}`, {
      query: { wait_for_completion: false },
      body: { indices: body.indices.join(','), include_global_state: body.includeGlobalState, ignore_unavailable: false },
    });
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
      shardsStats: { done: s.shards_stats?.done ?? 0, total: s.shards_stats?.total ?? 0, failed: s.shards_stats?.failed ?? 0 },
      bytesDone: processed,
      bytesTotal: incremental,
    };
  }

  deleteSnapshot(repository: string, snapshot: string): Promise<unknown> {
    return this.call('DELETE', `/_snapshot/${enc(repository)}/${enc(snapshot)}`);
  }

  restoreSnapshot(repository: string, snapshot: string, body: Record<string, unknown>): Promise<unknown> {
    return this.call('POST', `/_snapshot/${enc(repository)}/${enc(snapshot)}/_restore`, { body, query: { wait_for_completion: false } });
  }

  // ---- indices ------------------------------------------------------------------------------

  /**
   * Concrete indices matching the patterns, aliases expanded to their indices (hidden and system ones
   * included, so callers can exclude them by name). `_resolve/index` rather than `_cat/indices`: it
   * understands `-` exclusions, and `_cat/indices` with a missing name stalls for 30 s on OpenSearch 3.
   */
  async resolveIndices(patterns: string[]): Promise<{ indices: Array<{ index: string; open: boolean }>; aliases: string[] }> {
    const b = await this.call('GET', `/_resolve/index/${patterns.map((p) => enc(p).replace(/%2A/g, '*')).join(',')}`, {
      query: { expand_wildcards: 'all' },
    });
    const indices = new Map<string, boolean>();
    for (const i of b?.indices ?? []) indices.set(i.name, !(i.attributes ?? []).includes('closed'));
    const viaAlias = (b?.aliases ?? []).flatMap((a: any) => a.indices ?? []).filter((name: string) => !indices.has(name));
    if (viaAlias.length) for (const row of await this.existingIndices(viaAlias)) indices.set(row.index, row.status !== 'close');
    return { indices: [...indices].map(([index, open]) => ({ index, open })), aliases: (b?.aliases ?? []).map((a: any) => a.name) };
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

  deleteIndices(names: string[]): Promise<unknown> {
    return this.call('DELETE', `/${list(names)}`);
  }

  refresh(names: string[]): Promise<unknown> {
    return this.call('POST', `/${list(names)}/_refresh`, { query: { ignore_unavailable: true } });
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
    const b = await this.call('GET', `/${list(names)}/_alias`, { query: { ignore_unavailable: true }, ignore: [404] });
    for (const [index, v] of Object.entries<any>(b ?? {})) {
      if (v && typeof v === 'object' && 'aliases' in v) out.set(index, Object.keys(v.aliases ?? {}).sort());
    }
    return out;
  }

  /** Cluster health for some indices: red while any primary is still recovering. */
  health(names: string[]): Promise<{ status: string; initializing_shards: number; unassigned_shards: number; active_primary_shards: number }> {
    return this.call('GET', `/_cluster/health/${list(names)}`, { query: { level: 'cluster' } });
  }

  /** Recovery progress of a set of indices, summed: bytes and files recovered of the total. */
  async recovery(names: string[]): Promise<{ shardsDone: number; shardsTotal: number; bytesDone: number; bytesTotal: number }> {
    const b = await this.call('GET', `/${list(names)}/_recovery`, { query: { ignore_unavailable: true } });
    let shardsDone = 0;
    let shardsTotal = 0;
    let bytesDone = 0;
    let bytesTotal = 0;
    for (const v of Object.values<any>(b ?? {})) {
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

  setWriteBlock(names: string[], blocked: boolean): Promise<unknown> {
    // null removes the setting rather than writing `false`, leaving the index as it was before the run.
    return this.call('PUT', `/${list(names)}/_settings`, { body: { index: { 'blocks.write': blocked ? true : null } } });
  }

  async writeBlocked(names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const b = await this.call('GET', `/${list(names)}/_settings/index.blocks.write`, { query: { ignore_unavailable: true } });
    return Object.entries<any>(b ?? {})
      .filter(([, v]) => String(v?.settings?.index?.blocks?.write) === 'true')
      .map(([k]) => k);
  }
}
