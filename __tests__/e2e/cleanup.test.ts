// cleanup: true leaves the domains and buckets as found after a verified run: both repositories
// deregistered, the run's snapshot deleted from the source, the copy in the target bucket deleted, each
// step reported. The run gets a repository and base path of its own so nothing else is touched.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { runAction, stackInputs, type ActionRun } from '../support/action.js';
import { adminS3, nodeClient, stackEnv, unique } from '../support/stack.js';

const source = nodeClient('source');
const target = nodeClient('target');
const env = stackEnv();

async function keys(bucket: string, region: string, prefix: string): Promise<string[]> {
  const res = await adminS3(region).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/` }));
  return (res.Contents ?? []).map((o) => o.Key!);
}

const registered = async (client: typeof source, repository: string) =>
  (await client.transport.request({ method: 'GET', path: `/_snapshot/${repository}` }, { ignore: [404] }))
    .statusCode === 200;

describe('cleanup after a verified run', () => {
  const prefix = unique('t-clean');
  const index = `${prefix}-a`;
  let run: ActionRun;
  let copiedBefore = 0;

  beforeAll(async () => {
    await source.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
    const body = Array.from({ length: 20 }, (_, i) => [{ index: { _index: index, _id: `d-${i}` } }, { n: i }]).flat();
    await source.bulk({ body, refresh: true });
    run = await runAction(
      stackInputs({
        indices: `${prefix}-*`,
        cleanup: 'true',
        'source-repository': prefix,
        'target-repository': prefix,
        'source-base-path': prefix,
        'target-base-path': prefix,
      }),
    );
    copiedBefore = Number(run.outputs['copied-objects']);
  });

  afterAll(async () => {
    await source.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true } as any);
    await target.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true } as any);
  });

  test('deregisters both repositories, deletes the snapshot and the copy, and reports each step', async () => {
    expect({ code: run.code, verified: run.outputs.verified, summary: run.code === 0 ? '' : run.summary }).toEqual({
      code: 0,
      verified: 'true',
      summary: '',
    });
    expect(copiedBefore).toBeGreaterThan(0);
    expect(await registered(source, prefix)).toBe(false);
    expect(await registered(target, prefix)).toBe(false);
    expect(await keys(env.STACK_TARGET_BUCKET!, env.STACK_TARGET_REGION!, prefix)).toEqual([]);
    // The snapshot's own files are gone from the source bucket (the repository's root index may stay).
    expect(
      (await keys(env.STACK_SOURCE_BUCKET!, env.STACK_SOURCE_REGION!, prefix)).filter((k) => /\/snap-/.test(k)),
    ).toEqual([]);
    expect(run.summary).toContain(`<b>Clean-up</b> ✅ deregister repository ${prefix} on the target: deregistered`);
    expect(run.summary).toMatch(/✅ delete the copy in s3:\/\/[^:]+: \d+ objects deleted/);
    expect(run.summary).toContain(
      `✅ delete this run&#39;s snapshots from repository ${prefix} on the source: deleted migrate-`,
    );
    expect(run.summary).toContain(`✅ deregister repository ${prefix} on the source: deregistered`);
    // The restored index stays: clean-up removes the run's tools, never the migrated data.
    expect((await target.count({ index })).body.count).toBe(20);
  });
});
