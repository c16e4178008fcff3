// The `production` seed profile: a source shaped like the logging domains people actually migrate, not
// like the default seed. Over a thousand small daily indices made by an index template (built from
// component templates, with aliases of its own), a data stream that has rolled over, indices whose
// template names a default ingest pipeline, a legacy template, aliases with a filter, with routing and
// with a write index, a hidden index, a closed index, and names holding `+`, `&` and `%`.
//
// Fast by construction: templates first, then the documents in one `_bulk` (which creates the daily
// indices from their template), so the whole profile is a few dozen requests, not thousands.
// Deterministic: the same names and counts on every machine, returned for tests to compare with.
// Its names cannot collide with the default seed's (seed-data.ts), so both can live on one source.
import { Client } from '@opensearch-project/opensearch';
import type { SeededIndex } from './seed-data.js';

export const PRODUCTION_DAILY_INDICES = 1_000;
/** The first daily index's date; one index a day from there. */
const FIRST_DAY = Date.UTC(2025, 0, 1);

export interface ProductionIndex extends SeededIndex {
  /** Created hidden (`index.hidden`): wildcards skip it unless expand_wildcards says otherwise. */
  hidden?: boolean;
  /** Closed after seeding: a snapshot cannot hold it. */
  closed?: boolean;
  /** `index.default_pipeline` (from its template). */
  defaultPipeline?: string;
}

export interface ProductionSeed {
  profile: 'production';
  /** Every concrete index seeded, data stream backing indices excluded (see dataStreams). */
  indices: ProductionIndex[];
  dataStreams: Array<{ name: string; backingIndices: string[]; documents: number }>;
  templates: { index: string[]; component: string[]; legacy: string[] };
  /** Ingest pipelines created; empty when the node lacks ingest-common (its `set` processor). */
  pipelines: string[];
  aliases: Array<{ alias: string; indices: string[]; filter?: object; routing?: string; writeIndex?: string }>;
  /** Requests the seeder sent, and how long it took. */
  requests: number;
  seconds: number;
}

/** `applog-2025.01.01-000`, `applog-2025.01.02-001`, … one per day. */
export function dailyIndexName(i: number): string {
  const day = new Date(FIRST_DAY + i * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '.');
  return `applog-${day}-${String(i).padStart(3, '0')}`;
}

/** A few documents each, different per index so a swapped count shows. */
const dailyDocuments = (i: number) => 1 + (i % 4);

const DATA_STREAM = 'stream-app';
const PIPELINE = 'events-enrich';
const EVENTS = ['events-web', 'events-mobile'];
const METRICS = ['metrics-cpu', 'metrics-mem'];
/** Names that break a client that does not encode index names in URLs. */
const AWKWARD = ['web+mobile-2025', 'r&d-notes', 'growth%-metrics'];
const HIDDEN = 'audit-trail';
const CLOSED = 'archive-2019';
const TENANTS = 'tenants';
const TENANT_ALIASES = [
  { alias: 'tenant-acme', routing: 'acme' },
  { alias: 'tenant-globex', routing: 'globex' },
];
const LEVELS = ['info', 'info', 'warn', 'error'];

