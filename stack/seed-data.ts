// Fills the source node with data shaped like a real domain's: several indices with different shard
// counts, nested mappings and a custom analyzer, read and write aliases, an empty index, and a
// `.kibana`-style system index. Deterministic (seeded generator), so counts are known in advance.
import { Client } from '@opensearch-project/opensearch';
import { seededRandom } from './random.js';

export interface SeedOptions {
  /** Total user documents (default 100,000; SEED_DOCS overrides). */
  documents?: number;
  log?: (line: string) => void;
}

export interface SeededIndex {
  index: string;
  shards: number;
  documents: number;
  aliases: string[];
}

/** Index layout: share of the documents, shards, aliases. */
const LAYOUT: Array<{
  index: string;
  share: number;
  shards: number;
  aliases: Array<{ name: string; write?: boolean; filter?: object }>;
}> = [
  { index: 'products', share: 0.4, shards: 3, aliases: [{ name: 'catalog' }] },
  { index: 'orders-2024.01', share: 0.2, shards: 2, aliases: [{ name: 'orders' }] },
  {
    index: 'orders-2024.02',
    share: 0.25,
    shards: 2,
    aliases: [{ name: 'orders' }, { name: 'orders-write', write: true }],
  },
  {
    index: 'logs-app',
    share: 0.1,
    shards: 1,
    aliases: [{ name: 'logs' }, { name: 'errors', filter: { term: { level: 'error' } } }],
  },
  { index: 'customers', share: 0.05, shards: 1, aliases: [{ name: 'people' }] },
  { index: 'empty-index', share: 0, shards: 1, aliases: [] },
];

const ANALYSIS: Record<string, any> = {
  analysis: {
    filter: { product_synonyms: { type: 'synonym', synonyms: ['tv, television', 'laptop, notebook'] } },
    analyzer: {
      product_text: {
        type: 'custom',
        tokenizer: 'standard',
        filter: ['lowercase', 'product_synonyms', 'asciifolding'],
      },
    },
  },
};

const MAPPINGS: Record<string, any> = {
  products: {
    properties: {
      name: { type: 'text', analyzer: 'product_text', fields: { raw: { type: 'keyword' } } },
      price: { type: 'scaled_float', scaling_factor: 100 },
      tags: { type: 'keyword' },
      variants: {
        type: 'nested',
        properties: { sku: { type: 'keyword' }, color: { type: 'keyword' }, stock: { type: 'integer' } },
      },
    },
  },
  orders: {
    properties: {
      customer: { type: 'keyword' },
      placed: { type: 'date' },
      total: { type: 'double' },
      lines: { type: 'nested', properties: { product: { type: 'keyword' }, qty: { type: 'integer' } } },
    },
  },
  'logs-app': { properties: { '@timestamp': { type: 'date' }, level: { type: 'keyword' }, message: { type: 'text' } } },
  customers: { properties: { name: { type: 'text' }, email: { type: 'keyword' }, address: { type: 'object' } } },
};

function documentFor(index: string, i: number, rnd: () => number): object {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  if (index === 'products') {
    return {
      name: `${pick(['Compact', 'Deluxe', 'Smart', 'Classic'])} ${pick(['laptop', 'tv', 'kettle', 'chair', 'lamp'])} ${i}`,
      price: Math.round(rnd() * 100000) / 100,
      tags: [pick(['new', 'sale', 'eco']), pick(['home', 'office'])],
      variants: Array.from({ length: 1 + (i % 3) }, (_, v) => ({
        sku: `P${i}-${v}`,
        color: pick(['red', 'black', 'white']),
        stock: Math.floor(rnd() * 50),
      })),
    };
  }
  if (index.startsWith('orders')) {
    const month = index.endsWith('01') ? '01' : '02';
    return {
      customer: `C${Math.floor(rnd() * 5000)}`,
      placed: `2024-${month}-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
      total: Math.round(rnd() * 50000) / 100,
      lines: [{ product: `P${Math.floor(rnd() * 40000)}`, qty: 1 + Math.floor(rnd() * 4) }],
    };
  }
  if (index === 'logs-app') {
    return {
      '@timestamp': new Date(1704067200000 + i * 1000).toISOString(),
      level: pick(['info', 'info', 'warn', 'error']),
      message: `request ${i} served`,
    };
  }
  return {
    name: `Customer ${i}`,
    email: `customer${i}@example.com`,
    address: { city: pick(['Lisbon', 'Dublin', 'Oslo']), zip: String(10000 + i) },
  };
}

export async function seedSource(nodeUrl: string, opts: SeedOptions = {}): Promise<SeededIndex[]> {
  const total = opts.documents ?? Number(process.env.SEED_DOCS ?? 100_000);
  const log = opts.log ?? (() => {});
  const client = new Client({ node: nodeUrl });
  const seeded: SeededIndex[] = [];

  for (const spec of LAYOUT) {
    const mappings = MAPPINGS[spec.index.startsWith('orders') ? 'orders' : spec.index];
    await client.indices.delete({ index: spec.index, ignore_unavailable: true });
    await client.indices.create({
      index: spec.index,
      body: {
        settings: {
          number_of_shards: spec.shards,
          number_of_replicas: 0,
          refresh_interval: '-1',
          ...(spec.index === 'products' ? ANALYSIS : {}),
        },
        ...(mappings ? { mappings } : {}),
        aliases: Object.fromEntries(
          spec.aliases.map((a) => [
            a.name,
            { ...(a.write ? { is_write_index: true } : {}), ...(a.filter ? { filter: a.filter } : {}) },
          ]),
        ),
      },
    });
    const documents = Math.round(total * spec.share);
    const rnd = seededRandom(documents + spec.shards);
    const batch = 5000;
    for (let start = 0; start < documents; start += batch) {
      const body: object[] = [];
      for (let i = start; i < Math.min(documents, start + batch); i++) {
        body.push({ index: { _index: spec.index, _id: `${spec.index}-${i}` } }, documentFor(spec.index, i, rnd));
      }
      const res = await client.bulk({ body });
      if (res.body.errors)
        throw new Error(
          `bulk into ${spec.index} reported errors: ${JSON.stringify(res.body.items.find((x: any) => x.index?.error))}`,
        );
    }
    await client.indices.putSettings({ index: spec.index, body: { index: { refresh_interval: '1s' } } });
    await client.indices.refresh({ index: spec.index });
    log(`seeded ${spec.index}: ${documents} documents, ${spec.shards} shard(s)`);
    seeded.push({ index: spec.index, shards: spec.shards, documents, aliases: spec.aliases.map((a) => a.name) });
  }

  // A system index such as every managed domain has: never migrated, and restoring it is refused on AWS.
  await client.indices.delete({ index: '.kibana_1', ignore_unavailable: true });
  await client.indices.create({
    index: '.kibana_1',
    body: { settings: { number_of_shards: 1, number_of_replicas: 0 }, aliases: { '.kibana': {} } },
  });
  await client.index({
    index: '.kibana_1',
    id: 'config:2.19.1',
    body: { type: 'config', config: { buildNum: 1 } },
    refresh: true,
  });
  log('seeded .kibana_1 (system index, alias .kibana)');
  return seeded;
}
