// A production-shaped source migrated end to end through dist/index.js: over a thousand daily indices
// from templates, aliases with filters, routing and a write index, a hidden index, names with `+`, `&`
// and `%`. The run must verify, and no request it sent may have a request line over the node's 4 KB
// limit (the gateways record every line's length) or a body over the gateway's 10 MiB limit.
// The closed index is excluded as a user must (a snapshot cannot hold it), and so is the data stream:
// data streams are issue 13's work.
import { readFileSync } from 'node:fs';
import { runAction, stackInputs } from '../support/action.js';
import { nodeClient, stackEnv } from '../support/stack.js';
import { productionSeededFile } from '../../stack/stack.js';
import type { ProductionSeed } from '../../stack/seed-production.js';

const seed: ProductionSeed = JSON.parse(readFileSync(productionSeededFile, 'utf8'));
const source = nodeClient('source');
const target = nodeClient('target');
const migrated = seed.indices.filter((i) => !i.closed);
const closed = seed.indices.filter((i) => i.closed).map((i) => i.index);

interface Seen {
  method: string;
  path: string;
  status: number;
  requestLineBytes: number;
  bodyBytes: number;
}

async function requestLog(side: 'source' | 'target', method: 'GET' | 'DELETE'): Promise<Seen[]> {
  const env = stackEnv();
  const base = side === 'source' ? env.STACK_SOURCE_ENDPOINT : env.STACK_TARGET_ENDPOINT;
  const res = await fetch(`${base}/_gateway/requests`, { method });
  return method === 'GET' ? ((await res.json()) as Seen[]) : [];
}

/** Top-level documents per index, read from the bare node in one request per side. */
async function counts(client: typeof source): Promise<Map<string, number>> {
  const res = await client.transport.request({
    method: 'POST',
    path: '/_all/_search',
    // open,hidden: the source's closed index would fail the whole search.
    querystring: { size: 0, expand_wildcards: 'open,hidden' },
    body: { aggs: { i: { terms: { field: '_index', size: 5000 } } } },
  });
  return new Map(res.body.aggregations.i.buckets.map((b: any) => [String(b.key), Number(b.doc_count)]));
}

describe('a production-shaped domain through dist/index.js', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let seen: Array<Seen & { side: string }>;

  beforeAll(async () => {
    // A re-run on a kept stack: the target starts without the user indices an earlier run restored.
    await target.transport.request({
      method: 'DELETE',
      path: '/*,-.*',
      querystring: { expand_wildcards: 'all', ignore_unavailable: true },
    });
    await Promise.all([requestLog('source', 'DELETE'), requestLog('target', 'DELETE')]);
    const started = Date.now();
    run = await runAction(
      stackInputs({
        indices: ['*', ...closed.map((c) => `-${c}`), ...seed.dataStreams.map((d) => `-${d.name}`)].join(','),
      }),
      { timeoutMs: 50 * 60_000 },
    );
    console.log(
      `[production] migration of ${migrated.length} indices: exit ${run.code} in ${((Date.now() - started) / 1000).toFixed(0)}s`,
    );
    seen = [
      ...(await requestLog('source', 'GET')).map((s) => ({ ...s, side: 'source' })),
      ...(await requestLog('target', 'GET')).map((s) => ({ ...s, side: 'target' })),
    ];
  });

  test('the seed is production-shaped: over a thousand indices, a rolled-over data stream, templates', () => {
    expect(seed.indices.length).toBeGreaterThanOrEqual(1000);
    expect(seed.dataStreams[0]!.backingIndices.length).toBeGreaterThanOrEqual(2);
    expect(seed.templates.legacy.length + seed.templates.component.length).toBeGreaterThan(0);
    expect(seed.indices.some((i) => i.hidden)).toBe(true);
    expect(seed.indices.map((i) => i.index)).toEqual(
      expect.arrayContaining(['web+mobile-2025', 'r&d-notes', 'growth%-metrics']),
    );
  });

  test('the job succeeds and says verified', () => {
    expect({ code: run.code, tail: run.log.split('\n').slice(-40).join('\n') }).toEqual({
      code: 0,
      tail: expect.any(String),
    });
    expect(run.outputs.verified).toBe('true');
    expect(JSON.parse(run.outputs['mismatched-indices'])).toEqual([]);
  });

  test('every request line the action sent is under 4 KB, every body under 10 MiB', () => {
    expect(seen.length).toBeGreaterThan(0);
    const longest = seen.reduce((a, b) => (b.requestLineBytes > a.requestLineBytes ? b : a));
    const largest = seen.reduce((a, b) => (b.bodyBytes > a.bodyBytes ? b : a));
    console.log(
      `[production] ${seen.length} requests; longest request line ${longest.requestLineBytes} bytes ` +
        `(${longest.side} ${longest.method} ${longest.path.slice(0, 80)}…); largest body ${largest.bodyBytes} bytes`,
    );
    expect(
      seen.filter((s) => s.requestLineBytes >= 4096).map((s) => `${s.side} ${s.method} ${s.path.slice(0, 100)}`),
    ).toEqual([]);
    expect(largest.bodyBytes).toBeLessThan(10 * 1024 * 1024);
    expect(seen.filter((s) => s.status === 413 || /too_long/.test(String(s.status)))).toEqual([]);
  });

  test('every migrated index is on the target with the seeded count and aliases', async () => {
    const [onSource, onTarget] = await Promise.all([counts(source), counts(target)]);
    const wrong = migrated.filter(
      (i) => onTarget.get(i.index) !== i.documents || onSource.get(i.index) !== i.documents,
    );
    expect(wrong.map((i) => [i.index, i.documents, onSource.get(i.index), onTarget.get(i.index)])).toEqual([]);

    const aliases = (
      await target.transport.request({ method: 'GET', path: '/_alias', querystring: { expand_wildcards: 'all' } })
    ).body as Record<
      string,
      { aliases: Record<string, { is_write_index?: boolean; index_routing?: string; filter?: object }> }
    >;
    const differ = migrated.filter(
      (i) => JSON.stringify(Object.keys(aliases[i.index]?.aliases ?? {}).sort()) !== JSON.stringify(i.aliases),
    );
    expect(differ.map((i) => i.index)).toEqual([]);
    // The write index, the routing and the filter came along too.
    const write = seed.aliases.find((a) => a.writeIndex)!;
    expect(aliases[write.writeIndex!]!.aliases[write.alias]!.is_write_index).toBe(true);
    const routed = seed.aliases.find((a) => a.routing)!;
    expect(aliases[routed.indices[0]!]!.aliases[routed.alias]).toMatchObject({
      index_routing: routed.routing,
      filter: routed.filter,
    });
  });

  test('the hidden index stays hidden; the closed index and the data stream stay behind', async () => {
    const hidden = seed.indices.find((i) => i.hidden)!.index;
    const settings = (await target.indices.getSettings({ index: hidden, flat_settings: true })).body as Record<
      string,
      { settings: Record<string, string> }
    >;
    expect(settings[hidden]!.settings['index.hidden']).toBe('true');
    for (const name of closed) expect((await target.indices.exists({ index: name })).body).toBe(false);
    // The source is writable again: no write block left on any migrated index.
    const blocks = (
      await source.transport.request({
        method: 'GET',
        path: '/_all/_settings/index.blocks.write',
        querystring: { expand_wildcards: 'all', flat_settings: true },
      })
    ).body as Record<string, { settings: Record<string, string> }>;
    expect(Object.entries(blocks).filter(([, v]) => v.settings['index.blocks.write'] === 'true')).toEqual([]);
  });
});