export async function seedProduction(
  nodeUrl: string,
  opts: { log?: (line: string) => void } = {},
): Promise<ProductionSeed> {
  const log = opts.log ?? (() => {});
  const started = Date.now();
  // One bulk creates a thousand indices: minutes on a loaded machine, and never to be sent twice.
  const client = new Client({ node: nodeUrl, requestTimeout: 15 * 60_000, maxRetries: 0 });
  let requests = 0;
  const call = async (method: string, path: string, body?: unknown, querystring?: Record<string, unknown>) => {
    requests++;
    const res = await client.transport.request({ method, path, body: body as any, querystring: querystring as any });
    return res.body as any;
  };

  const daily = Array.from({ length: PRODUCTION_DAILY_INDICES }, (_, i) => dailyIndexName(i));
  await resetProfile(call);
  await sizeForManyShards(nodeUrl);
  requests++;
  // A node starts 4 new primaries at a time, and every reroute walks all unassigned shards: with a
  // thousand new indices that is quadratic. Let them all start at once while seeding, then restore it.
  await call('PUT', '/_cluster/settings', {
    transient: { 'cluster.routing.allocation.node_initial_primaries_recoveries': 1000 },
  });

  // ---- templates: two component templates, a composable index template of them, a data stream's, a legacy one
  await call('PUT', '/_component_template/prod-settings', {
    template: { settings: { number_of_shards: 1, number_of_replicas: 0 } },
  });
  await call('PUT', '/_component_template/applog-mappings', {
    template: {
      mappings: {
        properties: {
          '@timestamp': { type: 'date' },
          level: { type: 'keyword' },
          service: { type: 'keyword' },
          message: { type: 'text' },
        },
      },
    },
  });
  await call('PUT', '/_index_template/applog', {
    index_patterns: ['applog-*'],
    composed_of: ['prod-settings', 'applog-mappings'],
    priority: 100,
    // Every daily index joins both aliases at creation, as a logging domain's template usually arranges.
    template: {
      aliases: { applog: {}, 'applog-current': {}, 'applog-errors': { filter: { term: { level: 'error' } } } },
    },
  });
  await call('PUT', `/_index_template/${DATA_STREAM}`, {
    index_patterns: [`${DATA_STREAM}*`],
    data_stream: {},
    composed_of: ['prod-settings', 'applog-mappings'],
    priority: 200,
  });
  await call('PUT', '/_template/legacy-metrics', {
    index_patterns: ['metrics-*'],
    order: 0,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: { properties: { '@timestamp': { type: 'date' }, value: { type: 'double' }, host: { type: 'keyword' } } },
    aliases: { 'metrics-all': {} },
  });

  // ---- the default ingest pipeline (ingest-common's `set`; a node without that module cannot run it)
  const pipelines: string[] = [];
  const processors = await call('GET', '/_nodes/ingest', undefined, {
    filter_path: 'nodes.*.ingest.processors.type',
  });
  const hasSet = Object.values<any>(processors?.nodes ?? {}).some((n) =>
    (n?.ingest?.processors ?? []).some((p: any) => p.type === 'set'),
  );
  if (hasSet) {
    await call('PUT', `/_ingest/pipeline/${PIPELINE}`, {
      description: 'marks every event with the pipeline that ingested it',
      processors: [{ set: { field: 'ingested_by', value: PIPELINE } }],
    });
    await call('PUT', '/_index_template/events', {
      index_patterns: ['events-*'],
      composed_of: ['prod-settings'],
      priority: 100,
      template: { settings: { 'index.default_pipeline': PIPELINE } },
    });
    pipelines.push(PIPELINE);
  } else {
    log(`the node has no ingest-common module (no "set" processor): ${EVENTS.join(', ')} get no default pipeline`);
  }

  // ---- indices that need settings or aliases of their own before documents arrive
  const plain = { number_of_shards: 1, number_of_replicas: 0 };
  await call('PUT', `/${TENANTS}`, {
    settings: { number_of_shards: 2, number_of_replicas: 0 },
    mappings: { properties: { tenant: { type: 'keyword' }, name: { type: 'text' } } },
    aliases: Object.fromEntries(
      TENANT_ALIASES.map((t) => [t.alias, { routing: t.routing, filter: { term: { tenant: t.routing } } }]),
    ),
  });
  await call('PUT', `/${HIDDEN}`, { settings: { ...plain, 'index.hidden': true } });
  await call('PUT', `/${CLOSED}`, { settings: plain });
  for (const name of AWKWARD) await call('PUT', `/${encodeURIComponent(name)}`, { settings: plain });

  // ---- the documents, by bulk: each bulk creates the indices it names from their templates. The daily
  // indices go 50 at a time, because the cluster manager throttles auto-creation (a thousand at once
  // fail with "Limit exceeded for auto-create" and a 1 min timeout on a loaded machine).
  const counts = new Map<string, number>();
  let lines: object[] = [];
  const add = (index: string, doc: object, op: 'index' | 'create' = 'index', routing?: string) => {
    const n = counts.get(index) ?? 0;
    counts.set(index, n + 1);
    const id = op === 'create' ? undefined : `${index}-${n}`;
    lines.push({ [op]: { _index: index, ...(id ? { _id: id } : {}), ...(routing ? { routing } : {}) } }, doc);
  };
  const DAILY_PER_BULK = 50;
  for (const [i, index] of daily.entries()) {
    for (let d = 0; d < dailyDocuments(i); d++) {
      add(index, {
        '@timestamp': new Date(FIRST_DAY + i * 86_400_000 + d * 60_000).toISOString(),
        level: LEVELS[(i + d) % LEVELS.length],
        service: ['api', 'web', 'worker'][d % 3],
        message: `request ${d} of day ${i}`,
      });
    }
    if ((i + 1) % DAILY_PER_BULK === 0) {
      await bulk(call, lines);
      lines = [];
    }
  }
  for (const [k, index] of EVENTS.entries())
    for (let d = 0; d < 5 + k; d++) add(index, { kind: 'click', at: new Date(FIRST_DAY + d * 1000).toISOString() });
  for (const [k, index] of METRICS.entries())
    for (let d = 0; d < 4 + k; d++)
      add(index, { '@timestamp': new Date(FIRST_DAY + d * 1000).toISOString(), value: d * 1.5, host: `h${d % 2}` });
  for (const [k, index] of AWKWARD.entries()) for (let d = 0; d < 2 + k; d++) add(index, { note: `${index} ${d}` });
  for (const t of TENANT_ALIASES)
    for (let d = 0; d < (t.routing === 'acme' ? 3 : 2); d++)
      add(TENANTS, { tenant: t.routing, name: `${t.routing} user ${d}` }, 'index', t.routing);
  for (let d = 0; d < 3; d++) add(HIDDEN, { actor: `user${d}`, action: 'login' });
  for (let d = 0; d < 4; d++) add(CLOSED, { year: 2019, n: d });
  const streamFirst = 3;
  for (let d = 0; d < streamFirst; d++)
    add(DATA_STREAM, { '@timestamp': new Date(FIRST_DAY + d * 1000).toISOString(), level: 'info' }, 'create');
  await bulk(call, lines);
  log(`${counts.size} indices created and filled in ${((Date.now() - started) / 1000).toFixed(1)}s`);

  // ---- the data stream rolls over, then takes more documents into its new write index
  await call('POST', `/${DATA_STREAM}/_rollover`);
  const streamLines: object[] = [];
  for (let d = 0; d < 2; d++)
    streamLines.push(
      { create: { _index: DATA_STREAM } },
      { '@timestamp': new Date(FIRST_DAY + 86_400_000 + d * 1000).toISOString(), level: 'warn' },
    );
  await bulk(call, streamLines);
  const streamDocuments = streamFirst + 2;

  // ---- the newest daily index becomes applog-current's write index; then the archive is closed
  const newest = daily[daily.length - 1]!;
  await call('POST', '/_aliases', {
    actions: [{ add: { index: newest, alias: 'applog-current', is_write_index: true } }],
  });
  await call('POST', '/_refresh', undefined, { expand_wildcards: 'all' });
  await call('POST', `/${CLOSED}/_close`, undefined, { wait_for_active_shards: 'all' });

  await call('PUT', '/_cluster/settings', {
    transient: { 'cluster.routing.allocation.node_initial_primaries_recoveries': null },
  });

  const stream = await call('GET', `/_data_stream/${DATA_STREAM}`);
  const backingIndices: string[] = (stream?.data_streams?.[0]?.indices ?? []).map((i: any) => String(i.index_name));
  if (backingIndices.length < 2) throw new Error(`data stream ${DATA_STREAM} did not roll over: ${backingIndices}`);

  const seededIndex = (index: string, extra: Partial<ProductionIndex> = {}, aliases: string[] = []) => ({
    index,
    shards: index === TENANTS ? 2 : 1,
    documents: counts.get(index) ?? 0,
    aliases: aliases.sort(),
    ...extra,
  });
  const indices: ProductionIndex[] = [
    ...daily.map((index) => seededIndex(index, {}, ['applog', 'applog-current', 'applog-errors'])),
    ...EVENTS.map((index) => seededIndex(index, hasSet ? { defaultPipeline: PIPELINE } : {})),
    ...METRICS.map((index) => seededIndex(index, {}, ['metrics-all'])),
    ...AWKWARD.map((index) => seededIndex(index)),
    seededIndex(
      TENANTS,
      {},
      TENANT_ALIASES.map((t) => t.alias),
    ),
    seededIndex(HIDDEN, { hidden: true }),
    seededIndex(CLOSED, { closed: true }),
  ];
  const seconds = (Date.now() - started) / 1000;
  log(
    `seeded ${indices.length} indices (${daily.length} daily), data stream ${DATA_STREAM} over ${backingIndices.join(', ')}, ` +
      `${indices.reduce((n, i) => n + i.documents, 0) + streamDocuments} documents in ${requests} requests, ${seconds.toFixed(1)}s`,
  );
  return {
    profile: 'production',
    indices,
    dataStreams: [{ name: DATA_STREAM, backingIndices, documents: streamDocuments }],
    templates: {
      index: ['applog', DATA_STREAM, ...(hasSet ? ['events'] : [])],
      component: ['prod-settings', 'applog-mappings'],
      legacy: ['legacy-metrics'],
    },
    pipelines,
    aliases: [
      { alias: 'applog', indices: daily },
      { alias: 'applog-errors', indices: daily, filter: { term: { level: 'error' } } },
      { alias: 'applog-current', indices: daily, writeIndex: newest },
      { alias: 'metrics-all', indices: METRICS },
      ...TENANT_ALIASES.map((t) => ({
        alias: t.alias,
        indices: [TENANTS],
        routing: t.routing,
        filter: { term: { tenant: t.routing } },
      })),
    ],
    requests,
    seconds,
  };
}

