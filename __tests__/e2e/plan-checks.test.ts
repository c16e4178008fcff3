// Each preflight check failing on the stack the way its cause fails on AWS, through dist/index.js in
// plan mode: the row says what was found and what to do, and the job fails (or, for a wait, passes
// with a warning). Conditions are made real on the servers: indices, aliases, buckets, repositories,
// cluster settings on the bare target node, and the domain gateways' controls.
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { adminS3, nodeClient, stackEnv, unique } from '../support/stack.js';
import { control, row, runPlan } from './plan-support.js';

const env = stackEnv();
// Restore names nobody else uses: other tests may already have migrated the seeded indices to the target.
const fresh = { 'rename-pattern': '(.+)', 'rename-replacement': 'h6chk-$1' };
const source = nodeClient('source');
const target = nodeClient('target');

async function createIndex(
  client: typeof source,
  index: string,
  settings: Record<string, unknown> = {},
): Promise<void> {
  await client.indices.create({
    index,
    body: { settings: { number_of_shards: 1, number_of_replicas: 0, ...settings } },
  });
  await client.index({ index, id: '1', body: { n: 1 }, refresh: true });
}

async function withClusterSettings(settings: Record<string, string>, fn: () => Promise<void>): Promise<void> {
  await target.cluster.putSettings({ body: { persistent: settings } });
  try {
    await fn();
  } finally {
    await target.cluster.putSettings({
      body: { persistent: Object.fromEntries(Object.keys(settings).map((k) => [k, null])) },
    });
  }
}

