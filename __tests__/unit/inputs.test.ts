// Inputs are set the way the runner sets them (INPUT_<NAME> variables), not by mocking getInput.

import { jest } from '@jest/globals';
import { Defaults } from '../../src/constants.js';
import { InputError, readInputs } from '../../src/inputs/read-inputs.js';
import { MINIMAL_INPUTS } from '../support/inputs.js';

// core.getInput reads INPUT_<name upper-cased, spaces → _>; dashes stay dashes.
const envName = (input: string): string => `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;

function setInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) process.env[envName(name)] = value;
}

let stdout: string[];

beforeEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  process.env['GITHUB_RUN_ID'] = '4242';
  stdout = [];
  // core.setSecret writes ::add-mask:: commands to stdout; keep them for the masking test, out of the test log.
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  jest.restoreAllMocks();
});

const minimal: Record<string, string> = { ...MINIMAL_INPUTS };

function readError(inputs: Record<string, string>): InputError {
  setInputs(inputs);
  try {
    readInputs();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('readInputs accepted the inputs');
}

describe('readInputs: valid inputs', () => {
  test('a full set parses into the expected config', () => {
    setInputs({
      mode: 'migrate',
      'role-to-assume': 'arn:aws:iam::111122223333:role/github-migrate',
      audience: 'sts.amazonaws.com',
      'role-session-name': 'nightly-migrate',
      'role-duration-seconds': '7200',
      'source-endpoint': 'https://search-old-abc123.us-east-1.es.amazonaws.com/',
      'source-region': 'us-east-1',
      'source-role-to-assume': 'arn:aws:iam::111122223333:role/source-access',
      'source-bucket': 'old-snapshots',
      'source-base-path': 'migrations/2025/',
      'source-repository': 'migrate-repo',
      'source-auth': 'sigv4',
      'target-endpoint': 'https://search-new-def456.eu-west-1.es.amazonaws.com',
      'target-region': 'eu-west-1',
      'target-role-to-assume': 'arn:aws:iam::444455556666:role/target-access',
      'target-bucket': 'new-snapshots',
      'target-base-path': 'restored',
      'target-repository': 'from-old',
      'target-auth': 'basic',
      'target-username': 'admin',
      'target-password': 'S3cret!pw',
      'snapshot-role-arn': 'arn:aws:iam::111122223333:role/opensearch-snapshot',
      'target-snapshot-role-arn': 'arn:aws:iam::444455556666:role/opensearch-snapshot',
      snapshot: 'cutover-2025-11',
      indices: 'logs-*, orders\n-logs-debug-*',
      metadata: 'overwrite',
      'metadata-include': 'logs-*, -logs-debug-*',
      'rename-pattern': '(.+)',
      'rename-replacement': 'restored-$1',
      'index-settings': '{"index": {"number_of_replicas": 0}, "refresh_interval": "30s"}',
      'ignore-index-settings': 'index.routing.allocation.require.box_type, refresh_interval',
      'include-aliases': 'false',
      'overwrite-existing-indices': 'true',
      'write-block': 'true',
      'keep-write-block': 'True',
      'fail-on-mismatch': 'FALSE',
      'verify-sample': 'all',
      cleanup: 'true',
      'copy-concurrency': '64',
      'multipart-threshold-mb': '128',
      'snapshot-timeout-minutes': '60',
      'restore-timeout-minutes': '90',
      'timeout-minutes': '240',
      'poll-interval-seconds': '2',
    });
    expect(readInputs()).toEqual({
      mode: 'migrate',
      credentials: {
        roleToAssume: 'arn:aws:iam::111122223333:role/github-migrate',
        audience: 'sts.amazonaws.com',
        sessionName: 'nightly-migrate',
        durationSeconds: 7200,
      },
      source: {
        endpoint: 'https://search-old-abc123.us-east-1.es.amazonaws.com',
        region: 'us-east-1',
        auth: { kind: 'sigv4' },
        roleToAssume: 'arn:aws:iam::111122223333:role/source-access',
        snapshotRoleArn: 'arn:aws:iam::111122223333:role/opensearch-snapshot',
        bucket: 'old-snapshots',
        basePath: 'migrations/2025',
        repository: 'migrate-repo',
      },
      target: {
        endpoint: 'https://search-new-def456.eu-west-1.es.amazonaws.com',
        region: 'eu-west-1',
        auth: { kind: 'basic', username: 'admin', password: 'S3cret!pw' },
        roleToAssume: 'arn:aws:iam::444455556666:role/target-access',
        snapshotRoleArn: 'arn:aws:iam::444455556666:role/opensearch-snapshot',
        bucket: 'new-snapshots',
        basePath: 'restored',
        repository: 'from-old',
      },
      snapshot: 'cutover-2025-11',
      indices: ['logs-*', 'orders', '-logs-debug-*'],
      rename: { pattern: '(.+)', replacement: 'restored-$1' },
      indexSettings: { 'index.number_of_replicas': 0, 'index.refresh_interval': '30s' },
      ignoreIndexSettings: ['index.routing.allocation.require.box_type', 'index.refresh_interval'],
      includeAliases: false,
      overwriteExisting: true,
      metadata: { mode: 'overwrite', include: ['logs-*', '-logs-debug-*'] },
      cutover: 'one-phase',
      writeBlock: true,
      keepWriteBlock: true,
      failOnMismatch: false,
      verifySample: 'all',
      cleanup: true,
      runId: expect.any(String),
      copy: { concurrency: 64, multipartThresholdBytes: 128 * 1024 * 1024 },
      timeouts: { snapshotMs: 60 * 60_000, restoreMs: 90 * 60_000, totalMs: 240 * 60_000, requestMs: 90_000 },
      pollIntervalMs: 2000,
    });
  });

  test('defaults: regions from the endpoints, names from the run, target repository settings from the source', () => {
    setInputs(minimal);
    const config = readInputs();
    expect(config.mode).toBe('migrate');
    expect(config.credentials).toEqual({
      roleToAssume: undefined,
      audience: 'sts.amazonaws.com',
      sessionName: 'opensearch-domain-migrate-4242',
      durationSeconds: 3600,
    });
    expect(config.snapshot).toBe('migrate-4242');
    expect(config.source.region).toBe('us-east-1');
    expect(config.target.region).toBe('eu-west-1');
    expect(config.target.basePath).toBe(Defaults.basePath);
    expect(config.target.repository).toBe(Defaults.repository);
    expect(config.target.snapshotRoleArn).toBe(minimal['snapshot-role-arn']);
    expect(config.indices).toEqual(['*']);
    expect(config.rename).toBeUndefined();
    expect(config.indexSettings).toEqual({});
    expect(config.includeAliases).toBe(true);
    expect(config.failOnMismatch).toBe(true);
    expect(config.verifySample).toBe(100);
    expect(config.cleanup).toBe(false);
    expect(config.runId).toBe('4242');
    expect(config.writeBlock).toBe(false);
    expect(config.copy).toEqual({ concurrency: 128, multipartThresholdBytes: 64 * 1024 * 1024 });
    expect(config.timeouts).toEqual({
      snapshotMs: 120 * 60_000,
      restoreMs: 120 * 60_000,
      totalMs: 360 * 60_000,
      requestMs: 90_000,
    });
    expect(config.pollIntervalMs).toBe(5000);
  });

  test('outside Actions the snapshot name is a UTC timestamp', () => {
    delete process.env['GITHUB_RUN_ID'];
    setInputs(minimal);
    expect(readInputs().snapshot).toMatch(/^migrate-\d{8}-\d{6}$/);
  });

  test('a list of only exclusions migrates everything else', () => {
    setInputs({ ...minimal, indices: '-logs-debug-*\n-tmp-*' });
    expect(readInputs().indices).toEqual(['*', '-logs-debug-*', '-tmp-*']);
  });

  test('exclusions are moved after the inclusions they apply to', () => {
    setInputs({ ...minimal, indices: '-logs-debug-*, logs-*, -.kibana' });
    expect(readInputs().indices).toEqual(['logs-*', '-logs-debug-*', '-.kibana']);
  });

  test('one bucket and base path in one Region is fine: the copy is skipped', () => {
    setInputs({
      ...minimal,
      'target-endpoint': 'https://search-new-def456.us-east-1.es.amazonaws.com',
      'target-bucket': '',
    });
    const config = readInputs();
    expect(config.target.bucket).toBe('old-snapshots');
    expect(config.target.basePath).toBe(config.source.basePath);
  });

  test('the local test ground: http on 127.0.0.1 with explicit regions and basic auth needs no snapshot role', () => {
    setInputs({
      'source-endpoint': 'http://127.0.0.1:19200',
      'source-region': 'us-east-1',
      'source-auth': 'basic',
      'source-username': 'admin',
      'source-password': 'pw',
      'target-endpoint': 'http://localhost:19201/',
      'target-region': 'us-west-2',
      'target-auth': 'basic',
      'target-username': 'admin',
      'target-password': 'pw',
      'source-bucket': 'src',
      'target-bucket': 'dst',
      'timeout-minutes': '0.5',
      'snapshot-timeout-minutes': '0.25',
      'restore-timeout-minutes': '0.25',
    });
    const config = readInputs();
    expect(config.source.endpoint).toBe('http://127.0.0.1:19200');
    expect(config.target.endpoint).toBe('http://localhost:19201');
    expect(config.timeouts).toEqual({ snapshotMs: 15_000, restoreMs: 15_000, totalMs: 30_000, requestMs: 90_000 });
  });

  test('a smaller overall budget caps the phase waits the user left at their defaults', () => {
    setInputs({ ...minimal, 'timeout-minutes': '60', 'restore-timeout-minutes': '45' });
    expect(readInputs().timeouts).toEqual({
      snapshotMs: 60 * 60_000,
      restoreMs: 45 * 60_000,
      totalMs: 60 * 60_000,
      requestMs: 90_000,
    });
  });

  test('a Java rename with inline flags and named groups is accepted', () => {
    setInputs({ ...minimal, 'rename-pattern': '(?i)^(?<base>logs)-(\\d+)$', 'rename-replacement': '${base}-v2-$2' });
    expect(readInputs().rename).toEqual({ pattern: '(?i)^(?<base>logs)-(\\d+)$', replacement: '${base}-v2-$2' });
  });
});

describe('readInputs: secrets', () => {
  test('basic-auth passwords are masked as soon as they are read, even when other inputs are wrong', () => {
    readError({
      ...minimal,
      'source-auth': 'basic',
      'source-username': 'admin',
      'source-password': 'S3cret!pw',
      'copy-concurrency': '0',
    });
    expect(stdout.join('')).toContain('::add-mask::S3cret!pw');
  });

  test('credentials in an endpoint URL are masked and never repeated in the error', () => {
    const error = readError({
      ...minimal,
      'source-endpoint': 'https://admin:hunter2@search-old-abc123.us-east-1.es.amazonaws.com',
    });
    expect(stdout.join('')).toContain('::add-mask::hunter2');
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toMatch(/source-endpoint: contains credentials — .*source-username and source-password/);
  });
});

describe('readInputs: every problem is reported at once', () => {
  test('several bad inputs produce one InputError listing each', () => {
    const error = readError({
      ...minimal,
      'source-bucket': 'Bad_Bucket',
      'copy-concurrency': '0',
      'target-region': 'mars-north-1',
      mode: 'yolo',
    });
    const named = error.problems.map((p) => p.split(':')[0]);
    expect(named).toEqual(expect.arrayContaining(['source-bucket', 'copy-concurrency', 'target-region', 'mode']));
    expect(error.message).toMatch(/^4 inputs need fixing \(nothing was touched\):/);
  });

  test('a defaulted target value is not blamed for the source value it copies', () => {
    const error = readError({
      ...minimal,
      'target-bucket': '',
      'target-endpoint': 'https://search-new-def456.us-east-1.es.amazonaws.com',
      'source-bucket': 'ab',
    });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^source-bucket:/);
  });
});

const aws = (region: string): string => `https://search-x-abc.${region}.es.amazonaws.com`;

