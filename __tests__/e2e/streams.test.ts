// Data streams through dist/index.js: a stream that has rolled over is migrated by its name (named
// outright, or reached by a pattern), re-created on the target with every generation and its write index,
// verified per stream, shown as a row of its own, and takes writes and rolls over on the target. On the
// old code its `.ds-` backing indices were taken for system indices and the stream stayed behind.
import { runAction, stackInputs, type ActionRun } from '../support/action.js';
import { nodeClient, unique } from '../support/stack.js';

const source = nodeClient('source');
const target = nodeClient('target');

const call = async (client: typeof source, method: string, path: string, body?: unknown) =>
  (await client.transport.request({ method, path, ...(body !== undefined ? { body: body as any } : {}) })).body as any;

async function makeStream(prefix: string, name: string, batches: number[]): Promise<void> {
  await call(source, 'PUT', `/_index_template/${prefix}-template`, {
    index_patterns: [`${prefix}-*`],
    data_stream: {},
    priority: 500,
    template: {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { properties: { level: { type: 'keyword' } } },
    },
  });
  await call(source, 'PUT', `/_data_stream/${name}`);
  let n = 0;
  for (const [i, size] of batches.entries()) {
    if (i > 0) await call(source, 'POST', `/${name}/_rollover`);
    const lines = Array.from({ length: size }, () => {
      n++;
      return `{"create":{}}\n${JSON.stringify({ '@timestamp': new Date(1704067200000 + n * 1000).toISOString(), level: 'info', n })}\n`;
    });
    const res = await call(source, 'POST', `/${name}/_bulk?refresh=true`, lines.join(''));
    expect(res.errors).toBe(false);
  }
}

async function dropStream(prefix: string, name: string): Promise<void> {
  for (const client of [source, target]) {
    await client.transport.request({ method: 'DELETE', path: `/_data_stream/${name}` }, { ignore: [404] });
    await client.transport.request(
      { method: 'DELETE', path: `/_index_template/${prefix}-template` },
      { ignore: [404] },
    );
    // A write to a stream that is not there creates a plain index of that name (a failed run leaves one behind).
    await client.transport.request({ method: 'DELETE', path: `/${prefix}-*` }, { ignore: [404] });
  }
}

const streamOn = async (client: typeof source, name: string) =>
  (await call(client, 'GET', `/_data_stream/${name}`)).data_streams[0];
const countOf = async (client: typeof source, name: string) => {
  await call(client, 'POST', `/${name}/_refresh`);
  return Number((await call(client, 'GET', `/${name}/_count`)).count);
};

describe('a data stream that has rolled over', () => {
  const prefix = unique('t-dsm');
  const name = `${prefix}-app`;
  let plan: ActionRun;
  let run: ActionRun;

  beforeAll(async () => {
    await makeStream(prefix, name, [300, 250, 150]); // three generations, 700 documents
    const inputs = { indices: name, 'metadata-include': `${prefix}-*` };
    plan = await runAction(stackInputs({ ...inputs, mode: 'plan' }));
    // Write-blocked for the run: the block reaches the stream through its backing indices, and is lifted after.
    run = await runAction(stackInputs({ ...inputs, 'write-block': 'true' }));
  });

  test('a plan lists it as a stream: documents, generations, write index; its template to be created', () => {
    expect(plan.code).toBe(0);
    expect(plan.summary).toContain(
      `<tr><td><code>${name}</code></td><td>700</td><td>3</td><td><code>.ds-${name}-000003</code></td></tr>`,
    );
    expect(plan.summary).toContain(
      `<tr><td>index template</td><td><code>${prefix}-template</code></td><td>➕ missing: will be created</td></tr>`,
    );
  });
  afterAll(() => dropStream(prefix, name));

  test('is named in `indices` and migrated: the job verifies and names it in its outputs', () => {
    expect({ code: run.code, tail: run.code === 0 ? '' : run.log.split('\n').slice(-30).join('\n') }).toEqual({
      code: 0,
      tail: '',
    });
    expect(run.outputs.verified).toBe('true');
    expect(JSON.parse(run.outputs.indices)).toEqual([name]);
  });

  test('is re-created on the target with every generation, the same write index and all 700 documents', async () => {
    const [a, b] = [await streamOn(source, name), await streamOn(target, name)];
    expect(b.indices.map((i: any) => i.index_name)).toEqual(a.indices.map((i: any) => i.index_name));
    expect(b.indices).toHaveLength(3);
    expect(b.generation).toBe(a.generation);
    expect(b.template).toBe(`${prefix}-template`);
    expect(await countOf(target, name)).toBe(700);
  });

  test('was write-blocked through its backing indices during the run, and takes writes on the source again after it', async () => {
    expect(Number(run.outputs['write-block-seconds'])).toBeGreaterThan(0);
    expect(run.log).toContain('write block set on 3 source indices');
    const doc = await call(source, 'POST', `/${name}/_doc`, { '@timestamp': new Date().toISOString(), level: 'info' });
    expect(doc.result).toBe('created');
    await call(source, 'DELETE', `/${doc._index}/_doc/${doc._id}?refresh=true`);
  });

  test('takes writes and rolls over on the target', async () => {
    const doc = await call(target, 'POST', `/${name}/_doc?refresh=true`, {
      '@timestamp': new Date().toISOString(),
      level: 'warn',
    });
    expect(doc.result).toBe('created');
    expect(await countOf(target, name)).toBe(701);
    const rolled = await call(target, 'POST', `/${name}/_rollover`);
    expect(rolled.rolled_over).toBe(true);
  });

  test('has its own row in the summary: documents, generations, write index, match', () => {
    const writeIndex = `.ds-${name}-000003`;
    expect(run.summary).toContain('<h3>Data streams</h3>');
    expect(run.summary).toContain(
      `<tr><td><code>${name}</code></td><td>700</td><td>700</td><td>0</td><td>3</td><td><code>${writeIndex}</code></td><td>✅ match</td></tr>`,
    );
    // Its backing indices are the stream's: not listed as excluded system indices.
    expect(run.summary).not.toMatch(new RegExp(`<code>\\.ds-${name}-\\d+</code></td><td>—`));
  });
});