describe('domains and versions', () => {
  test('an unreachable domain: the row says where to run from', async () => {
    const run = await runPlan({ 'source-endpoint': 'http://127.0.0.1:19599' });
    expect(run.code).not.toBe(0);
    expect(row(run, 'source.domain')).toMatchObject({
      result: 'fail',
      found: expect.stringMatching(/ECONNREFUSED|connect/i),
      fix: expect.stringContaining('VPC'),
    });
  });

  test('a target older than the source is refused: nothing restores onto an older version', async () => {
    await control('target', { reportVersion: { distribution: 'opensearch', number: '2.19.0' } });
    try {
      const run = await runPlan();
      expect(run.code).not.toBe(0);
      expect(row(run, 'compatibility')).toMatchObject({
        result: 'fail',
        found:
          'the target runs OpenSearch 2.19.0, older than the source (OpenSearch 3.8.0): a snapshot never restores onto an older version',
        fix: expect.stringContaining('OpenSearch 3.8 or later'),
      });
    } finally {
      await control('target', { reportVersion: null });
    }
  });

  test('Elasticsearch 7.10 reaches OpenSearch 2.x but not 3.x (forward one major version only)', async () => {
    await control('source', { reportVersion: { number: '7.10.2' } });
    try {
      const toThree = await runPlan({ indices: 'products,customers' });
      expect(row(toThree, 'compatibility')).toMatchObject({
        result: 'fail',
        found: expect.stringMatching(
          /^2 of 2 indices cannot be restored on OpenSearch 3\.8\.0: customers \(created by Elasticsearch 7\.10\.2; OpenSearch 3\.8\.0 reads indices created by OpenSearch 2\.x, OpenSearch 3\.x only\)/,
        ),
        fix: expect.stringContaining('Reindex it on OpenSearch 2.x first'),
      });
      await control('target', { reportVersion: { distribution: 'opensearch', number: '2.19.0' } });
      const toTwo = await runPlan({ indices: 'products,customers', ...fresh });
      expect(row(toTwo, 'compatibility')).toMatchObject({
        result: 'pass',
        found: expect.stringContaining(
          'Elasticsearch 7.10.2 → OpenSearch 2.19.0: 2 indices created by Elasticsearch 7.10',
        ),
      });
      expect(toTwo.code).toBe(0);
    } finally {
      await Promise.all([control('source', { reportVersion: null }), control('target', { reportVersion: null })]);
    }
  });

  test('a snapshot role of another account cannot be passed', async () => {
    const run = await runPlan({ 'snapshot-role-arn': 'arn:aws:iam::210987654321:role/TheSnapshotRole' });
    expect(row(run, 'source.identity')).toMatchObject({
      result: 'fail',
      fix: expect.stringContaining("iam:PassRole only passes roles of the caller's own account"),
    });
    expect(row(run, 'source.identity').found).toContain(
      'the snapshot role arn:aws:iam::210987654321:role/TheSnapshotRole is in account 210987654321',
    );
  });

  test('fine-grained access control without a snapshot role mapping is explained with the mapping to add', async () => {
    await control('target', { fineGrainedAccessControl: { rolesMapping: { readall: [env.STACK_OIDC_ROLE_ARN] } } });
    try {
      const run = await runPlan({ indices: 'customers' });
      expect(run.code).not.toBe(0);
      expect(row(run, 'target.access-control')).toMatchObject({
        result: 'fail',
        found: expect.stringContaining(
          'is mapped to readall; the domain will refuse with "no permissions for [cluster:admin/repository/put]"',
        ),
        fix: expect.stringContaining(`rolesmapping/manage_snapshots {"backend_roles": ["${env.STACK_OIDC_ROLE_ARN}"]}`),
      });
      expect(row(run, 'source.access-control').result).toBe('pass');
      await control('target', {
        fineGrainedAccessControl: { rolesMapping: { manage_snapshots: [env.STACK_OIDC_ROLE_ARN] } },
      });
      expect(row(await runPlan({ indices: 'customers' }), 'target.access-control')).toMatchObject({
        result: 'pass',
        found: expect.stringContaining('mapped to manage_snapshots'),
      });
    } finally {
      await control('target', { fineGrainedAccessControl: null });
    }
  });

  test("AWS's automated snapshot running on the source is a wait, not a failure", async () => {
    await control('source', { automatedSnapshotInProgress: true });
    try {
      const run = await runPlan({ indices: 'customers', ...fresh });
      expect(run.code).toBe(0);
      expect(row(run, 'source.snapshots')).toMatchObject({
        result: 'warn',
        found: expect.stringMatching(
          /^cs-automated\/.* \(STARTED\) is running: the run waits for it, up to snapshot-timeout-minutes/,
        ),
      });
    } finally {
      await control('source', { automatedSnapshotInProgress: false });
    }
  });
});

