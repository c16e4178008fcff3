// OpenSearch 2.19 → 3.8 (the upgrade most users of 2.x domains make): real 2.19.6 and 3.8.0 nodes on a
// stack of this test's own, the action run through dist/index.js, the target checked on its bare node.
import { runAction, stackInputs, type ActionRun } from '../support/action.js';
import { seedSmall, startLegacyStack, type LegacyStack } from '../support/legacy-stack.js';

describe('OpenSearch 2.19 → OpenSearch 3.8 through dist/index.js', () => {
  let stack: LegacyStack;
  let seeded: Record<string, number>;
  let run: ActionRun;

  beforeAll(async () => {
    stack = await startLegacyStack({ source: 'opensearch-2.19', target: 'opensearch-3.8' });
    console.log(`opensearch-2.19 → opensearch-3.8 stack up in ${stack.upSeconds} s`);
    seeded = await seedSmall(stack.node('source'), ['logs-2.19-a', 'logs-2.19-b']);
    run = await runAction(stackInputs({ indices: 'logs-*' }, stack.envFile), { stackEnvFile: stack.envFile });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('the bare nodes run the engines asked for', async () => {
    expect((await stack.node('source').info()).body.version.number).toBe('2.19.6');
    expect((await stack.node('target').info()).body.version.number).toBe('3.8.0');
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