// [what is wrong, inputs over the minimal set, the input the message must name, the hint it must give]
const badInputs: Array<[string, Record<string, string>, string, RegExp]> = [
  ['missing source endpoint', { 'source-endpoint': '' }, 'source-endpoint', /write the domain endpoint/],
  [
    'endpoint without scheme',
    { 'source-endpoint': 'search-old.us-east-1.es.amazonaws.com' },
    'source-endpoint',
    /https:\/\//,
  ],
  [
    'endpoint with a port but no scheme',
    { 'target-endpoint': 'localhost:9200' },
    'target-endpoint',
    /write "https:\/\/localhost:9200"/,
  ],
  [
    'plain http to a remote host',
    { 'source-endpoint': 'http://search-old-abc123.us-east-1.es.amazonaws.com' },
    'source-endpoint',
    /https:\/\/ URL/,
  ],
  ['ftp scheme', { 'target-endpoint': 'ftp://search.example.com' }, 'target-endpoint', /https:\/\//],
  [
    'Dashboards URL (a path)',
    { 'source-endpoint': `${aws('us-east-1')}/_dashboards/app/home` },
    'source-endpoint',
    /only the origin/,
  ],
  ['endpoint with a query', { 'target-endpoint': `${aws('eu-west-1')}/?pretty` }, 'target-endpoint', /only the origin/],
  ['endpoint with a fragment', { 'target-endpoint': `${aws('eu-west-1')}#x` }, 'target-endpoint', /only the origin/],
  [
    'credentials in the endpoint',
    { 'target-endpoint': 'https://admin:pw@search-new-def456.eu-west-1.es.amazonaws.com' },
    'target-endpoint',
    /target-auth: basic/,
  ],
  [
    'a region that does not exist',
    { 'source-region': 'us-middle-1' },
    'source-region',
    /Region code such as us-east-1/,
  ],
  ['a region in capitals', { 'target-region': 'EU-WEST-1' }, 'target-region', /Region code/],
  [
    'a region the endpoint contradicts',
    { 'source-region': 'us-west-2' },
    'source-region',
    /write us-east-1 or leave source-region empty/,
  ],
  [
    'no region for a non-AWS endpoint',
    { 'target-endpoint': 'https://search.example.com' },
    'target-region',
    /AWS Region, e\.g\. us-east-1/,
  ],
  ['bucket too short', { 'source-bucket': 'ab' }, 'source-bucket', /3-63 lowercase/],
  ['bucket with capitals', { 'target-bucket': 'New-Snapshots' }, 'target-bucket', /3-63 lowercase/],
  ['bucket with underscore', { 'source-bucket': 'old_snapshots' }, 'source-bucket', /3-63 lowercase/],
  ['bucket shaped as an IP address', { 'source-bucket': '192.168.10.1' }, 'source-bucket', /IP address/],
  ['bucket with adjacent dots', { 'target-bucket': 'new..snapshots' }, 'target-bucket', /adjacent dots/],
  ['bucket with a reserved prefix', { 'source-bucket': 'xn--snapshots' }, 'source-bucket', /prefix S3 reserves/],
  ['bucket with a reserved suffix', { 'target-bucket': 'snapshots-s3alias' }, 'target-bucket', /suffix S3 reserves/],
  [
    'bucket given as an S3 URI',
    { 'source-bucket': 's3://old-snapshots/migrations' },
    'source-bucket',
    /only the bucket name, without s3:\/\/ or a path, e\.g\. old-snapshots/,
  ],
  [
    'bucket ending in a hyphen',
    { 'source-bucket': 'snapshots-' },
    'source-bucket',
    /start and end with a letter or digit/,
  ],
  ['base path with a leading slash', { 'source-base-path': '/snapshots' }, 'source-base-path', /no leading slash/],
  ['base path with a double slash', { 'target-base-path': 'a//b' }, 'target-base-path', /key prefix/],
  ['base path that climbs out', { 'target-base-path': 'a/../b' }, 'target-base-path', /key prefix/],
  ['repository name in capitals', { 'source-repository': 'MyRepo' }, 'source-repository', /lowercase repository name/],
  [
    "AWS's own automated repository",
    { 'target-repository': 'cs-automated' },
    'target-repository',
    /lowercase repository name/,
  ],
  ['repository name with a slash', { 'target-repository': 'repo/one' }, 'target-repository', /without spaces/],
  ['snapshot name with a space', { snapshot: 'my snapshot' }, 'snapshot', /lowercase snapshot name/],
  ['snapshot name starting with _', { snapshot: '_latest' }, 'snapshot', /lowercase snapshot name/],
  ['snapshot name over 255 bytes', { snapshot: 's'.repeat(256) }, 'snapshot', /lowercase snapshot name/],
  [
    'role name instead of an ARN',
    { 'role-to-assume': 'github-migrate' },
    'role-to-assume',
    /arn:aws:iam::123456789012:role\/NAME/,
  ],
  [
    'a session ARN instead of a role ARN',
    { 'source-role-to-assume': 'arn:aws:sts::111122223333:assumed-role/x/y' },
    'source-role-to-assume',
    /IAM role ARN/,
  ],
  [
    'a user ARN',
    { 'target-role-to-assume': 'arn:aws:iam::111122223333:user/alice' },
    'target-role-to-assume',
    /IAM role ARN/,
  ],
  [
    'a snapshot role from another partition',
    { 'snapshot-role-arn': 'arn:aws-cn:iam::111122223333:role/snap' },
    'snapshot-role-arn',
    /starts with arn:aws:/,
  ],
  ['no snapshot role for sigv4 domains', { 'snapshot-role-arn': '' }, 'snapshot-role-arn', /role the domain assumes/],
  [
    'one bucket across two Regions',
    { 'target-bucket': 'old-snapshots' },
    'target-bucket',
    /write a bucket in eu-west-1/,
  ],
  [
    'a defaulted bucket across two Regions',
    { 'target-bucket': '' },
    'target-bucket',
    /defaults to source-bucket.*write a bucket in eu-west-1/,
  ],
  [
    'nested base paths in one bucket',
    {
      'target-endpoint': aws('us-east-1'),
      'target-bucket': 'old-snapshots',
      'source-base-path': 'snaps',
      'target-base-path': 'snaps/restored',
    },
    'target-base-path',
    /neither inside nor around/,
  ],
  [
    'target is the source domain',
    { 'target-endpoint': 'https://search-old-abc123.us-east-1.es.amazonaws.com/' },
    'target-endpoint',
    /another domain, or set rename-pattern/,
  ],
  [
    'basic auth without a password',
    { 'source-auth': 'basic', 'source-username': 'admin' },
    'source-password',
    /secrets\.SOURCE_PASSWORD/,
  ],
  [
    'basic auth without a user name',
    { 'target-auth': 'basic', 'target-password': 'pw' },
    'target-username',
    /internal user name/,
  ],
  ['an unknown auth mode', { 'source-auth': 'iam' }, 'source-auth', /sigv4 .* or basic/],
  ['a password with sigv4', { 'target-password': 'pw' }, 'target-password', /target-auth: basic/],
  ['indices that can only be system indices', { indices: '.kibana*' }, 'indices', /system indices.*patterns like/],
  ['indices in capitals', { indices: 'Logs-*' }, 'indices', /patterns like logs-\*/],
  ['indices with a ?', { indices: 'logs-?' }, 'indices', /patterns like/],
  ['indices from a remote cluster', { indices: 'other:logs-*' }, 'indices', /patterns like/],
  ['indices _all', { indices: '_all' }, 'indices', /default \*/],
  ['an exclusion of everything', { indices: 'logs-*\n-*' }, 'indices', /excludes every index/],
  ['a bare minus', { indices: 'logs-*, -' }, 'indices', /nothing after the -/],
  ['rename pattern without replacement', { 'rename-pattern': '(.+)' }, 'rename-replacement', /set both/],
  ['rename replacement without pattern', { 'rename-replacement': 'new-$1' }, 'rename-pattern', /set both/],
  [
    'rename pattern that does not compile',
    { 'rename-pattern': 'logs-(.*', 'rename-replacement': 'x-$1' },
    'rename-pattern',
    /Java regular expression/,
  ],
  [
    'rename pattern with unbalanced groups',
    { 'rename-pattern': 'a)(b', 'rename-replacement': 'x' },
    'rename-pattern',
    /Java regular expression/,
  ],
  [
    'rename replacement naming a missing group',
    { 'rename-pattern': 'logs-(.*)', 'rename-replacement': 'new-$2' },
    'rename-replacement',
    /\$0\.\.\$1/,
  ],
  [
    'rename replacement naming a missing named group',
    { 'rename-pattern': '(?<a>.+)', 'rename-replacement': 'x-${b}' },
    'rename-replacement',
    /\$\{a\}/,
  ],
  [
    'rename replacement with a lone $',
    { 'rename-pattern': '(.+)', 'rename-replacement': 'cost$' },
    'rename-replacement',
    /\\\$ for a literal dollar/,
  ],
  [
    'rename replacement producing capitals',
    { 'rename-pattern': '(.+)', 'rename-replacement': 'Restored-$1' },
    'rename-replacement',
    /lowercase letters/,
  ],
  [
    'index settings that are not JSON',
    { 'index-settings': '{index.number_of_replicas: 0}' },
    'index-settings',
    /JSON object of index settings/,
  ],
  [
    'index settings as an array',
    { 'index-settings': '[{"index.number_of_replicas": 0}]' },
    'index-settings',
    /JSON object/,
  ],
  [
    'index settings changing the shard count',
    { 'index-settings': '{"number_of_shards": 3}' },
    'index-settings',
    /remove index\.number_of_shards/,
  ],
  [
    'ignoring the replica count',
    { 'ignore-index-settings': 'number_of_replicas' },
    'ignore-index-settings',
    /set it in index-settings/,
  ],
  ['a boolean written as yes', { 'include-aliases': 'yes' }, 'include-aliases', /write true or false/],
  ['keep-write-block without write-block', { 'keep-write-block': 'true' }, 'keep-write-block', /write-block: true/],
  ['an unknown cut-over', { cutover: 'three-phase' }, 'cutover', /one-phase .* or two-phase/],
  ['zero copy concurrency', { 'copy-concurrency': '0' }, 'copy-concurrency', /from 1 to 512/],
  ['copy concurrency in words', { 'copy-concurrency': 'many' }, 'copy-concurrency', /whole number/],
  ['fractional copy concurrency', { 'copy-concurrency': '1.5' }, 'copy-concurrency', /whole number/],
  ['a verify sample in words', { 'verify-sample': 'some' }, 'verify-sample', /or all/],
  ['a negative verify sample', { 'verify-sample': '-3' }, 'verify-sample', /or all/],
  [
    'multipart threshold below S3 part size',
    { 'multipart-threshold-mb': '4' },
    'multipart-threshold-mb',
    /from 5 to 5120/,
  ],
  ['session shorter than STS allows', { 'role-duration-seconds': '600' }, 'role-duration-seconds', /from 900 to 43200/],
  ['a negative timeout', { 'timeout-minutes': '-5' }, 'timeout-minutes', /e\.g\. 360/],
  ['an absurd timeout', { 'timeout-minutes': '1000000' }, 'timeout-minutes', /to 7200/],
  ['a timeout that is not a number', { 'restore-timeout-minutes': 'NaN' }, 'restore-timeout-minutes', /e\.g\. 120/],
  [
    'a phase timeout beyond the whole budget',
    { 'snapshot-timeout-minutes': '400' },
    'snapshot-timeout-minutes',
    /at most 360/,
  ],
  ['an unknown mode', { mode: 'dry-run' }, 'mode', /or plan/],
  ['a session name with a space', { 'role-session-name': 'my session' }, 'role-session-name', /2-64 letters/],
  ['an audience with a space', { audience: 'sts amazonaws.com' }, 'audience', /OIDC audience/],
  ['a zero poll interval', { 'poll-interval-seconds': '0' }, 'poll-interval-seconds', /from 0\.1 to 300/],
  ['a snapshot rate without a unit', { 'snapshot-rate': '200' }, 'snapshot-rate', /e\.g\. 200mb/],
  ['a snapshot rate in words', { 'snapshot-rate': 'fast' }, 'snapshot-rate', /byte rate/],
];

describe('readInputs: snapshot-rate', () => {
  test('is absent unless asked for, and read as OpenSearch writes byte sizes', () => {
    setInputs(minimal);
    expect(readInputs().snapshotRate).toBeUndefined();
    setInputs({ ...minimal, 'snapshot-rate': ' 250MB ' });
    expect(readInputs().snapshotRate).toBe('250mb');
    setInputs({ ...minimal, 'snapshot-rate': '0' });
    expect(readInputs().snapshotRate).toBe('0');
  });
});

describe('readInputs: bad inputs', () => {
  test(`the table has at least 30 cases (${badInputs.length})`, () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(30);
  });

  test.each(badInputs)('%s', (_what, overrides, input, hint) => {
    const error = readError({ ...minimal, ...overrides });
    const problem = error.problems.find((p) => p.startsWith(`${input}: `));
    expect({ problems: error.problems, found: problem !== undefined }).toEqual({
      problems: error.problems,
      found: true,
    });
    expect(problem).toMatch(/ — /); // every problem says what to write
    expect(problem).toMatch(hint);
    expect(error.message).toContain(problem);
  });
});
