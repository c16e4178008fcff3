// The test ground itself: a snapshot through the source gateway into bucket A, `aws s3 sync` to bucket B
// in another region, a restore on the target from B, equal counts; and the managed-domain behaviours
// the gateway reproduces (signatures, PassRole, protected indices).
import { execFileSync } from 'node:child_process';
import { Client } from '@opensearch-project/opensearch';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { createDomainClient } from '../../src/search/client.js';
import { nodeClient, stackEnv, unique } from '../support/stack.js';

const env = stackEnv();
const operator = { accessKeyId: env.STACK_AWS_ACCESS_KEY_ID, secretAccessKey: env.STACK_AWS_SECRET_ACCESS_KEY };
const signed = (side: 'source' | 'target', credentials = operator) =>
  createDomainClient({
    endpoint: side === 'source' ? env.STACK_SOURCE_ENDPOINT : env.STACK_TARGET_ENDPOINT,
    region: side === 'source' ? env.STACK_SOURCE_REGION : env.STACK_TARGET_REGION,
    auth: { kind: 'sigv4' },
    credentials: async () => credentials,
  });

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err: any) {
    return { status: err?.meta?.statusCode as number, body: err?.meta?.body };
  }
  throw new Error('expected the request to fail');
};

describe('the local stack', () => {
  const index = unique('t-stack');
  const repo = unique('stack-repo');
  const snapshot = unique('snap');
  const basePath = unique('stack-test');

  beforeAll(async () => {
    const node = nodeClient('source');
    await node.indices.create({ index, body: { settings: { number_of_shards: 2, number_of_replicas: 0 } } });
    const body = Array.from({ length: 500 }, (_, i) => [
      { index: { _index: index, _id: String(i) } },
      { n: i, text: `doc ${i}` },
    ]).flat();
    await node.bulk({ body, refresh: true });
  });

  test('snapshot via the gateway → aws s3 sync across regions → restore on the target: same count', async () => {
    const src = signed('source');
    await src.snapshot.createRepository({
      repository: repo,
      body: {
        type: 's3',
        settings: {
          bucket: env.STACK_SOURCE_BUCKET,
          base_path: basePath,
          region: env.STACK_SOURCE_REGION,
          role_arn: env.STACK_SNAPSHOT_ROLE_ARN,
        },
      },
    } as any);
    // .kibana_1 rides along, as in a real domain's snapshot; the restore test below asks for it.
    await src.snapshot.create({
      repository: repo,
      snapshot,
      wait_for_completion: true,
      body: { indices: `${index},.kibana_1`, include_global_state: false },
    } as any);

    execFileSync(
      'aws',
      [
        's3',
        'sync',
        `s3://${env.STACK_SOURCE_BUCKET}/${basePath}`,
        `s3://${env.STACK_TARGET_BUCKET}/${basePath}`,
        '--only-show-errors',
      ],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: env.STACK_ADMIN_ACCESS_KEY_ID,
          AWS_SECRET_ACCESS_KEY: env.STACK_ADMIN_SECRET_ACCESS_KEY,
          AWS_DEFAULT_REGION: env.STACK_TARGET_REGION,
          AWS_ENDPOINT_URL: env.AWS_ENDPOINT_URL,
        },
      },
    );

    const dst = signed('target');
    await dst.snapshot.createRepository({
      repository: repo,
      body: {
        type: 's3',
        settings: {
          bucket: env.STACK_TARGET_BUCKET,
          base_path: basePath,
          region: env.STACK_TARGET_REGION,
          role_arn: env.STACK_SNAPSHOT_ROLE_ARN,
          readonly: true,
        },
      },
    } as any);
    await dst.snapshot.restore({
      repository: repo,
      snapshot,
      wait_for_completion: true,
      body: { indices: index, index_settings: { 'index.number_of_replicas': 0 } },
    } as any);
    await nodeClient('target').indices.refresh({ index });
    const [a, b] = await Promise.all([nodeClient('source').count({ index }), nodeClient('target').count({ index })]);
    expect(b.body.count).toBe(500);
    expect(b.body.count).toBe(a.body.count);
  });

  test('an unsigned request is refused as AWS refuses it', async () => {
    const res = await fetch(`${env.STACK_SOURCE_ENDPOINT}/_cat/indices`);
    expect(res.status).toBe(403);
    expect(JSON.stringify(await res.json())).toMatch(/User: anonymous is not authorized to perform: es:ESHttpGet/);
    const bare = new Client({ node: env.STACK_SOURCE_ENDPOINT });
    expect((await errorOf(bare.cat.indices())).status).toBe(403);
  });

  test('a request signed with a wrong secret is refused', async () => {
    const wrong = signed('source', { ...operator, secretAccessKey: 'not-the-secret' });
    const e = await errorOf(wrong.cat.indices());
    expect(e.status).toBe(403);
    expect(JSON.stringify(e.body)).toMatch(/signature/i);
  });

  test('registering a repository without PassRole is refused with AWS’s message', async () => {
    const sts = new STSClient({ endpoint: env.AWS_ENDPOINT_URL, region: 'us-east-1', credentials: operator });
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: env.STACK_NO_PASSROLE_ROLE_ARN, RoleSessionName: 'no-pass' }),
    );
    const c = assumed.Credentials!;
    const client = signed('source', {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken,
    } as any);
    const e = await errorOf(
      client.snapshot.createRepository({
        repository: unique('denied'),
        body: {
          type: 's3',
          settings: {
            bucket: env.STACK_SOURCE_BUCKET,
            region: env.STACK_SOURCE_REGION,
            role_arn: env.STACK_SNAPSHOT_ROLE_ARN,
          },
        },
      } as any),
    );
    expect(e.status).toBe(403);
    expect(JSON.stringify(e.body)).toMatch(
      /is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role\/TheSnapshotRole/,
    );
  });

  test('a registration without role_arn is refused', async () => {
    const e = await errorOf(
      signed('source').snapshot.createRepository({
        repository: unique('norole'),
        body: { type: 's3', settings: { bucket: env.STACK_SOURCE_BUCKET } },
      } as any),
    );
    expect(e.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(e.body)).toMatch(/role_arn/);
  });

  test('restoring .kibana is refused, though the bare target node would take it', async () => {
    // The target node has no .kibana_1: only the gateway's managed-domain rule can refuse this restore.
    const e = await errorOf(
      signed('target').snapshot.restore({ repository: repo, snapshot, body: { indices: '.kibana_1' } } as any),
    );
    expect(e.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(e.body)).toMatch(/cannot restore index \[\.kibana_1\]/);
    expect((await nodeClient('target').indices.exists({ index: '.kibana_1' })).body).toBe(false);
  });
});