type Call = (method: string, path: string, body?: unknown, query?: Record<string, unknown>) => Promise<any>;

/** The bulk as NDJSON; any item error fails the seed (a silent partial seed would mislead every test). */
async function bulk(call: Call, lines: object[]): Promise<void> {
  const res = await call('POST', '/_bulk', `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  if (res?.errors) {
    const failed = (res.items ?? []).map((x: any) => Object.values<any>(x)[0]).find((x: any) => x?.error);
    throw new Error(`bulk reported errors: ${JSON.stringify(failed)}`);
  }
}

/** Removes what an earlier run of this profile left, so a re-seed starts from the same state. */
async function resetProfile(call: Call): Promise<void> {
  await call('DELETE', `/_data_stream/${DATA_STREAM}`).catch(() => undefined);
  // Patterns, not name lists: a URL naming a thousand indices is just what a node refuses.
  const patterns = ['applog-*', 'events-*', 'metrics-*', TENANTS, HIDDEN, CLOSED, ...AWKWARD.map(encodeURIComponent)];
  await call('DELETE', `/${patterns.join(',')}`, undefined, {
    ignore_unavailable: true,
    expand_wildcards: 'all',
  }).catch(() => undefined);
  for (const t of ['applog', DATA_STREAM, 'events'])
    await call('DELETE', `/_index_template/${t}`).catch(() => undefined);
  await call('DELETE', '/_template/legacy-metrics').catch(() => undefined);
  for (const c of ['prod-settings', 'applog-mappings'])
    await call('DELETE', `/_component_template/${c}`).catch(() => undefined);
  await call('DELETE', `/_ingest/pipeline/${PIPELINE}`).catch(() => undefined);
}

/**
 * A node's default `cluster.max_shards_per_node` is 1,000: fewer than this profile (plus the default
 * seed) holds. A managed domain that carries such a source has room for them: AWS's quota on
 * OpenSearch 2.17+ is 1,000 shards per 16 GiB of heap, up to 4,000 per node, and not the customer's
 * to change (developer guide, "Amazon OpenSearch Service quotas", shard count quotas). The one small
 * node standing in for that domain gets the room on the node itself, never through the gateway.
 * Both sides of a production migration need it: call it for the target's node too.
 */
export async function sizeForManyShards(nodeUrl: string): Promise<void> {
  const client = new Client({ node: nodeUrl });
  await client.cluster.putSettings({ body: { persistent: { 'cluster.max_shards_per_node': 4000 } } });
}
