// mode: plan through dist/index.js on the stack: it checks everything, says what a migration would do,
// hands over the IAM documents — and leaves both domains and both buckets exactly as they were. The
// same checks open every migration, which stops before its first write when one fails.
import { runAction, stackInputs } from '../support/action.js';
import { nodeClient, stackEnv, unique } from '../support/stack.js';
import { bucketState, clearRequestLogs, domainState, failedIds, requestsSeen, row, runPlan } from './plan-support.js';

const env = stackEnv();
const source = nodeClient('source');
const target = nodeClient('target');

async function everything() {
  return {
    source: await domainState('source'),
    target: await domainState('target'),
    sourceBucket: await bucketState(env.STACK_SOURCE_BUCKET!, env.STACK_SOURCE_REGION!),
    targetBucket: await bucketState(env.STACK_TARGET_BUCKET!, env.STACK_TARGET_REGION!),
  };
}

describe('plan mode', () => {
  test('checks everything, forecasts the migration, and changes nothing on either domain or bucket', async () => {
    const before = await everything();
    await clearRequestLogs();

    // Restored under new names: a migration test may already have put the seeded indices on the target.
    const run = await runPlan({ 'rename-pattern': '(.+)', 'rename-replacement': 'h6plan-$1' });

    expect(run.code).toBe(0);
    const seen = await requestsSeen();
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(await everything()).toEqual(before);

    // Every check passed or only warned, and each one is in the summary.
    expect(failedIds(run)).toEqual([]);
    expect(run.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'source.domain',
        'target.domain',
        'source.identity',
        'compatibility',
        'source.bucket',
        'target.bucket',
        'target.repository-path',
        'iam.workflow-role',
        'target.collisions',
        'target.capacity',
        'target.replicas',
        'source.snapshots',
        'source.repository-contents',
        'time-budget',
      ]),
    );
    for (const c of run.checks) expect(run.summary).toContain(c.check);
    expect(run.summary).toContain('<h2>📋 Plan checked: nothing was changed</h2>');
    expect(run.outputs.summary).toBe('plan: checks passed, nothing was changed');

    // The forecast names what each phase will do, with the seeded data's real counts (top-level documents).
    expect(run.summary).toMatch(/<b>Snapshot<\/b> 6 indices \(100,000 documents/);
    expect(run.summary).toMatch(/<b>Copy<\/b> .*≈ [\d,]+ objects/);
    // How long, from the domains' nodes and throttles: one data node a side at the engines' defaults (40mb).
    expect(/<b>Duration<\/b> ≈[^<]*/.exec(run.summary)?.[0]).toMatch(
      /^<b>Duration<\/b> ≈ .+: snapshot ≈ .+max_snapshot_bytes_per_sec 40 MiB\/s per node × 1 node\), copy ≈ .+ after the snapshot.*, restore ≈ .+indices\.recovery\.max_bytes_per_sec 40 MiB\/s per node × 1 node; the run raises it for the restore where the target allows\) \(estimate\)$/,
    );
    expect(run.summary).toMatch(
      /<td><code>products<\/code><\/td><td><code>h6plan-products<\/code><\/td><td>40,000<\/td>/,
    );
    expect(run.summary).toContain('Created by');

    // The IAM documents, for this repository and ref, as JSON.
    const iam = JSON.parse(run.outputs['iam-documents']!);
    expect(iam.subject).toBe('repo:example-org/example-repo:ref:refs/heads/main');
    expect(iam.roles.map((r: { kind: string }) => r.kind)).toEqual(['workflow-role', 'snapshot-role']);
    expect(run.summary).toContain('token.actions.githubusercontent.com:sub');
  });

  test('a migration runs the same checks first and stops before any write when one fails', async () => {
    const index = unique('t-h6-taken');
    await source.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
    await source.index({ index, id: '1', body: { n: 1 }, refresh: true });
    await target.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
    await clearRequestLogs();

    const run = await runAction(stackInputs({ indices: index, 'source-repository': unique('h6-never') }));

    expect(run.code).not.toBe(0);
    expect(run.log).toMatch(/preflight check.* failed; nothing was changed/);
    expect(run.log).toContain(`the target already has ${index}`);
    expect(run.log).toContain('overwrite-existing-indices: true');
    expect((await requestsSeen()).filter((r) => r.method !== 'GET')).toEqual([]);
    // The checks are in the migration's summary, opened because one failed, and in the `checks` output.
    expect(run.summary).toMatch(/<details open>\n<summary>Preflight checks: \d+ passed, 1 failed<\/summary>/);
    expect(failedIds({ checks: JSON.parse(run.outputs.checks!) })).toEqual(['target.collisions']);
    expect((await target.count({ index })).body.count).toBe(0);
  });

  test('a plan that finds problems fails the job and leads its summary with what to fix', async () => {
    const run = await runPlan({ indices: 'products,no-such-index-h6' });
    expect(run.code).not.toBe(0);
    expect(row(run, 'source.indices')).toMatchObject({
      result: 'fail',
      found: expect.stringContaining('names no-such-index-h6, which the source does not have'),
    });
    expect(run.summary).toMatch(/^<h2>❌ Plan: 1 check failed, nothing was changed<\/h2>/);
    expect(run.summary).toContain('Fix the name or use a pattern.');
  });
});
