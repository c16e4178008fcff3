// Verification that cannot say "verified" when it is not: beyond counts and alias names, the definitions
// of aliases (filter, routing, write index), the documents themselves (fetched by id from both sides,
// compared by hash), and the patterns resolved again at the end. Each fixture is made here, under a
// unique name, and removed afterwards; the seeded indices are not touched.
import { runAction, stackInputs, type ActionRun, failureTail } from '../support/action.js';
import { nodeClient, unique } from '../support/stack.js';
import { startWriter } from '../../bench/cutover/writer.js';

const source = nodeClient('source');
const target = nodeClient('target');

async function fill(index: string, docs: number, body: (i: number) => Record<string, unknown>, routing?: string) {
  const lines = Array.from({ length: docs }, (_, i) => [
    { index: { _index: index, _id: `doc-${i}`, ...(routing && i % 2 ? { routing } : {}) } },
    body(i),
  ]).flat();
  await source.bulk({ body: lines, refresh: true });
}

async function dropEverywhere(prefix: string) {
  await source.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true } as any);
  await target.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true } as any);
}

describe('alias definitions and documents are verified, not only counts and alias names', () => {
  const prefix = unique('t-ver');
  const aliased = `${prefix}-aliased`;
  const documents = `${prefix}-docs`;
  const filtered = `${prefix}-open`;
  const writer = `${prefix}-writer`;
  const runId = `${Date.now()}1`;
  const inputs = () => stackInputs({ indices: `${prefix}-*` });
  let first: ActionRun;
  let second: ActionRun;
  let restoredAliases: Record<string, unknown>;

  beforeAll(async () => {
    await source.indices.create({
      index: aliased,
      body: {
        settings: { number_of_shards: 2, number_of_replicas: 0 },
        mappings: { properties: { status: { type: 'keyword' }, n: { type: 'integer' } } },
        aliases: {
          [filtered]: { filter: { term: { status: 'open' } }, routing: '1' },
          [writer]: { is_write_index: true, index_routing: 'a', search_routing: 'a,b' },
        },
      },
    });
    await fill(aliased, 40, (i) => ({ status: i % 3 ? 'open' : 'closed', n: i }), 'r1');
    await source.indices.create({
      index: documents,
      body: { settings: { number_of_shards: 1, number_of_replicas: 0 } },
    });
    await fill(documents, 60, (i) => ({ n: i, text: `document ${i}` }));

    first = await runAction(inputs(), { runId });
    restoredAliases = (await target.indices.getAlias({ index: aliased })).body[aliased]?.aliases;
    // Someone changes the target after the restore: one alias filter, one document (same count).
    await target.indices.updateAliases({
      body: {
        actions: [
          { remove: { index: aliased, alias: filtered } },
          { add: { index: aliased, alias: filtered, filter: { term: { status: 'closed' } }, routing: '1' } },
        ],
      },
    });
    await target.index({ index: documents, id: 'doc-7', body: { n: 7, text: 'changed on the target' }, refresh: true });
    // The same run again: its snapshot and restored indices are reused, and verification runs once more.
    second = await runAction(inputs(), { runId });
  });

  afterAll(() => dropEverywhere(prefix));

  test('an alias with a filter, routing and a write index comes over and verifies', async () => {
    expect({ code: first.code, tail: failureTail(first) }).toEqual({ code: 0, tail: '' });
    expect(first.outputs.verified).toBe('true');
    const onTarget: any = restoredAliases;
    expect(onTarget[filtered]).toEqual({
      filter: { term: { status: 'open' } },
      index_routing: '1',
      search_routing: '1',
    });
    expect(onTarget[writer]).toEqual({ index_routing: 'a', search_routing: 'a,b', is_write_index: true });
    // The summary says what was compared beyond the counts.
    expect(first.summary).toContain('Definitions, documents and history');
    expect(first.summary).toMatch(
      new RegExp(`<code>${aliased}</code></td><td>✅ aliases, mappings, settings</td><td>✅ 40 documents equal`),
    );
    expect(first.summary).toMatch(
      new RegExp(`<code>${documents}</code></td><td>✅ aliases, mappings, settings</td><td>✅ 60 documents equal`),
    );
  });

  test('a target alias whose filter differs fails verification, by alias', () => {
    expect(second.outputs.verified).toBe('false');
    expect(second.code).not.toBe(0);
    expect(JSON.parse(second.outputs['mismatched-indices']).sort()).toEqual([aliased, documents].sort());
    expect(second.log).toContain('matches the source now: reusing it');
    expect(second.summary).toContain(
      `alias <code>${filtered}</code>: expected <code>{&quot;filter&quot;:{&quot;term&quot;:{&quot;status&quot;:&quot;open&quot;}},&quot;index_routing&quot;:&quot;1&quot;,&quot;search_routing&quot;:&quot;1&quot;}</code>, found <code>{&quot;filter&quot;:{&quot;term&quot;:{&quot;status&quot;:&quot;closed&quot;}}`,
    );
    // Same names, same counts: only the definition differs.
    expect(second.outputs['source-documents']).toBe(second.outputs['target-documents']);
  });

  test('a document changed on the target after the restore fails verification and is named by id', () => {
    expect(JSON.parse(second.outputs['mismatched-indices'])).toContain(documents);
    expect(second.summary).toContain('document <code>doc-7</code>: content differs');
    expect(second.summary).toMatch(
      new RegExp(
        `<code>${documents}</code></td><td>✅ aliases, mappings, settings</td><td>❌ 1 of 60 documents differ`,
      ),
    );
    // Only that document: the aliased index's documents are all equal.
    expect(second.summary).not.toMatch(/document <code>doc-(?!7<)/);
  });
});

