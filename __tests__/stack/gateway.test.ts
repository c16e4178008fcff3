// The stack's source domain gateway behaves like an Amazon OpenSearch Service domain: it takes the
// workflow's OIDC-federated role, refuses what AWS refuses in AWS's words, and only ever hands the
// bare node what a managed domain would run. Runs against the stack the global setup started.
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import * as core from '@actions/core';
import { nodeClient, stackEnv, unique } from '../support/stack.js';
import { gatewayControl } from '../../stack/gateway/control-client.js';
import type { ControlUpdate } from '../../stack/gateway/control.js';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

let env: Record<string, string>;
let workflowRole: Credentials;
let noPassRole: Credentials;

async function federate(roleArn: string): Promise<Credentials> {
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = env.STACK_OIDC_REQUEST_URL;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = env.STACK_OIDC_REQUEST_TOKEN;
  const token = await core.getIDToken('sts.amazonaws.com');
  const sts = new STSClient({ endpoint: env.AWS_ENDPOINT_URL, region: env.STACK_SOURCE_REGION });
  const out = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: roleArn,
      RoleSessionName: 'gateway-test',
      WebIdentityToken: token,
    }),
  );
  return {
    accessKeyId: out.Credentials!.AccessKeyId!,
    secretAccessKey: out.Credentials!.SecretAccessKey!,
    sessionToken: out.Credentials!.SessionToken!,
  };
}

function domain(credentials: Credentials, region = env.STACK_SOURCE_REGION): Client {
  return new Client({
    ...AwsSigv4Signer({ region, service: 'es', getCredentials: async () => credentials }),
    node: env.STACK_SOURCE_ENDPOINT,
    maxRetries: 0,
  });
}

/** The status and body of a client call, whether it succeeded or not. */
async function outcome(
  call: Promise<{ statusCode: number | null; body: unknown }>,
): Promise<{ status: number; body: any }> {
  return call.then(
    (r) => ({ status: r.statusCode ?? 0, body: r.body }),
    (e: { meta?: { statusCode?: number; body?: unknown } }) => ({
      status: e.meta?.statusCode ?? 0,
      body: e.meta?.body,
    }),
  );
}

/** PUT _snapshot/<repository> with an AWS-shaped body (the typed client only knows self-managed settings). */
function register(client: Client, repository: string, body: object) {
  return client.transport.request({ method: 'PUT', path: `/_snapshot/${encodeURIComponent(repository)}`, body });
}

async function control(update: ControlUpdate): Promise<void> {
  await gatewayControl(env.STACK_SOURCE_ENDPOINT!, update);
}

beforeAll(async () => {
  env = stackEnv();
  workflowRole = await federate(env.STACK_OIDC_ROLE_ARN);
  noPassRole = await federate(env.STACK_NO_PASSROLE_ROLE_ARN);
});

afterAll(async () => {
  await control({ reset: true });
});

describe('the front end of the domain', () => {
  it('lets a request signed with the OIDC-federated role through to the node', async () => {
    const r = await outcome(domain(workflowRole).info());
    expect(r.status).toBe(200);
    expect(r.body.version.number).toBeDefined();
  });

  it('calls an unsigned caller anonymous, as AWS does', async () => {
    const r = await fetch(`${env.STACK_SOURCE_ENDPOINT}/_cat/indices`);
    expect(r.status).toBe(403);
    expect(await r.json()).toEqual({
      Message:
        'User: anonymous is not authorized to perform: es:ESHttpGet because no resource-based policy allows the es:ESHttpGet action',
    });
  });

  it('refuses a wrong secret with the signature-mismatch message', async () => {
    const r = await outcome(
      domain({ ...workflowRole, secretAccessKey: `x${workflowRole.secretAccessKey.slice(1)}` }).info(),
    );
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/^The request signature we calculated does not match the signature you provided\./);
  });

  it('refuses credentials scoped to another region', async () => {
    const r = await outcome(domain(workflowRole, env.STACK_TARGET_REGION).info());
    expect(r).toEqual({
      status: 403,
      body: { message: `Credential should be scoped to a valid region, not '${env.STACK_TARGET_REGION}'. ` },
    });
  });
});

