// The benchmark's source data: several indices and shards, sized by BENCH_E2E_MIB, generated from the
// stack's seeded generator so every run and every machine gets the same documents. Built for speed:
// each document is a few KiB of base64 in a `binary` field (kept in _source, never indexed), bulked in
// requests of ~16 MiB, a few in flight, with refresh off and an async translog while loading.
// Random base64 hardly compresses, so the bytes on disk (and in the snapshot) are close to the bytes sent.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../stack/random.js';
import { stackDir } from '../../stack/layout.js';
import { call } from './http.js';
import { retryAndBackoff } from '../../src/util/retry.js';

export interface SourceIndex {
  index: string;
  shards: number;
  documents: number;
  bytes: number;
}

export interface SourceData {
  mib: number;
  seed: number;
  generator: number;
  indices: SourceIndex[];
  bytes: number;
  generatedMs: number;
}

export const INDEX_PREFIX = 'e2e-';
/** Share of the data and primary shards per index: 12 shards over 5 indices, one of them small. */
const LAYOUT = [
  { index: 'e2e-events', share: 0.4, shards: 4 },
  { index: 'e2e-orders', share: 0.25, shards: 3 },
  { index: 'e2e-products', share: 0.2, shards: 2 },
  { index: 'e2e-logs', share: 0.13, shards: 2 },
  { index: 'e2e-customers', share: 0.02, shards: 1 },
];
const SEED = 20261201;
/** Bump when the generator's output changes, so a stack's old source is not taken for the new one. */
const GENERATOR = 2;
const PAYLOAD_CHARS = 4096;
const BULK_BYTES = 16 * 1024 * 1024;
const IN_FLIGHT = 3;

const marker = join(stackDir, 'bench-e2e-source.json');

/** A pool of base64 characters from the seeded generator; documents take slices of it. */
function payloadPool(rnd: () => number, chars: number): string {
  const bytes = Buffer.alloc((chars / 4) * 3);
  for (let i = 0; i + 4 <= bytes.length; i += 4) bytes.writeUInt32LE(Math.floor(rnd() * 4294967296), i);
  return bytes.toString('base64');
}

async function indexCounts(node: string): Promise<Map<string, { documents: number; bytes: number }>> {
  const rows: Array<{ index: string; 'docs.count': string; 'pri.store.size': string }> = await call(
    node,
    'GET',
    `/_cat/indices/${INDEX_PREFIX}*?format=json&bytes=b&h=index,docs.count,pri.store.size`,
  );
  return new Map(
    rows.map((r) => [r.index, { documents: Number(r['docs.count']), bytes: Number(r['pri.store.size']) }]),
  );
}

/** Reuses the source when it holds exactly what this size and seed generate; otherwise generates it. */
export async function ensureSource(node: string, mib: number, log: (l: string) => void): Promise<SourceData> {
  if (existsSync(marker)) {
    const known = JSON.parse(readFileSync(marker, 'utf8')) as SourceData;
    const live = await indexCounts(node).catch(() => new Map());
    if (
      known.mib === mib &&
      known.seed === SEED &&
      known.generator === GENERATOR &&
      known.indices.every((i) => live.get(i.index)?.documents === i.documents)
    ) {
      log(`source: reusing ${known.indices.length} indices, ${(known.bytes / 2 ** 20).toFixed(0)} MiB`);
      return known;
    }
  }
  const started = Date.now();
  const rnd = seededRandom(SEED);
  const pool = payloadPool(rnd, 8 * 1024 * 1024);
  await call(node, 'DELETE', `/${INDEX_PREFIX}*?expand_wildcards=all&ignore_unavailable=true`);
  // Measured: a document takes ~4.2 KB on disk and in the snapshot (the payload as sent plus its other
  // fields; the stored-fields codec gains next to nothing on random base64).
  const perDocument = PAYLOAD_CHARS + 120;
  for (const spec of LAYOUT) {
    await call(node, 'PUT', `/${spec.index}`, {
      settings: {
        number_of_shards: spec.shards,
        number_of_replicas: 0,
        refresh_interval: '-1',
        'translog.durability': 'async',
      },
      mappings: {
        dynamic: 'strict',
        properties: {
          seq: { type: 'long' },
          at: { type: 'date' },
          kind: { type: 'keyword' },
          payload: { type: 'binary' },
        },
      },
    });
    const documents = Math.max(1, Math.round((mib * 2 ** 20 * spec.share) / perDocument));
    const header = (i: number) => `{"index":{"_index":"${spec.index}","_id":"${i}"}}\n`;
    const kinds = ['created', 'updated', 'shipped', 'returned'];
    // Bodies are built on demand, in order, so memory holds only those in flight and the documents
    // come out the same whatever order the requests finish in.
    let i = 0;
    const nextBody = (): string | undefined => {
      if (i >= documents) return undefined;
      let body = '';
      for (; i < documents && body.length < BULK_BYTES; i++) {
        const offset = Math.floor((rnd() * (pool.length - PAYLOAD_CHARS)) / 4) * 4;
        const at = new Date(1704067200000 + i * 1000).toISOString();
        body +=
          header(i) +
          `{"seq":${i},"at":"${at}","kind":"${kinds[i % kinds.length]}","payload":"${pool.slice(offset, offset + PAYLOAD_CHARS)}"}\n`;
      }
      return body;
    };
    const worker = async () => {
      for (let body = nextBody(); body !== undefined; body = nextBody()) {
        // A node with 1 GiB of heap sheds three 16 MiB bulks at once now and then (429, the parent
        // circuit breaker): wait and send it again, as a bulk loader should.
        const res = await retryAndBackoff(
          () => call(node, 'POST', '/_bulk?filter_path=errors,items.*.error', body, true),
          {
            isRetryable: (error) => / 429 /.test(String((error as Error).message)),
            maxRetries: 8,
            baseMs: 500,
            maxWaitMs: 10_000,
            label: `bulk into ${spec.index}`,
            log,
          },
        );
        if (res.errors) throw new Error(`bulk into ${spec.index}: ${JSON.stringify(res.items?.[0])}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await call(node, 'PUT', `/${spec.index}/_settings`, {
      index: { refresh_interval: null, 'translog.durability': null },
    });
    log(`source: ${spec.index}: ${documents} documents, ${spec.shards} shards`);
  }
  await call(node, 'POST', `/${INDEX_PREFIX}*/_refresh`);
  await call(node, 'POST', `/${INDEX_PREFIX}*/_flush`);
  const live = await indexCounts(node);
  const indices = LAYOUT.map((spec) => ({
    index: spec.index,
    shards: spec.shards,
    documents: live.get(spec.index)?.documents ?? 0,
    bytes: live.get(spec.index)?.bytes ?? 0,
  }));
  const data: SourceData = {
    mib,
    seed: SEED,
    generator: GENERATOR,
    indices,
    bytes: indices.reduce((n, i) => n + i.bytes, 0),
    generatedMs: Date.now() - started,
  };
  writeFileSync(marker, JSON.stringify(data, null, 2));
  log(
    `source: generated ${indices.reduce((n, i) => n + i.documents, 0)} documents, ${(data.bytes / 2 ** 20).toFixed(0)} MiB in ${(data.generatedMs / 1000).toFixed(1)} s`,
  );
  return data;
}