describe('a data stream reached by a pattern', () => {
  const prefix = unique('t-dsp');
  const name = `${prefix}-events`;
  let run: ActionRun;

  beforeAll(async () => {
    await makeStream(prefix, name, [40, 60]);
    // Renamed on the way: the stream and its backing indices take the new name.
    run = await runAction(
      stackInputs({
        indices: `${prefix}-*`,
        'rename-pattern': '(.+)',
        'rename-replacement': 'moved-$1',
        metadata: 'skip',
      }),
    );
  });
  afterAll(async () => {
    await target.transport.request({ method: 'DELETE', path: `/_data_stream/moved-${name}` }, { ignore: [404] });
    await dropStream(prefix, name);
  });

  test('is migrated under its new name, and a stream without a template on the target does not verify', async () => {
    const b = await streamOn(target, `moved-${name}`);
    expect(b.indices.map((i: any) => i.index_name)).toEqual([`.ds-moved-${name}-000001`, `.ds-moved-${name}-000002`]);
    expect(await countOf(target, `moved-${name}`)).toBe(100);
    // metadata: skip brought no template along: the stream could not roll over, so the run must not say verified.
    expect(run.outputs.verified).toBe('false');
    expect(JSON.parse(run.outputs['mismatched-indices'])).toEqual([name]);
    expect(run.summary).toContain('cannot roll over');
  });
});

describe('data streams a run cannot take', () => {
  const prefix = unique('t-dsx');
  const name = `${prefix}-app`;

  beforeAll(async () => {
    await makeStream(prefix, name, [10]);
    // Someone else's stream of the same name on the target.
    await call(target, 'PUT', `/_index_template/${prefix}-template`, {
      index_patterns: [`${prefix}-*`],
      data_stream: {},
    });
    await call(target, 'PUT', `/_data_stream/${name}`);
  });
  afterAll(() => dropStream(prefix, name));

  test('a plan refuses a stream whose name the target already uses, and a two-phase cut-over of a stream', async () => {
    const plan = await runAction(stackInputs({ mode: 'plan', indices: name, cutover: 'two-phase' }));
    expect(plan.code).not.toBe(0);
    const failed = JSON.parse(plan.outputs.checks)
      .filter((c: { result: string }) => c.result === 'fail')
      .map((c: { id: string; found: string }) => [c.id, c.found]);
    expect(failed).toEqual([
      ['streams.cutover', expect.stringContaining(`a two-phase cut-over cannot catch up data streams (${name})`)],
      ['target.streams', `the target already has data stream ${name}`],
    ]);
  });
});