describe('buckets and repositories', () => {
  test('a bucket that does not exist, and one in another Region', async () => {
    const elsewhere = unique('h6-oregon');
    await adminS3('us-west-2').send(
      new CreateBucketCommand({ Bucket: elsewhere, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }),
    );
    const missing = await runPlan({ indices: 'customers', 'target-bucket': unique('h6-missing') });
    expect(row(missing, 'target.bucket')).toMatchObject({
      result: 'fail',
      found: expect.stringContaining('does not exist'),
      fix: expect.stringContaining('in eu-west-1'),
    });
    const wrongRegion = await runPlan({ indices: 'customers', 'target-bucket': elsewhere });
    expect(row(wrongRegion, 'target.bucket')).toMatchObject({
      result: 'fail',
      found: `${elsewhere} is in us-west-2, not eu-west-1`,
      fix: expect.stringContaining('A domain registers only a bucket in its own Region'),
    });
  });

  test("a destination path holding another cluster's repository is not overwritten", async () => {
    const basePath = unique('h6-foreign');
    const s3 = adminS3(env.STACK_TARGET_REGION!);
    const repositoryData = {
      snapshots: [{ name: 'nightly-2024.01.01', uuid: 'Zq9x-someone-else', state: 1 }],
      indices: {},
    };
    await s3.send(
      new PutObjectCommand({
        Bucket: env.STACK_TARGET_BUCKET,
        Key: `${basePath}/index-3`,
        Body: JSON.stringify(repositoryData),
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: env.STACK_TARGET_BUCKET,
        Key: `${basePath}/index.latest`,
        Body: Buffer.from([0, 0, 0, 0, 0, 0, 0, 3]),
      }),
    );
    const run = await runPlan({
      indices: 'customers',
      'source-base-path': unique('h6-src'),
      'target-base-path': basePath,
    });
    expect(run.code).not.toBe(0);
    expect(row(run, 'target.repository-path')).toMatchObject({
      result: 'fail',
      found: expect.stringContaining(
        'already holds another repository (1 snapshots the source does not have, e.g. nightly-2024.01.01)',
      ),
      fix: expect.stringContaining('Set target-base-path to an empty path'),
    });
  });

  test('a repository name the target already uses for another place', async () => {
    const repository = unique('h6-repo');
    await target.transport.request({
      method: 'PUT',
      path: `/_snapshot/${repository}`,
      querystring: { verify: false } as never,
      body: { type: 's3', settings: { bucket: env.STACK_TARGET_BUCKET, base_path: 'somebody-elses' } },
    });
    try {
      const run = await runPlan({ indices: 'customers', 'target-repository': repository });
      expect(row(run, 'target.repository')).toMatchObject({
        result: 'fail',
        found: `already registered for s3 ${env.STACK_TARGET_BUCKET}/somebody-elses`,
        fix: 'Set target-repository to another name: the run never re-points a repository someone else uses.',
      });
    } finally {
      await target.transport.request({ method: 'DELETE', path: `/_snapshot/${repository}` });
    }
  });
});

