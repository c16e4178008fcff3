// AWS's request limits on the stack's domains: the request body size of the instance type (10 MiB on
// the smallest, configurable), and the node's own 4 KB request-line limit, which the gateway lets the
// node enforce and records per request so tests can assert what a client sent.
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import * as core from '@actions/core';
import { nodeClient, stackEnv, unique } from '../support/stack.js';
import { gatewayControl } from '../../stack/gateway/control-client.js';
import type { ControlUpdate } from '../../stack/gateway/control.js';

let env: Record<string, string>;
let client: Client;

interface Seen {
  method: string;
  path: string;
  status: number;
  forwarded: boolean;
  requestLineBytes: number;
  bodyBytes: number;
}

const control = (update: ControlUpdate) => gatewayControl(env.STACK_SOURCE_ENDPOINT!, update);

async function seen(): Promise<Seen[]> {
  return (await (await fetch(`${env.STACK_SOURCE_ENDPOINT}/_gateway/requests`)).json()) as Seen[];
}

async function outcome(call: Promise<{ statusCode: number | null; body: unknown }>) {
  return call.then(
    (r) => ({ status: r.statusCode ?? 0, body: r.body as any }),
    (e: { meta?: { statusCode?: number; body?: unknown } }) => ({
      status: e.meta?.statusCode ?? 0,
      body: e.meta?.body as any,
    }),
  );
}

/** NDJSON for _bulk: `docs` documents whose bodies add up to about `bytes`. */
function bulkBody(index: string, docs: number, bytes: number): string {
  const pad = 'x'.repeat(Math.ceil(bytes / docs));
  return Array.from(
    { length: docs },
    (_, i) => `{"index":{"_index":"${index}","_id":"${i}"}}\n{"pad":"${pad}"}\n`,
  ).join('');
}

beforeAll(async () => {
  env = stackEnv();
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = env.STACK_OIDC_REQUEST_URL;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = env.STACK_OIDC_REQUEST_TOKEN;
  const token = await core.getIDToken('sts.amazonaws.com');
  const sts = new STSClient({ endpoint: env.AWS_ENDPOINT_URL, region: env.STACK_SOURCE_REGION });
  const out = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: env.STACK_OIDC_ROLE_ARN,
      RoleSessionName: 'limits-test',
      WebIdentityToken: token,
    }),
  );
  const credentials = {
    accessKeyId: out.Credentials!.AccessKeyId!,
    secretAccessKey: out.Credentials!.SecretAccessKey!,
    sessionToken: out.Credentials!.SessionToken!,
  };
  client = new Client({
    ...AwsSigv4Signer({ region: env.STACK_SOURCE_REGION, service: 'es', getCredentials: async () => credentials }),
    node: env.STACK_SOURCE_ENDPOINT,
    maxRetries: 0,
    requestTimeout: 120_000,
  });
});

afterAll(async () => {
  await control({ reset: true });
});

describe('request body size (AWS network quotas per instance type)', () => {
  const index = unique('body-limit');
  afterAll(async () => {
    await nodeClient('source').indices.delete({ index, ignore_unavailable: true });
  });

  it('refuses a body over 10 MiB by default, in AWS’s words, without forwarding it', async () => {
    expect((await control({ reset: true })).maxBodyBytes).toBe(10 * 1024 * 1024);
    await fetch(`${env.STACK_SOURCE_ENDPOINT}/_gateway/requests`, { method: 'DELETE' });
    const r = await outcome(
      client.transport.request({ method: 'POST', path: '/_bulk', body: bulkBody(index, 4, 11 * 1024 * 1024) }),
    );
    expect(r).toEqual({ status: 413, body: { Message: 'Request size exceeded 10485760 bytes' } });
    const [entry] = (await seen()).filter((s) => s.path === '/_bulk');
    expect(entry).toMatchObject({ status: 413, forwarded: false });
    expect(entry!.bodyBytes).toBeGreaterThan(11 * 1024 * 1024);
    expect((await nodeClient('source').indices.exists({ index })).body).toBe(false);
  });

  it('takes the same body once a larger instance type’s 100 MiB limit is set', async () => {
    expect((await control({ maxBodyBytes: 100 * 1024 * 1024 })).maxBodyBytes).toBe(100 * 1024 * 1024);
    const r = await outcome(
      client.transport.request({
        method: 'POST',
        path: '/_bulk',
        body: bulkBody(index, 4, 11 * 1024 * 1024),
        querystring: { refresh: 'true' },
      }),
    );
    expect(r.status).toBe(200);
    expect(r.body.errors).toBe(false);
    expect((await control({ maxBodyBytes: null })).maxBodyBytes).toBe(10 * 1024 * 1024);
  });

  it('refuses a limit that is not a number of bytes', async () => {
    const r = await fetch(`${env.STACK_SOURCE_ENDPOINT}/_gateway/control`, {
      method: 'POST',
      body: JSON.stringify({ maxBodyBytes: '10mb' }),
    });
    expect(r.status).toBe(400);
  });
});

describe('request line length (the node’s http.max_initial_line_length)', () => {
  /** GET /<names>/_count for made-up names, padded so the whole request line has exactly `bytes` bytes. */
  function countPath(bytes: number): string {
    const tail = '/_count?ignore_unavailable=true&allow_no_indices=true';
    const fixed = 'GET '.length + tail.length + ' HTTP/1.1'.length + 1; // + the leading '/'
    const names: string[] = [];
    let length = fixed - 1; // no comma before the first name
    while (length < bytes) {
      const room = bytes - length - 1;
      const name = `missing-${names.length}-`.padEnd(Math.min(Math.max(room, 12), 200), 'x');
      names.push(name.slice(0, Math.max(1, Math.min(name.length, room))));
      length += names[names.length - 1]!.length + 1;
    }
    return `/${names.join(',')}${tail}`;
  }

  it('the nodes keep OpenSearch’s default of 4 KB', async () => {
    for (const side of ['source', 'target'] as const) {
      // Nested, not flat_settings: filter_path cannot select flat keys that contain dots.
      const { body } = (await nodeClient(side).cluster.getSettings({
        include_defaults: true,
        filter_path: '*.http.max_initial_line_length',
      })) as { body: Record<string, { http?: { max_initial_line_length?: string } }> };
      expect(body.persistent?.http?.max_initial_line_length).toBeUndefined();
      expect(body.transient?.http?.max_initial_line_length).toBeUndefined();
      // 4 KB, which the engine prints as 4kb or 4096b.
      expect(body.defaults?.http?.max_initial_line_length).toMatch(/^(4kb|4096b)$/);
    }
  });

  it('a line of 4,096 bytes passes and one byte more is refused by the node; the log records both lengths', async () => {
    await fetch(`${env.STACK_SOURCE_ENDPOINT}/_gateway/requests`, { method: 'DELETE' });
    const fits = countPath(4096);
    const tooLong = countPath(4097);
    expect(`GET ${fits} HTTP/1.1`.length).toBe(4096);
    expect(`GET ${tooLong} HTTP/1.1`.length).toBe(4097);

    const ok = await outcome(client.transport.request({ method: 'GET', path: fits }));
    expect(ok.status).toBe(200);
    const refused = await outcome(client.transport.request({ method: 'GET', path: tooLong }));
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/An HTTP line is larger than 4096 bytes/);

    const log = (await seen()).filter((s) => s.path.endsWith('allow_no_indices=true'));
    expect(log.map((s) => [s.requestLineBytes, s.status, s.forwarded])).toEqual([
      [4096, 200, true],
      [4097, 400, true],
    ]);
  });
});