describe('an index that appears during the run', () => {
  const prefix = unique('t-new');
  const planned = `${prefix}-a`;
  const late = `${prefix}-late`;
  let run: ActionRun;

  beforeAll(async () => {
    await source.indices.create({ index: planned, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
    await fill(planned, 30, (i) => ({ n: i }));
    let created: Promise<unknown> | undefined;
    run = await runAction(stackInputs({ indices: `${prefix}-*` }), {
      onOutput: (chunk) => {
        // After the snapshot: tomorrow's daily index, created while the run copies.
        if (!created && chunk.includes('::group::Copy'))
          created = source.index({ index: late, id: 'x', body: { n: 1 }, refresh: true });
      },
    });
    await created;
  });

  afterAll(() => dropEverywhere(prefix));

  test('fails the verification and is named, never silently ignored', () => {
    expect(run.outputs.verified).toBe('false');
    expect(run.code).not.toBe(0);
    expect(JSON.parse(run.outputs['mismatched-indices'])).toEqual([late]);
    expect(run.summary).toContain(`<code>${late}</code>`);
    expect(run.summary).toContain('appeared during the run');
    expect(run.log).toContain(`appeared during the run, not migrated: ${late}`);
  });
});

describe('a two-phase run over an index whose _source has excludes', () => {
  const prefix = unique('t-excl');
  const index = `${prefix}-ex`;
  let run: ActionRun;

  beforeAll(async () => {
    // `touched` is indexed (and has doc values) but left out of _source: a replay from _source would lose it.
    await source.indices.create({
      index,
      body: {
        settings: { number_of_shards: 1, number_of_replicas: 0 },
        mappings: { _source: { excludes: ['touched'] }, properties: { touched: { type: 'integer' } } },
      },
    });
    await fill(index, 500, (i) => ({ n: i, touched: i }));
    const ids = Array.from({ length: 500 }, (_, i) => `doc-${i}`);
    const writes = startWriter(source, {
      indices: [index],
      existingIds: new Map([[index, ids]]),
      batch: 20,
      pauseMs: 20,
    });
    run = await runAction(stackInputs({ indices: `${prefix}-*`, cutover: 'two-phase' }));
    await writes.stop();
  });

  afterAll(() => dropEverywhere(prefix));

  const touchedSum = async (client: typeof source) => {
    await client.indices.refresh({ index });
    const b: any = (await client.search({ index, body: { size: 0, aggs: { s: { sum: { field: 'touched' } } } } })).body;
    return { docs: b.hits.total.value, sum: b.aggregations.s.value };
  };

  test('is moved by the incremental restore inside the window, not replayed, and keeps its excluded fields', async () => {
    expect({ code: run.code, tail: failureTail(run) }).toEqual({ code: 0, tail: '' });
    // The field _source leaves out is still in the target's index, for every document the writer touched.
    expect(await touchedSum(target)).toEqual(await touchedSum(source));
    expect(run.outputs.verified).toBe('true');
    expect(run.log).toContain(`restoring ${index} from migrate-`);
    expect(run.log).toContain('its `_source` has includes/excludes');
    expect(run.log).not.toMatch(new RegExp(`replayed \\d+ documents into ${index}`));
  });
});