describe('registering a snapshot repository', () => {
  const repository = unique('gw-repo');
  const body = (roleArn?: string) => ({
    type: 's3',
    settings: {
      bucket: env.STACK_SOURCE_BUCKET,
      base_path: repository,
      region: env.STACK_SOURCE_REGION,
      readonly: true,
      ...(roleArn ? { role_arn: roleArn } : {}),
    },
  });

  afterAll(async () => {
    await nodeClient('source')
      .snapshot.deleteRepository({ repository })
      .catch(() => undefined);
  });

  it('needs settings.role_arn', async () => {
    const r = await outcome(register(domain(workflowRole), repository, body()));
    expect(r).toEqual({ status: 400, body: { Message: 'settings.role_arn is needed for snapshot registration.' } });
  });

  it('refuses a caller who may not pass the snapshot role', async () => {
    const r = await outcome(register(domain(noPassRole), repository, body(env.STACK_SNAPSHOT_ROLE_ARN)));
    const roleName = env.STACK_NO_PASSROLE_ROLE_ARN.split('/').pop();
    expect(r).toEqual({
      status: 403,
      body: {
        Message: `User: arn:aws:sts::${env.STACK_ACCOUNT_ID}:assumed-role/${roleName}/gateway-test is not authorized to perform: iam:PassRole on resource: ${env.STACK_SNAPSHOT_ROLE_ARN}`,
      },
    });
  });

  it('hands the node the repository without the AWS-only settings', async () => {
    const r = await outcome(register(domain(workflowRole), repository, body(env.STACK_SNAPSHOT_ROLE_ARN)));
    expect(r.status).toBe(200);
    const onNode = (await nodeClient('source').snapshot.getRepository({ repository })).body[repository] as unknown as {
      type: string;
      settings: Record<string, unknown>;
    };
    expect(onNode.type).toBe('s3');
    expect(onNode.settings).not.toHaveProperty('role_arn');
    expect(onNode.settings).not.toHaveProperty('region');
    expect(String(onNode.settings.readonly)).toBe('true');
  });

  it('only knows S3', async () => {
    const r = await outcome(
      register(domain(workflowRole), unique('gw-fs'), { type: 'fs', settings: { location: '/tmp/x' } }),
    );
    expect(r.status).toBe(500);
    expect(r.body.error.type).toBe('repository_exception');
  });
});

describe('the hourly automated snapshot', () => {
  afterEach(async () => control({ reset: true }));

  it('shows in _snapshot/_status and blocks a manual snapshot with the concurrent-snapshot error', async () => {
    await control({ automatedSnapshotInProgress: true });
    const status = await outcome(domain(workflowRole).snapshot.status());
    expect(status.body.snapshots[0]).toMatchObject({ repository: 'cs-automated', state: 'STARTED' });
    const create = await outcome(
      domain(workflowRole).snapshot.create({ repository: 'any-repo', snapshot: 'any-snapshot' }),
    );
    expect(create.status).toBe(503);
    expect(create.body.error.type).toBe('concurrent_snapshot_execution_exception');
  });
});

describe('what the gateway saw', () => {
  afterEach(async () => control({ reset: true }));

  it('answers 504 after the node took the request, and logs who sent what', async () => {
    await fetch(`${env.STACK_SOURCE_ENDPOINT}/_gateway/requests`, { method: 'DELETE' });
    await control({ delay504: [{ method: 'GET', pathRegex: '^/_cluster/health$', afterMs: 100, times: 1 }] });
    const timedOut = await outcome(domain(workflowRole).cluster.health());
    expect(timedOut.status).toBe(504);
    expect((await outcome(domain(workflowRole).cluster.health())).status).toBe(200);

    const seen = (await (await fetch(`${env.STACK_SOURCE_ENDPOINT}/_gateway/requests`)).json()) as Array<
      Record<string, unknown>
    >;
    expect(seen.map((s) => [s.method, s.path, s.status, s.forwarded])).toEqual([
      ['GET', '/_cluster/health', 504, true],
      ['GET', '/_cluster/health', 200, true],
    ]);
    expect(seen[0]!.principal).toBe(env.STACK_OIDC_ROLE_ARN);
  });
});

describe('restoring the domain’s own indices', () => {
  const repository = unique('gw-restore');
  const snapshot = unique('snap');
  const kibanaLike = unique('.kibana-gw');

  beforeAll(async () => {
    const node = nodeClient('source');
    await node.indices.create({ index: kibanaLike });
    await register(node, repository, {
      type: 's3',
      settings: { bucket: env.STACK_SOURCE_BUCKET, base_path: repository },
    });
    await node.snapshot.create({
      repository,
      snapshot,
      wait_for_completion: true,
      body: { indices: kibanaLike, include_global_state: false },
    });
  });

  afterAll(async () => {
    const node = nodeClient('source');
    await node.snapshot.delete({ repository, snapshot }).catch(() => undefined);
    await node.snapshot.deleteRepository({ repository }).catch(() => undefined);
    await node.indices.delete({ index: kibanaLike }).catch(() => undefined);
  });

  it('fails the way OpenSearch fails over an open index of the same name', async () => {
    const r = await outcome(domain(workflowRole).snapshot.restore({ repository, snapshot, body: { indices: '*' } }));
    expect(r.status).toBe(500);
    expect(r.body.error.type).toBe('snapshot_restore_exception');
    expect(r.body.error.reason).toContain(
      `cannot restore index [${kibanaLike}] because an open index with same name already exists in the cluster`,
    );
  });
});
