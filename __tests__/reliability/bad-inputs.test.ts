// Malformed and dangerous inputs, each through dist/index.js against the running stack. Each run fails with
// a message that names the input (and says what to write), and none sends a request that could change
// anything: proved by both gateways' request logs, by the S3 proxy's log of every S3 request the action
// made, and by moto itself (both buckets listed object by object before and after: same keys, ETags and
// modification times; no multipart upload started).
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { startStackFaultProxies, type StackFaultProxies } from '../../stack/faults/index.js';
import { stackInputs } from '../support/action.js';
import { adminS3 } from '../support/stack.js';
import {
  clearDomainRequestLogs,
  listObjects,
  mutatingDomainRequests,
  ownDestination,
  recordFigure,
  runChecked,
  stackEnvironment as env,
} from './support.js';

interface BadInput {
  what: string;
  inputs: Record<string, string>;
  /** Inputs the error message must name. */
  names: string[];
  /** The fix, as the message must word it (input errors always carry one after "—"). */
  fix?: RegExp;
}

const AWS_SOURCE = 'https://search-old-abc123.us-east-1.es.amazonaws.com';
const AWS_TARGET = 'https://search-new-def456.eu-west-1.es.amazonaws.com';
const URL_PASSWORD = 'Hunter2-in-the-url-9f3k';
const STRAY_PASSWORD = 'stray-Password-4u7w';

