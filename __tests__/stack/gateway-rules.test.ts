// The managed-domain rules of the stack's gateway, without servers: which indices a restore would
// touch, how IAM decides PassRole (the stack's evaluator, stack/moto/policy.py, run as a program),
// which cluster settings pass, and SigV4 checking against requests
// signed by the AWS SDK's signer and by the OpenSearch client's signer (aws4).
import { createRequire } from 'node:module';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { checkClusterSettings } from '../../stack/gateway/cluster-settings.js';
import { checkRestore, selectRestoredIndices } from '../../stack/gateway/restore-guard.js';
import { parseSignedRequest, verifySignature, type IncomingForSigning } from '../../stack/gateway/sigv4.js';
import { snapshotRoute } from '../../stack/gateway/snapshot-routes.js';
import { evaluatePolicies, stopPolicyEvaluator } from '../support/policy-evaluator.js';

const require = createRequire(import.meta.url);
const aws4 = require('aws4') as {
  sign(request: object, credentials: object): { path: string; headers: Record<string, string> };
};

const inSnapshot = ['logs-1', 'logs-2', '.kibana_1', '.opendistro-job-scheduler-lock', 'orders'];

describe('which indices a restore selects (OpenSearch SnapshotUtils.filterIndices)', () => {
  it.each([
    [[], inSnapshot],
    [['_all'], inSnapshot],
    [['*'], inSnapshot],
    [
      ['logs-*', 'orders'],
      ['logs-1', 'logs-2', 'orders'],
    ],
    [
      ['-.kibana*', '-.opendistro*'],
      ['logs-1', 'logs-2', 'orders'],
    ],
    [
      ['*', '-.*'],
      ['logs-1', 'logs-2', 'orders'],
    ],
    [['-logs-*'], ['.kibana_1', '.opendistro-job-scheduler-lock', 'orders']],
  ])('%j selects %j', (expressions, expected) => {
    expect(selectRestoredIndices(inSnapshot, expressions).sort()).toEqual([...expected].sort());
  });
});

describe('restores a managed domain refuses', () => {
  const base = {
    repository: 'migration',
    snapshot: 'snap-1',
    facts: { uuid: 'U1', indices: inSnapshot },
    principalArn: 'arn:aws:iam::123456789012:role/R',
    fineGrainedAccessControl: false,
  };

  it('restoring everything collides with the domain’s own .kibana index, as OpenSearch words it', () => {
    const refusal = checkRestore({ ...base, body: {} });
    expect(refusal?.status).toBe(500);
    expect(refusal?.body).toMatchObject({
      error: {
        type: 'snapshot_restore_exception',
        reason: expect.stringMatching(
          /^\[migration:snap-1\/U1\] cannot restore index \[\.kibana_1\] because an open index with same name already exists in the cluster\./,
        ),
      },
    });
  });

  it('the developer guide’s exclusions pass', () => {
    expect(checkRestore({ ...base, body: { indices: '-.kibana*,-.opendistro*' } })).toBeUndefined();
    expect(checkRestore({ ...base, body: { indices: ['logs-*', 'orders'] } })).toBeUndefined();
  });

  it('a renamed .kibana index no longer collides', () => {
    expect(
      checkRestore({
        ...base,
        body: { indices: '.kibana_1', rename_pattern: '(.+)', rename_replacement: 'restored_$1' },
      }),
    ).toBeUndefined();
  });

  it('the security index is refused by the security plugin', () => {
    const refusal = checkRestore({ ...base, facts: { uuid: 'U1', indices: ['.opendistro_security', 'a'] }, body: {} });
    expect(refusal?.status).toBe(403);
    expect(refusal?.body).toMatchObject({ error: { type: 'security_exception' } });
  });
});

describe('IAM policy evaluation for iam:PassRole', () => {
  afterAll(stopPolicyEvaluator);
  const allow = JSON.stringify({
    Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::123456789012:role/TheSnap*' }],
  });
  const q = {
    action: 'iam:PassRole',
    resource: 'arn:aws:iam::123456789012:role/TheSnapshotRole',
    context: { 'iam:passedtoservice': 'es.amazonaws.com' },
  };

  it('allows by wildcard resource and case-insensitive action', async () => {
    expect(await evaluatePolicies([allow.replace('iam:PassRole', 'IAM:passrole')], q)).toBe('allow');
  });
  it('an explicit deny with ? wins over an allow', async () => {
    const deny = JSON.stringify({ Statement: { Effect: 'Deny', Action: 'iam:Pass?ole', Resource: '*' } });
    expect(await evaluatePolicies([allow, deny], q)).toBe('explicit-deny');
  });
  it('no statement means an implicit deny', async () => {
    expect(
      await evaluatePolicies([JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'es:*', Resource: '*' }] })], q),
    ).toBe('implicit-deny');
  });
  it('reads URL-encoded documents and iam:PassedToService conditions', async () => {
    const conditioned = {
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: '*',
          Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        },
      ],
    };
    expect(await evaluatePolicies([encodeURIComponent(JSON.stringify(conditioned))], q)).toBe('implicit-deny');
  });
});