describe('the target', () => {
  test('names taken by an index or an alias, after renaming; replacing is allowed when asked', async () => {
    const index = unique('t-h6-clash');
    await createIndex(source, index);
    await createIndex(target, `migrated-${index}`);
    const aliased = unique('t-h6-alias');
    await createIndex(source, aliased);
    await createIndex(target, unique('t-h6-holder'));
    await target.indices.putAlias({ index: 't-h6-holder*', name: `migrated-${aliased}` });
    const rename = { 'rename-pattern': '(.+)', 'rename-replacement': 'migrated-$1' };

    const run = await runPlan({ indices: `${index},${aliased}`, ...rename });
    expect(run.code).not.toBe(0);
    const clash = row(run, 'target.collisions');
    expect(clash.result).toBe('fail');
    expect(clash.found).toContain(`migrated-${aliased} is an alias on the target`);
    expect(clash.found).toContain(`the target already has migrated-${index}`);
    expect(clash.fix).toContain('overwrite-existing-indices: true');

    const replacing = await runPlan({ indices: index, ...rename, 'overwrite-existing-indices': 'true' });
    expect(row(replacing, 'target.collisions')).toMatchObject({
      result: 'warn',
      found: expect.stringContaining(`1 existing replaced (overwrite-existing-indices): migrated-${index}`),
    });
  });

  test('a source alias the target already has over other indices: reads through it would count twice', async () => {
    const index = unique('t-h6-dup');
    const alias = unique('t-h6-shared');
    const holder = unique('t-h6-other');
    await createIndex(source, index);
    await source.indices.putAlias({ index, name: alias });
    await createIndex(target, holder);
    await target.indices.putAlias({ index: holder, name: alias });

    const run = await runPlan({ indices: index, ...fresh });
    expect(run.code).not.toBe(0);
    const clash = row(run, 'target.collisions');
    expect(clash.result).toBe('fail');
    expect(clash.found).toContain(`source alias ${alias} (on the target over ${holder}) already exists on the target`);
    expect(clash.fix).toContain('include-aliases: false');

    // Without aliases the restore adds none, and nothing is counted twice.
    const without = await runPlan({ indices: index, ...fresh, 'include-aliases': 'false' });
    expect(row(without, 'target.collisions').result).toBe('pass');
  });

  test('a target without room above its low disk watermark', async () => {
    const [disk] = (await target.cat.allocation({ format: 'json', bytes: 'b' } as never)).body as Array<
      Record<string, string>
    >;
    const avail = Number(disk!['disk.avail']);
    // Absolute watermarks (all three must be absolute): the node must keep more than its free space free, with
    // room to spare because the disk is shared and its free space moves. The stack's nodes run with disk
    // thresholds off; a managed domain has them on.
    await withClusterSettings(
      {
        'cluster.routing.allocation.disk.threshold_enabled': 'true',
        'cluster.routing.allocation.disk.watermark.low': `${avail + 10 * 1024 ** 3}b`,
        'cluster.routing.allocation.disk.watermark.high': `${Math.floor(avail / 2)}b`,
        'cluster.routing.allocation.disk.watermark.flood_stage': `${Math.floor(avail / 4)}b`,
      },
      async () => {
        const run = await runPlan({ indices: 'products', ...fresh });
        expect(run.code).not.toBe(0);
        expect(run.checks.filter((c) => c.result === 'fail').map((c) => c.id)).toEqual(['target.capacity']);
        expect(row(run, 'target.capacity')).toMatchObject({
          result: 'fail',
          found: expect.stringMatching(
            /^needs ~[\d.]+ MiB \(primaries × copies\); .* free below the low disk watermark \(\d+b\)/,
          ),
          fix: expect.stringContaining('Add storage to the target'),
        });
      },
    );
  });

  test('an allocation filter no target node matches, fixed by ignore-index-settings', async () => {
    const index = unique('t-h6-pinned');
    const sourceNode = Object.values<any>((await source.nodes.info()).body.nodes)[0].name as string;
    await createIndex(source, index, { 'index.routing.allocation.include._name': sourceNode });
    const run = await runPlan({ indices: index });
    expect(run.code).not.toBe(0);
    expect(row(run, 'target.allocation')).toMatchObject({
      result: 'fail',
      found: expect.stringContaining(`${index}: index.routing.allocation.include._name=${sourceNode}`),
      fix: 'Add index.routing.allocation.include._name to ignore-index-settings (e.g. ignore-index-settings: "index.routing.allocation.include._name").',
    });
    const fixed = await runPlan({ indices: index, 'ignore-index-settings': 'index.routing.allocation.include._name' });
    expect(row(fixed, 'target.allocation').result).toBe('pass');
    expect(fixed.code).toBe(0);
  });

  test('replica counts a zone-balanced target refuses, with the count that fits', async () => {
    await withClusterSettings(
      {
        'cluster.routing.allocation.awareness.attributes': 'zone',
        'cluster.routing.allocation.awareness.force.zone.values': 'a,b',
        'cluster.routing.allocation.awareness.balance': 'true',
      },
      async () => {
        const run = await runPlan({ indices: 'customers' }); // stackInputs restore with 0 replicas: 1 copy over 2 zones
        expect(row(run, 'target.replicas')).toMatchObject({
          result: 'fail',
          found: expect.stringContaining(
            'expected total copies needs to be a multiple of total awareness attributes [2]',
          ),
          fix: 'Set index-settings to {"index.number_of_replicas": 1} (or another count whose copies are a multiple of 2).',
        });
        // The same rule the node applies to an index it is asked to create.
        await expect(
          target.indices.create({ index: unique('t-h6-zones'), body: { settings: { number_of_replicas: 0 } } }),
        ).rejects.toThrow(/multiple of total awareness attributes \[2\]/);
        // Balanced now; the stack's one data node can only hold the primaries, so the replica waits (yellow).
        expect(
          row(
            await runPlan({ indices: 'customers', 'index-settings': '{"index.number_of_replicas": 1}' }),
            'target.replicas',
          ),
        ).toMatchObject({
          result: 'warn',
          found: expect.stringContaining(
            '1 index wants 1 replicas but the target has 1 data node: those replicas stay unassigned (yellow)',
          ),
        });
      },
    );
  });
});
