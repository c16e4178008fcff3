// Elasticsearch 7.10 → OpenSearch 2.19 (off a legacy Elasticsearch domain): real 7.10.2 and 2.19.6 nodes on a
// stack of this test's own, the action run through dist/index.js, the target checked on its bare node.
import { runAction, stackInputs, type ActionRun } from '../support/action.js';
import { seedSmall, startLegacyStack, type LegacyStack } from '../support/legacy-stack.js';

describe('Elasticsearch 7.10 → OpenSearch 2.19 through dist/index.js', () => {
  let stack: LegacyStack;
  let seeded: Record<string, number>;
  let run: ActionRun;

  beforeAll(async () => {
    stack = await startLegacyStack({ source: 'elasticsearch-7.10', target: 'opensearch-2.19' });
    console.log(`elasticsearch-7.10 → opensearch-2.19 stack up in ${stack.upSeconds} s`);
    seeded = await seedSmall(stack.node('source'), ['logs-7.10-a', 'logs-7.10-b']);
    run = await runAction(stackInputs({ indices: 'logs-*' }, stack.envFile), { stackEnvFile: stack.envFile });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('the bare nodes run the engines asked for', async () => {
    expect((await stack.node('source').info()).body.version.number).toBe('7.10.2');
    expect((await stack.node('target').info()).body.version.number).toBe('2.19.6');
  });

  test('the job succeeds and says verified', () => {
    expect({ code: run.code, tail: run.log.split('\n').slice(-30).join('\n') }).toEqual({
      code: 0,
      tail: expect.any(String),
    });
    expect(run.outputs.verified).toBe('true');
  });

  test('every index is on the target with its count', async () => {
    const target = stack.node('target');
    for (const [index, documents] of Object.entries(seeded)) {
      expect({ index, count: Number((await target.count({ index })).body.count) }).toEqual({ index, count: documents });
    }
  });
});
