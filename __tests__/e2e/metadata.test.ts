// Cluster metadata through dist/index.js: index, component and legacy templates, an ingest pipeline, a
// stored script and a search template are read from the source, listed by a plan, and written to the
// target before the restore — so an index restored with `index.default_pipeline` takes writes there (on
// the old code every write was refused: the pipeline did not exist). An item that differs on the target
// stays as the target has it (`metadata: create`) and is reported.
import { runAction, stackInputs, type ActionRun } from '../support/action.js';
import { nodeClient, unique } from '../support/stack.js';

const source = nodeClient('source');
const target = nodeClient('target');

const call = async (client: typeof source, method: string, path: string, body?: unknown) =>
  (await client.transport.request({ method, path, ...(body !== undefined ? { body: body as any } : {}) })).body as any;
const gone = (client: typeof source, path: string) =>
  client.transport.request({ method: 'DELETE', path }, { ignore: [404] });

const u = unique('t-md');
const items = {
  component: `/_component_template/${u}-mappings`,
  template: `/_index_template/${u}-orders`,
  legacy: `/_template/${u}-legacy`,
  pipeline: `/_ingest/pipeline/${u}-stamp`,
  script: `/_scripts/${u}-score`,
  searchTemplate: `/_scripts/${u}-find`,
  differs: `/_ingest/pipeline/${u}-differs`,
};
const index = `${u}-orders-1`;