const CASES: BadInput[] = [
  // Endpoints
  {
    what: 'an endpoint without a scheme',
    inputs: { 'source-endpoint': 'search-old-abc123.us-east-1.es.amazonaws.com' },
    names: ['source-endpoint'],
    fix: /https:\/\//,
  },
  {
    what: 'an endpoint with a path (the Dashboards URL)',
    inputs: { 'source-endpoint': `${AWS_SOURCE}/_dashboards/app/home` },
    names: ['source-endpoint'],
    fix: /only the origin/,
  },
  {
    what: 'an endpoint with credentials in it',
    inputs: { 'source-endpoint': `https://admin:${URL_PASSWORD}@search-old-abc123.us-east-1.es.amazonaws.com` },
    names: ['source-endpoint', 'source-auth'],
  },
  {
    what: 'plain http to a remote host',
    inputs: { 'target-endpoint': 'http://search-new-def456.eu-west-1.es.amazonaws.com' },
    names: ['target-endpoint'],
    fix: /https:\/\//,
  },
  {
    what: 'an endpoint with a query',
    inputs: { 'target-endpoint': `${AWS_TARGET}/?pretty` },
    names: ['target-endpoint'],
  },
  { what: 'an ftp:// endpoint', inputs: { 'source-endpoint': 'ftp://127.0.0.1:9200' }, names: ['source-endpoint'] },
  {
    what: 'the target endpoint is the source, without a rename',
    inputs: { 'source-endpoint': env.STACK_SOURCE_ENDPOINT!, 'target-endpoint': env.STACK_SOURCE_ENDPOINT! },
    names: ['target-endpoint'],
    fix: /rename-pattern/,
  },
  // Regions
  { what: 'a region that is not a region code', inputs: { 'source-region': 'mars-north-1' }, names: ['source-region'] },
  {
    what: 'a region that contradicts the endpoint',
    inputs: { 'target-endpoint': AWS_TARGET, 'target-region': 'us-east-1' },
    names: ['target-region'],
    fix: /eu-west-1/,
  },
  // Buckets and paths
  {
    what: 'a bucket name S3 refuses (uppercase, underscore)',
    inputs: { 'source-bucket': 'My_Snapshots' },
    names: ['source-bucket'],
  },
  {
    what: 'a bucket given as an s3:// URI',
    inputs: { 'source-bucket': 's3://stack-source-snapshots/opensearch' },
    names: ['source-bucket'],
    fix: /stack-source-snapshots/,
  },
  { what: 'a two-letter bucket', inputs: { 'target-bucket': 'ab' }, names: ['target-bucket'] },
  {
    what: 'a bucket formatted as an IP address',
    inputs: { 'target-bucket': '192.168.10.1' },
    names: ['target-bucket'],
  },
  {
    what: 'a bucket with a prefix S3 reserves',
    inputs: { 'target-bucket': 'xn--snapshots' },
    names: ['target-bucket'],
  },
  {
    what: 'a base path with a leading slash',
    inputs: { 'source-base-path': '/snapshots' },
    names: ['source-base-path'],
  },
  {
    what: 'a base path that climbs out with ..',
    inputs: { 'target-base-path': 'a/../b' },
    names: ['target-base-path'],
  },
  {
    what: 'the same bucket and path for both sides across regions',
    inputs: { 'target-bucket': env.STACK_SOURCE_BUCKET! },
    names: ['target-bucket'],
    fix: /eu-west-1/,
  },
  // Names
  {
    what: "the automated snapshots' repository",
    inputs: { 'source-repository': 'cs-automated' },
    names: ['source-repository'],
  },
  { what: 'a snapshot name with uppercase', inputs: { snapshot: 'Nightly' }, names: ['snapshot'] },
  // Index selection and rename
  { what: 'patterns that can only match system indices', inputs: { indices: '.kibana*' }, names: ['indices'] },
  { what: 'an exclusion of every index', inputs: { indices: 'logs-*,-*' }, names: ['indices'] },
  { what: 'an uppercase index pattern', inputs: { indices: 'Orders' }, names: ['indices'] },
  {
    what: 'a rename pattern that does not compile',
    inputs: { 'rename-pattern': '(unclosed', 'rename-replacement': 'x-$1' },
    names: ['rename-pattern'],
  },
  {
    what: 'a replacement naming a group the pattern lacks',
    inputs: { 'rename-pattern': '(.+)', 'rename-replacement': 'copy-$2' },
    names: ['rename-replacement'],
  },
  {
    what: 'a rename pattern without a replacement',
    inputs: { 'rename-pattern': '(.+)' },
    names: ['rename-pattern', 'rename-replacement'],
  },
  // Restore options
  {
    what: 'index settings that are not JSON',
    inputs: { 'index-settings': '{"index.number_of_replicas": 0' },
    names: ['index-settings'],
  },
  {
    what: 'index settings a restore cannot change',
    inputs: { 'index-settings': '{"index.number_of_shards": 3}' },
    names: ['index-settings'],
  },
  {
    what: 'a setting a restore cannot drop',
    inputs: { 'ignore-index-settings': 'index.number_of_replicas' },
    names: ['ignore-index-settings'],
  },
  // Time and size
  { what: 'a negative time budget', inputs: { 'timeout-minutes': '-5' }, names: ['timeout-minutes'] },
  { what: 'an absurd time budget', inputs: { 'timeout-minutes': '100000' }, names: ['timeout-minutes'] },
  {
    what: 'a phase wait longer than the whole budget',
    inputs: { 'timeout-minutes': '10', 'snapshot-timeout-minutes': '30' },
    names: ['snapshot-timeout-minutes', 'timeout-minutes'],
  },
  { what: 'a zero poll interval', inputs: { 'poll-interval-seconds': '0' }, names: ['poll-interval-seconds'] },
  { what: 'a request timeout of zero', inputs: { 'request-timeout-seconds': '0' }, names: ['request-timeout-seconds'] },
  { what: 'an absurd copy concurrency', inputs: { 'copy-concurrency': '10000' }, names: ['copy-concurrency'] },
  {
    what: 'a multipart threshold below S3’s 5 MiB part',
    inputs: { 'multipart-threshold-mb': '1' },
    names: ['multipart-threshold-mb'],
  },
  {
    what: 'a session shorter than STS allows',
    inputs: { 'role-duration-seconds': '60' },
    names: ['role-duration-seconds'],
  },
  // Credentials and modes
  {
    what: 'a session ARN where a role ARN belongs',
    inputs: { 'role-to-assume': 'arn:aws:sts::123456789012:assumed-role/GitHubMigrationRole/session' },
    names: ['role-to-assume'],
  },
  { what: 'no snapshot role for a sigv4 domain', inputs: { 'snapshot-role-arn': '' }, names: ['snapshot-role-arn'] },
  { what: 'an unknown auth mode', inputs: { 'source-auth': 'kerberos' }, names: ['source-auth'] },
  {
    what: 'basic auth without a password',
    inputs: { 'target-auth': 'basic', 'target-username': 'admin' },
    names: ['target-password'],
  },
  {
    what: 'a password for a sigv4 domain',
    inputs: { 'source-password': STRAY_PASSWORD },
    names: ['source-password', 'source-auth'],
  },
  { what: 'a boolean that is not one', inputs: { 'write-block': 'yes please' }, names: ['write-block'] },
  {
    what: 'keep-write-block without write-block',
    inputs: { 'keep-write-block': 'true' },
    names: ['keep-write-block', 'write-block'],
  },
  { what: 'an unknown mode', inputs: { mode: 'destroy' }, names: ['mode'] },
  // Found only by asking the servers (read-only requests)
  { what: 'patterns that match nothing', inputs: { indices: 'no-such-index-*' }, names: ['indices'] },
  { what: 'patterns that match only system indices', inputs: { indices: '*kibana*' }, names: ['indices'] },
  { what: 'an index the source does not have', inputs: { indices: 'no-such-index' }, names: ['indices'] },
  {
    what: 'a rename that maps two indices to one name',
    inputs: { indices: 'orders-*', 'rename-pattern': 'orders-.*', 'rename-replacement': 'orders-merged' },
    names: ['rename-pattern'],
  },
  { what: 'a region code no domain lives in', inputs: { 'source-region': 'us-east-9' }, names: ['source-region'] },
  { what: 'a bucket that does not exist', inputs: { 'target-bucket': 'no-such-bucket-h7' }, names: ['target-bucket'] },
];