describe('cluster settings a managed domain accepts', () => {
  it('accepts customer settings in the flat form', () => {
    expect(
      checkClusterSettings('PUT', '/_cluster/settings', { persistent: { 'action.auto_create_index': false } }),
    ).toBeUndefined();
  });
  it('refuses the expanded form and service-owned settings', () => {
    const nested = checkClusterSettings('PUT', '/_cluster/settings', {
      persistent: { action: { auto_create_index: false } },
    });
    expect(nested).toEqual({
      status: 401,
      body: { Message: "Your request: '/_cluster/settings' payload is not allowed." },
    });
    expect(
      checkClusterSettings('PUT', '/_cluster/settings', { transient: { 'cluster.routing.allocation.enable': 'none' } })
        ?.status,
    ).toBe(401);
  });
  it.each([
    'indices.recovery.max_bytes_per_sec',
    'indices.recovery.max_concurrent_file_chunks',
    'cluster.routing.allocation.node_concurrent_recoveries',
    'cluster.routing.allocation.node_concurrent_incoming_recoveries',
  ])('refuses the restore throttle %s (the service owns recovery)', (key) => {
    expect(checkClusterSettings('PUT', '/_cluster/settings', { persistent: { [key]: '1gb' } })?.status).toBe(401);
    expect(checkClusterSettings('PUT', '/_cluster/settings', { transient: { [key]: null } })?.status).toBe(401);
  });
});

describe('snapshot routes', () => {
  it.each([
    ['PUT', '/_snapshot/repo', 'register-repository'],
    ['POST', '/_snapshot/repo/snap', 'create-snapshot'],
    ['POST', '/_snapshot/repo/snap/_restore', 'restore'],
    ['GET', '/_snapshot/_status', 'status'],
    ['POST', '/_snapshot/repo/_verify', 'other'],
    ['GET', '/_snapshot/repo/snap', 'other'],
  ])('%s %s is %s', (method, path, kind) => {
    expect(snapshotRoute(method, path).kind).toBe(kind);
  });
});

describe('SigV4 checking', () => {
  const credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret/key+1', sessionToken: 'token-1' };
  const now = new Date();

  async function sdkSigned(
    method: string,
    path: string,
    query: Record<string, string>,
    body?: string,
  ): Promise<IncomingForSigning> {
    const signer = new SignatureV4({ service: 'es', region: 'us-east-1', sha256: Sha256, credentials });
    const signed = await signer.sign(
      new HttpRequest({ method, hostname: '127.0.0.1', path, query, headers: { host: '127.0.0.1:9200' }, body }),
    );
    const qs = new URLSearchParams(query).toString().replace(/\+/g, '%20');
    const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    return { method, url: `${path}${qs ? `?${qs}` : ''}`, headers, body: Buffer.from(body ?? '') };
  }

  it('accepts what the AWS SDK signer signed, with wildcards, commas and a body', async () => {
    const request = await sdkSigned(
      'POST',
      '/logs-*,orders/_search',
      { q: 'a:b*', expand_wildcards: 'open,hidden' },
      '{"size":1}',
    );
    const parts = parseSignedRequest(request, { region: 'us-east-1', service: 'es' }, now);
    if ('status' in parts) throw new Error(JSON.stringify(parts.body));
    expect(await verifySignature(request, parts, credentials.secretAccessKey)).toEqual({ ok: true });
  });

  it('accepts what the OpenSearch client’s signer (aws4) signed, with an encoded path', async () => {
    const signed = aws4.sign(
      {
        service: 'es',
        region: 'us-east-1',
        method: 'PUT',
        host: '127.0.0.1',
        path: '/weird/_doc/a%20b%2Fc*d?refresh=wait_for',
        headers: { 'content-type': 'application/json' },
        body: '{"t":"héllo"}',
      },
      credentials,
    );
    const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    const request = {
      method: 'PUT',
      url: signed.path,
      headers: { ...headers, host: '127.0.0.1' },
      body: Buffer.from('{"t":"héllo"}'),
    };
    const parts = parseSignedRequest(request, { region: 'us-east-1', service: 'es' }, now);
    if ('status' in parts) throw new Error(JSON.stringify(parts.body));
    expect(await verifySignature(request, parts, credentials.secretAccessKey)).toEqual({ ok: true });
  });

  it('refuses a wrong secret with the canonical request AWS would show', async () => {
    const request = await sdkSigned('GET', '/', {});
    const parts = parseSignedRequest(request, { region: 'us-east-1', service: 'es' }, now);
    if ('status' in parts) throw new Error('unexpected');
    const check = await verifySignature(request, parts, 'not-the-secret');
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect((check.refusal.body as { message: string }).message).toMatch(
        /^The request signature we calculated does not match[\s\S]*The Canonical String for this request should have been\n'GET\n\/\n/,
      );
  });

  it('refuses a tampered body', async () => {
    const request = await sdkSigned('PUT', '/i/_doc/1', {}, '{"a":1}');
    const parts = parseSignedRequest(request, { region: 'us-east-1', service: 'es' }, now);
    if ('status' in parts) throw new Error('unexpected');
    expect(
      (await verifySignature({ ...request, body: Buffer.from('{"a":2}') }, parts, credentials.secretAccessKey)).ok,
    ).toBe(false);
  });

  it('refuses the wrong region and an old signature in AWS’s words', async () => {
    const request = await sdkSigned('GET', '/', {});
    expect(parseSignedRequest(request, { region: 'eu-west-1', service: 'es' }, now)).toEqual({
      status: 403,
      body: { message: "Credential should be scoped to a valid region, not 'us-east-1'. " },
    });
    const later = new Date(now.getTime() + 6 * 60_000);
    const expired = parseSignedRequest(request, { region: 'us-east-1', service: 'es' }, later);
    expect(expired).toMatchObject({
      status: 403,
      body: { message: expect.stringMatching(/^Signature expired: .* - 5 min\.\)$/) },
    });
  });
});
