// The failures a user meets first, each through dist/index.js on the stack: the job fails, says why in
// words that tell what to do, and leaves the target as it was.
import { runAction, stackInputs } from '../support/action.js';
import { nodeClient, stackEnv, unique } from '../support/stack.js';

const source = nodeClient('source');
const target = nodeClient('target');
const env = stackEnv();

async function createIndex(client: typeof source, index: string, docs: number): Promise<void> {
  await client.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
  if (docs > 0) {
    const body = Array.from({ length: docs }, (_, i) => [
      { index: { _index: index, _id: String(i) } },
      { n: i },
    ]).flat();
    await client.bulk({ body, refresh: true });
  }
}

const count = async (client: typeof source, index: string) => Number((await client.count({ index })).body.count);

async function gateway(side: 'source' | 'target', path: string, init: RequestInit = {}): Promise<any> {
  const base = side === 'source' ? env.STACK_SOURCE_ENDPOINT : env.STACK_TARGET_ENDPOINT;
  const res = await fetch(`${base}/_gateway/${path}`, { ...init, headers: { 'content-type': 'application/json' } });
  return res.json();
}

/** Requests that change something, as the gateways saw them. */
async function mutatingRequests(): Promise<string[]> {
  const seen: string[] = [];
  for (const side of ['source', 'target'] as const) {
    const log: Array<{ method: string; path: string }> =
      (await gateway(side, 'requests')).requests ?? (await gateway(side, 'requests'));
    for (const r of log) if (r.method !== 'GET' && r.method !== 'HEAD') seen.push(`${side} ${r.method} ${r.path}`);
  }
  return seen;
}

const clearRequestLogs = () =>
  Promise.all([
    gateway('source', 'requests', { method: 'DELETE' }),
    gateway('target', 'requests', { method: 'DELETE' }),
  ]);

describe('failure paths', () => {
  test('without id-token: write, the job says so and touches nothing', async () => {
    await clearRequestLogs();
    const run = await runAction(stackInputs({ indices: 'products' }), {
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined },
    });
    expect(run.code).not.toBe(0);
    expect(run.log).toContain('id-token: write');
    expect(run.outputs.verified).toBe('false');
    expect(await mutatingRequests()).toEqual([]);
  });

  test('a role that may not pass the snapshot role is refused with the iam:PassRole message', async () => {
    const index = unique('t-passrole');
    await createIndex(source, index, 10);
    const run = await runAction(
      stackInputs({
        'role-to-assume': env.STACK_NO_PASSROLE_ROLE_ARN,
        indices: index,
        'source-repository': unique('norole'),
      }),
    );
    expect(run.code).not.toBe(0);
    expect(run.log).toMatch(
      /not authorized to perform: iam:PassRole on resource: arn:aws:iam::\d{12}:role\/TheSnapshotRole/,
    );
    expect(run.summary).toMatch(/iam:PassRole/);
    expect((await target.indices.exists({ index })).body).toBe(false);
  });

  test('a restore into an index the target already has is refused and the index is left alone', async () => {
    const index = unique('t-existing');
    await createIndex(source, index, 25);
    await createIndex(target, index, 3);
    const run = await runAction(stackInputs({ indices: index }));
    expect(run.code).not.toBe(0);
    expect(run.log).toContain('overwrite-existing-indices');
    expect(run.log).toContain(index);
    expect(await count(target, index)).toBe(3);

    const again = await runAction(stackInputs({ indices: index, 'overwrite-existing-indices': 'true' }));
    expect(again.code).toBe(0);
    expect(await count(target, index)).toBe(25);
  });

  test('writes to the source after the snapshot make a mismatch that fails the job', async () => {
    const index = unique('t-mismatch');
    await createIndex(source, index, 40);
    let wrote = false;
    const run = await runAction(stackInputs({ indices: index }), {
      onOutput: (chunk) => {
        // The snapshot is taken: what the source receives now cannot reach the target.
        if (!wrote && chunk.includes('::group::Copy')) {
          wrote = true;
          void source.bulk({
            body: [
              { index: { _index: index, _id: 'late-1' } },
              { n: -1 },
              { index: { _index: index, _id: 'late-2' } },
              { n: -2 },
            ],
            refresh: true,
          });
        }
      },
    });
    expect(wrote).toBe(true);
    expect(run.code).not.toBe(0);
    expect(run.outputs.verified).toBe('false');
    expect(JSON.parse(run.outputs['mismatched-indices'])).toEqual([index]);
    expect(run.summary).toContain(index);
    expect(run.summary).toMatch(/42/);
    expect(run.summary).toMatch(/40/);
    expect(run.log).toContain('verification failed');
  });

  test('with fail-on-mismatch off the same mismatch is a warning and the job passes', async () => {
    const index = unique('t-softmismatch');
    await createIndex(source, index, 5);
    let wrote = false;
    const run = await runAction(stackInputs({ indices: index, 'fail-on-mismatch': 'false' }), {
      onOutput: (chunk) => {
        if (!wrote && chunk.includes('::group::Copy')) {
          wrote = true;
          void source.index({ index, id: 'late', body: { n: 1 }, refresh: true });
        }
      },
    });
    expect(run.code).toBe(0);
    expect(run.outputs.verified).toBe('false');
    expect(run.log).toMatch(/::warning::.*verification failed/);
  });

  test('a snapshot already running on the source is waited for', async () => {
    const index = unique('t-busy');
    await createIndex(source, index, 12);
    await gateway('source', 'control', { method: 'POST', body: JSON.stringify({ automatedSnapshotInProgress: true }) });
    let released = false;
    try {
      const run = await runAction(stackInputs({ indices: index }), {
        onOutput: (chunk) => {
          if (!released && chunk.includes('is running on the source')) {
            released = true;
            setTimeout(
              () =>
                void gateway('source', 'control', {
                  method: 'POST',
                  body: JSON.stringify({ automatedSnapshotInProgress: false }),
                }),
              1500,
            );
          }
        },
      });
      expect(released).toBe(true);
      expect(run.log).toMatch(/waiting: snapshot cs-automated/);
      expect(run.code).toBe(0);
      expect(await count(target, index)).toBe(12);
    } finally {
      await gateway('source', 'control', {
        method: 'POST',
        body: JSON.stringify({ automatedSnapshotInProgress: false }),
      });
    }
  });
});
