// What production domains do to a run that a small seed never shows, through dist/index.js on the
// default stack: an index deleted while the run holds the write block, and a migration within one
// domain (a rename) through the owner's own repository.
import { runAction, stackInputs } from '../support/action.js';
import { nodeClient, stackEnv, unique } from '../support/stack.js';
import { control } from './plan-support.js';

const env = stackEnv();
const source = nodeClient('source');

async function createIndex(index: string, docs: number): Promise<void> {
  await source.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
  const body = Array.from({ length: docs }, (_, i) => [{ index: { _index: index, _id: String(i) } }, { n: i }]).flat();
  await source.bulk({ body, refresh: true });
}

async function writeBlock(index: string): Promise<string | undefined> {
  const b = (await source.indices.getSettings({ index, flat_settings: true })).body;
  return b[index]?.settings?.['index.blocks.write'];
}

describe('an index deleted while the run holds the write block', () => {
  const prefix = unique('t-wbdel');
  const names = ['a', 'b', 'c'].map((n) => `${prefix}-${n}`);
  afterAll(async () => {
    await control('source', { reset: true });
    await source.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true } as never);
  });

  test('the others still get their block lifted', async () => {
    for (const n of names) await createIndex(n, 3);
    // An automated snapshot holds the run after it set the block and before its own snapshot: the moment
    // someone deletes one of the indices (an ISM policy, a colleague).
    await control('source', { automatedSnapshotInProgress: true });
    let deleted = false;
    let output = ''; // a line may arrive split across chunks
    const run = await runAction(
      stackInputs({
        indices: `${prefix}-*`,
        'rename-pattern': '(.+)',
        'rename-replacement': 'gone-$1',
        'write-block': 'true',
      }),
      {
        onOutput: (chunk) => {
          output += chunk;
          if (!deleted && output.includes('write block set on')) {
            deleted = true;
            void source.indices
              .delete({ index: names[1]! })
              .then(() => control('source', { automatedSnapshotInProgress: false }));
          }
        },
        timeoutMs: 300_000,
      },
    );
    expect({ deleted, tail: run.log.split('\n').slice(-15).join('\n') }).toEqual({
      deleted: true,
      tail: expect.any(String),
    });
    expect((await source.indices.exists({ index: names[1]! })).body).toBe(false);
    // The run cannot snapshot an index that is gone, and says so; what matters is what it leaves behind.
    expect(run.code).not.toBe(0);
    expect({ a: await writeBlock(names[0]!), c: await writeBlock(names[2]!) }).toEqual({ a: undefined, c: undefined });
    expect(run.log).toContain('write block lifted from 3 source indices');
    expect(run.log).not.toContain('could not lift the write block');
  });
});

describe('a migration within one domain (rename)', () => {
  const prefix = unique('t-samedom');
  const repository = unique('t-own-repo');
  const basePath = unique('own');
  afterAll(async () => {
    await source.indices.delete({ index: `${prefix}-*,moved-${prefix}-*`, ignore_unavailable: true } as never);
    await source.transport.request({ method: 'DELETE', path: `/_snapshot/${repository}` }).catch(() => undefined);
  });

  test('restores the copies and leaves the repository writable for the next snapshot', async () => {
    await createIndex(`${prefix}-x`, 4);
    const run = await runAction(
      stackInputs({
        indices: `${prefix}-*`,
        'source-repository': repository,
        'source-base-path': basePath,
        'target-endpoint': env.STACK_SOURCE_ENDPOINT,
        'target-region': env.STACK_SOURCE_REGION,
        'target-bucket': env.STACK_SOURCE_BUCKET,
        'rename-pattern': '(.+)',
        'rename-replacement': 'moved-$1',
      }),
      { timeoutMs: 300_000 },
    );
    expect({ code: run.code, tail: run.log.split('\n').slice(-20).join('\n') }).toEqual({
      code: 0,
      tail: expect.any(String),
    });
    expect(run.outputs.verified).toBe('true');
    expect(Number((await source.count({ index: `moved-${prefix}-x` })).body.count)).toBe(4);

    const registered = (await source.snapshot.getRepository({ repository })).body as Record<
      string,
      { settings: Record<string, string> }
    >;
    expect(registered[repository]!.settings.readonly).toBeUndefined();
    // Writable in fact, not only in its settings: the owner's next snapshot goes in.
    const next = await source.snapshot.create({
      repository,
      snapshot: 'after-the-migration',
      body: { indices: `${prefix}-x`, include_global_state: false },
      wait_for_completion: true,
    } as never);
    expect((next.body as any).snapshot.state).toBe('SUCCESS');
  });
});