async function fixtures(): Promise<void> {
  await call(source, 'PUT', items.component, {
    template: { mappings: { properties: { sku: { type: 'keyword' }, placed: { type: 'date' } } } },
  });
  await call(source, 'PUT', items.template, {
    index_patterns: [`${u}-orders-*`],
    composed_of: [`${u}-mappings`],
    priority: 400,
    template: { settings: { number_of_shards: 1, number_of_replicas: 0 } },
  });
  await call(source, 'PUT', items.legacy, {
    index_patterns: [`${u}-legacy-*`],
    order: 5,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: { properties: { note: { type: 'keyword' } } },
  });
  await call(source, 'PUT', items.pipeline, {
    description: 'stamps every document',
    processors: [{ set: { field: 'stamped', value: 'by-pipeline' } }],
  });
  await call(source, 'PUT', items.script, { script: { lang: 'painless', source: "Math.log(2 + doc['qty'].value)" } });
  await call(source, 'PUT', items.searchTemplate, {
    script: { lang: 'mustache', source: { query: { term: { sku: '{{sku}}' } } } },
  });
  await call(source, 'PUT', items.differs, { description: 'the source version', processors: [] });
  await call(target, 'PUT', items.differs, { description: 'the target version', processors: [] });
  await call(source, 'PUT', `/${u}-other`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await call(source, 'PUT', `/${index}`, { settings: { 'index.default_pipeline': `${u}-stamp` } });
  const lines = Array.from({ length: 5 }, (_, i) => `{"index":{"_id":"${i}"}}\n{"sku":"S${i}","qty":${i}}\n`);
  const res = await call(source, 'POST', `/${index}/_bulk?refresh=true`, lines.join(''));
  expect(res.errors).toBe(false);
}

afterAll(async () => {
  for (const client of [source, target]) {
    await gone(client, `/${u}-*`);
    // Index templates first: a component template in use cannot be deleted.
    for (const path of [items.template, ...Object.values(items).filter((p) => p !== items.template)])
      await gone(client, path);
  }
});

describe('cluster metadata', () => {
  let plan: ActionRun;
  let run: ActionRun;
  let afterPlan: number | null | undefined;
  const inputs = { indices: index, 'metadata-include': `${u}-*` };

  beforeAll(async () => {
    await fixtures();
    plan = await runAction(stackInputs({ ...inputs, mode: 'plan' }));
    afterPlan = (await target.transport.request({ method: 'GET', path: items.pipeline }, { ignore: [404] })).statusCode;
    run = await runAction(stackInputs(inputs));
  });

  test('plan mode lists what is missing on the target and what differs, and writes nothing', async () => {
    expect(plan.code).toBe(0);
    expect(plan.summary).toContain('<h3>Cluster metadata (before the restore)</h3>');
    for (const [kind, name] of [
      ['component template', `${u}-mappings`],
      ['index template', `${u}-orders`],
      ['legacy template', `${u}-legacy`],
      ['ingest pipeline', `${u}-stamp`],
      ['stored script', `${u}-score`],
      ['search template', `${u}-find`],
    ])
      expect(plan.summary).toContain(
        `<tr><td>${kind}</td><td><code>${name}</code></td><td>➕ missing: will be created</td></tr>`,
      );
    expect(plan.summary).toContain(
      `<tr><td>ingest pipeline</td><td><code>${u}-differs</code></td><td>⚠️ differs: will be left as the target has it</td></tr>`,
    );
    const check = JSON.parse(plan.outputs.checks).find((c: { id: string }) => c.id === 'metadata');
    expect(check).toMatchObject({ result: 'warn', found: expect.stringContaining(`ingest pipeline ${u}-differs`) });
    // Nothing was written by the plan: the pipeline was still missing on the target after it.
    expect(afterPlan).toBe(404);
  });

  test('the migration verifies and every item is on the target as the source has it', async () => {
    expect({ code: run.code, tail: run.code === 0 ? '' : run.log.split('\n').slice(-30).join('\n') }).toEqual({
      code: 0,
      tail: '',
    });
    expect(run.outputs.verified).toBe('true');
    for (const path of [
      items.component,
      items.template,
      items.legacy,
      items.pipeline,
      items.script,
      items.searchTemplate,
    ])
      expect({ path, body: await call(target, 'GET', path) }).toEqual({ path, body: await call(source, 'GET', path) });
  });

  test('the restored index with a default pipeline takes writes on the target, through that pipeline', async () => {
    const doc = await call(target, 'PUT', `/${index}/_doc/new?refresh=true`, { sku: 'NEW', qty: 9 });
    expect(doc.result).toBe('created');
    expect((await call(target, 'GET', `/${index}/_doc/new`))._source).toEqual({
      sku: 'NEW',
      qty: 9,
      stamped: 'by-pipeline',
    });
  });

  test('new indices on the target get the templates: composable (with its component) and legacy', async () => {
    await call(target, 'PUT', `/${u}-orders-2`);
    const mapping = await call(target, 'GET', `/${u}-orders-2/_mapping`);
    expect(mapping[`${u}-orders-2`].mappings.properties.sku).toEqual({ type: 'keyword' });
    await call(target, 'PUT', `/${u}-legacy-1`);
    const legacy = await call(target, 'GET', `/${u}-legacy-1/_mapping`);
    expect(legacy[`${u}-legacy-1`].mappings.properties.note).toEqual({ type: 'keyword' });
  });

  test('the stored script and the search template run on the target', async () => {
    const scored = await call(target, 'POST', `/${index}/_search`, {
      query: { script_score: { query: { match_all: {} }, script: { id: `${u}-score` } } },
    });
    expect(scored.hits.total.value).toBe(6);
    const found = await call(target, 'POST', `/${index}/_search/template`, { id: `${u}-find`, params: { sku: 'S3' } });
    expect(found.hits.hits.map((h: { _id: string }) => h._id)).toEqual(['3']);
  });

  test('metadata: create leaves the differing target item alone and reports it', async () => {
    expect((await call(target, 'GET', items.differs))[`${u}-differs`].description).toBe('the target version');
    expect(run.summary).toContain('<h3>Cluster metadata</h3>');
    expect(run.summary).toContain(
      `<tr><td>ingest pipeline</td><td><code>${u}-differs</code></td><td>⚠️ differs: left as the target has it</td></tr>`,
    );
    expect(run.summary).toContain(
      `<tr><td>ingest pipeline</td><td><code>${u}-stamp</code></td><td>✅ created</td></tr>`,
    );
    expect(run.log).toMatch(new RegExp(`::warning::.*ingest pipeline ${u}-differs`));
  });

  test('metadata: overwrite replaces the differing target item with the source’s and says so', async () => {
    const again = await runAction(
      stackInputs({ indices: `${u}-other`, metadata: 'overwrite', 'metadata-include': `${u}-differs` }),
    );
    expect(again.code).toBe(0);
    expect((await call(target, 'GET', items.differs))[`${u}-differs`].description).toBe('the source version');
    expect(again.summary).toContain(
      `<tr><td>ingest pipeline</td><td><code>${u}-differs</code></td><td>✅ overwritten (metadata: overwrite)</td></tr>`,
    );
  });

  test('an item the target refuses stops the run before the restore, named with the reason', async () => {
    // An index template whose component template is left out (and not on the target): the target refuses it.
    await call(source, 'PUT', `/_component_template/${u}-part`, { template: { settings: { number_of_shards: 1 } } });
    await call(source, 'PUT', `/_index_template/${u}-lonely`, {
      index_patterns: [`${u}-lonely-*`],
      composed_of: [`${u}-part`],
    });
    await call(source, 'PUT', `/${u}-lonely-1`, { settings: { number_of_replicas: 0 } });
    try {
      const refused = await runAction(stackInputs({ indices: `${u}-lonely-1`, 'metadata-include': `${u}-lonely` }));
      expect(refused.code).not.toBe(0);
      expect(refused.outputs.verified).toBe('false');
      expect(refused.summary).toContain('Migration failed in cluster metadata');
      expect(refused.summary).toContain(`index template ${u}-lonely`);
      const restored = await target.transport.request({ method: 'HEAD', path: `/${u}-lonely-1` }, { ignore: [404] });
      expect(restored.statusCode).toBe(404);
    } finally {
      for (const client of [source, target]) {
        await gone(client, `/_index_template/${u}-lonely`);
        await gone(client, `/_component_template/${u}-part`);
      }
    }
  });
});
