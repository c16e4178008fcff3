// Elasticsearch 7.10 → OpenSearch 3.8: OpenSearch 3.x cannot read an index Elasticsearch 7.10 created
// (a real 3.8.0 node refuses the snapshot: "unknown or unsupported version"). The action must stop in
// preflight, before it writes anything on either domain, and name the real ways out.
import { runAction, stackInputs, type ActionRun } from '../support/action.js';
import { seedSmall, startLegacyStack, type LegacyStack } from '../support/legacy-stack.js';
import { createDomainClient } from '../../src/search/client.js';

const WRITES = ['PUT', 'POST', 'DELETE'];

describe('Elasticsearch 7.10 → OpenSearch 3.8 through dist/index.js', () => {
  let stack: LegacyStack;
  let run: ActionRun;
  let seen: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    stack = await startLegacyStack({ source: 'elasticsearch-7.10', target: 'opensearch-3.8' });
    console.log(`elasticsearch-7.10 → opensearch-3.8 stack up in ${stack.upSeconds} s`);
    await seedSmall(stack.node('source'), ['legacy-7.10-a']);
    for (const gateway of [stack.env.STACK_SOURCE_ENDPOINT, stack.env.STACK_TARGET_ENDPOINT])
      await fetch(`${gateway}/_gateway/requests`, { method: 'DELETE' });
    run = await runAction(stackInputs({ indices: 'legacy-*' }, stack.envFile), { stackEnvFile: stack.envFile });
    seen = [];
    for (const gateway of [stack.env.STACK_SOURCE_ENDPOINT, stack.env.STACK_TARGET_ENDPOINT])
      seen.push(...((await (await fetch(`${gateway}/_gateway/requests`)).json()) as typeof seen));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('the source is a real Elasticsearch 7.10.2 node', async () => {
    expect((await stack.node('source').info()).body.version.number).toBe('7.10.2');
  });

  test('the source gateway answers GET / as an AWS Elasticsearch 7.10 domain: build_flavor oss, no distribution', async () => {
    const domain = createDomainClient({
      endpoint: stack.env.STACK_SOURCE_ENDPOINT,
      region: stack.env.STACK_SOURCE_REGION,
      auth: { kind: 'sigv4' },
      credentials: async () => ({
        accessKeyId: stack.env.STACK_AWS_ACCESS_KEY_ID,
        secretAccessKey: stack.env.STACK_AWS_SECRET_ACCESS_KEY,
      }),
    });
    const version = (await domain.info()).body.version as Record<string, unknown>;
    expect({ number: version.number, flavor: version.build_flavor, distribution: version.distribution }).toEqual({
      number: '7.10.2',
      flavor: 'oss',
      distribution: undefined,
    });
  });

  test('the job fails in preflight with a fix that names the ways out', () => {
    expect(run.code).not.toBe(0);
    expect(run.log).toMatch(/Elasticsearch 7\.10/);
    expect(run.log).toMatch(/reindex/i);
    expect(run.log).toMatch(/OpenSearch 2\./);
  });

  test('neither gateway saw a write', () => {
    const writes = seen.filter((r) => WRITES.includes(r.method.toUpperCase()) && !/\/_search|\/_count/.test(r.path));
    expect({ requests: seen.length > 0, writes }).toEqual({ requests: true, writes: [] });
  });
});