let proxies: StackFaultProxies;

/** Both buckets, object by object (key, ETag, modification time), and their open multipart uploads. */
async function bucketState(): Promise<string> {
  const parts: string[] = [];
  for (const [bucket, region] of [
    [env.STACK_SOURCE_BUCKET!, env.STACK_SOURCE_REGION!],
    [env.STACK_TARGET_BUCKET!, env.STACK_TARGET_REGION!],
  ] as const) {
    const s3 = adminS3(region);
    for (const [key, o] of await listObjects(s3, bucket, ''))
      parts.push(`${bucket}/${key} ${o.etag} ${o.lastModified}`);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    for (const u of uploads.Uploads ?? []) parts.push(`upload ${bucket}/${u.Key} ${u.UploadId}`);
  }
  return parts.sort().join('\n');
}

beforeAll(async () => {
  proxies = await startStackFaultProxies(env);
});

afterAll(async () => {
  await proxies?.close();
});

test(`${CASES.length} bad inputs: each fails naming the input, before any request that changes anything`, async () => {
  const outcomes: Array<Record<string, unknown>> = [];
  const before = await bucketState();
  for (const c of CASES) {
    await clearDomainRequestLogs();
    await proxies.resetAll();
    // A destination path of its own (never written: every case stops first), so what other tests left at
    // the default path cannot add a failure of its own to the message.
    const inputs = stackInputs({ ...proxies.inputs, ...ownDestination('bad-inputs').inputs, ...c.inputs });
    const run = await runChecked('bad-inputs', inputs, { env: proxies.env }, [
      { password: URL_PASSWORD },
      { password: STRAY_PASSWORD },
    ]);
    const error = run.log
      .split('\n')
      .filter((l) => l.startsWith('::error'))
      .join('\n');
    const s3Log = (await proxies.controls.s3.state(true)).log;
    const outcome = {
      what: c.what,
      failed: run.code !== 0,
      unnamed: c.names.filter((n) => !error.includes(n)),
      // Input errors say "<input>: <what is wrong> — <fix>"; preflight rows "<check>: <found> → <fix>".
      fix: c.fix ? c.fix.test(error) : / [—→] /.test(error),
      domainChanges: await mutatingDomainRequests(),
      s3Changes: s3Log.filter((r) => r.mutating).map((r) => `${r.op} ${r.path}`),
      leaks: run.leaks.map((l) => `${l.where}: ${l.what}`),
      requests: (await Promise.all(Object.values(proxies.controls).map((p) => p.state()))).reduce(
        (n, s) => n + s.requests,
        0,
      ),
    };
    outcomes.push({ ...outcome, error: error.slice(0, 400) });
  }
  // Every case at once, so one failure does not hide the others.
  const wrong = outcomes.filter(
    (o) =>
      !o.failed ||
      (o.unnamed as string[]).length ||
      !o.fix ||
      (o.domainChanges as string[]).length ||
      (o.s3Changes as string[]).length ||
      (o.leaks as string[]).length,
  );
  expect(wrong).toEqual([]);
  expect(await bucketState()).toBe(before);
  recordFigure('bad-inputs', {
    tried: CASES.length,
    refused: outcomes.filter((o) => o.failed).length,
    beforeAnyRequest: outcomes.filter((o) => o.requests === 0).length,
    withReadsOnly: outcomes.filter((o) => (o.requests as number) > 0).length,
    changes: outcomes.reduce((n, o) => n + (o.domainChanges as string[]).length + (o.s3Changes as string[]).length, 0),
    cases: outcomes.map((o) => ({ what: o.what, requests: o.requests, error: o.error })),
  });
});
