// The restores that work across engines, each on real nodes of a stack of its own, the action run through
// dist/index.js and the target checked on its bare node: off a legacy Elasticsearch domain (7.10 → OpenSearch
// 2.19), and the upgrade most users of 2.x domains make (OpenSearch 2.19 → 3.8).
import { runAction, stackInputs, type ActionRun } from '../support/action.js';
import { seedSmall, startLegacyStack, type LegacyStack } from '../support/legacy-stack.js';

describe.each([
  {
    what: 'Elasticsearch 7.10 → OpenSearch 2.19',
    source: 'elasticsearch-7.10',
    target: 'opensearch-2.19',
    versions: ['7.10.2', '2.19.6'],
    indices: ['logs-7.10-a', 'logs-7.10-b'],
  },
  {
    what: 'OpenSearch 2.19 → OpenSearch 3.8',
    source: 'opensearch-2.19',
    target: 'opensearch-3.8',
    versions: ['2.19.6', '3.8.0'],
    indices: ['logs-2.19-a', 'logs-2.19-b'],
  },
] as const)('$what through dist/index.js', ({ source, target, versions, indices }) => {
  let stack: LegacyStack;
  let seeded: Record<string, number>;
  let run: ActionRun;

  beforeAll(async () => {
    stack = await startLegacyStack({ source, target });
    console.log(`${source} → ${target} stack up in ${stack.upSeconds} s`);
    seeded = await seedSmall(stack.node('source'), [...indices]);
    run = await runAction(stackInputs({ indices: 'logs-*' }, stack.envFile), { stackEnvFile: stack.envFile });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('the bare nodes run the engines asked for', async () => {
    expect((await stack.node('source').info()).body.version.number).toBe(versions[0]);
    expect((await stack.node('target').info()).body.version.number).toBe(versions[1]);
  });

  test('the job succeeds and says verified', () => {
    expect({ code: run.code, tail: run.log.split('\n').slice(-30).join('\n') }).toEqual({
      code: 0,
      tail: expect.any(String),
    });
    expect(run.outputs.verified).toBe('true');
  });

  test('every index is on the target with its count', async () => {
    const node = stack.node('target');
    for (const [index, documents] of Object.entries(seeded)) {
      expect({ index, count: Number((await node.count({ index })).body.count) }).toEqual({ index, count: documents });
    }
  });
});
