// The preflight's pure rules: which versions restore where, which settings a target can honour, how
// much disk a watermark leaves, and how the checks read in the summary.
import { Checks } from '../../src/preflight/checks.js';
import {
  clusterVerdict,
  compatibilityCheck,
  decodeCreatedVersion,
  indexVerdict,
  parseVersion,
  type EngineVersion,
} from '../../src/preflight/compatibility.js';
import { estimateCopyMs, estimateObjects } from '../../src/preflight/forecast.js';
import { reservedBytes } from '../../src/preflight/capacity.js';
import { allocatable, restoredSettings, settingsChecks, type SourceIndex } from '../../src/preflight/target.js';
import { checksTable, planBlocks, planFailedHeadline } from '../../src/report/plan.js';
import { renderSummary } from '../../src/report/summary.js';
import type { MigrationConfig } from '../../src/config.js';
import type { RunRecord } from '../../src/record.js';
import type { NodeFacts } from '../../src/search/domain.js';

const v = (text: string): EngineVersion => {
  const [engine, number] = text.split(' ') as ['OpenSearch' | 'Elasticsearch', string];
  return parseVersion(engine, number)!;
};

describe('index.version.created', () => {
  test.each([
    [7100299, 'Elasticsearch', 7, 10, 2],
    [6080099, 'Elasticsearch', 6, 8, 0],
    [135247827, 'OpenSearch', 1, 3, 0], // 1.3.0 = 1030099 with OpenSearch's bit 27
    [136407827, 'OpenSearch', 2, 19, 0],
    [137297827, 'OpenSearch', 3, 8, 0],
  ])('%i is %s %i.%i.%i', (id, engine, major, minor, patch) => {
    expect(decodeCreatedVersion(id)).toEqual({ engine, major, minor, patch });
  });

  test('garbage is not a version', () => {
    expect(decodeCreatedVersion(Number('x'))).toBeUndefined();
    expect(decodeCreatedVersion(0)).toBeUndefined();
  });
});

describe('which indices restore on which target', () => {
  test.each([
    ['Elasticsearch 6.8.0', 'OpenSearch 1.3.0', true],
    ['Elasticsearch 6.8.0', 'OpenSearch 2.19.0', false],
    ['Elasticsearch 7.10.2', 'OpenSearch 1.3.0', true],
    ['Elasticsearch 7.10.2', 'OpenSearch 2.19.0', true],
    ['Elasticsearch 7.10.2', 'OpenSearch 3.8.0', false],
    ['Elasticsearch 7.17.0', 'OpenSearch 2.19.0', false],
    ['Elasticsearch 5.6.0', 'Elasticsearch 6.8.0', true],
    ['Elasticsearch 5.6.0', 'Elasticsearch 7.10.2', false],
    ['OpenSearch 1.3.0', 'OpenSearch 2.19.0', true],
    ['OpenSearch 1.3.0', 'OpenSearch 3.8.0', false],
    ['OpenSearch 2.19.0', 'OpenSearch 3.8.0', true],
    ['OpenSearch 3.8.0', 'OpenSearch 3.8.0', true],
    ['OpenSearch 3.8.0', 'OpenSearch 2.19.0', false],
    ['OpenSearch 1.3.0', 'Elasticsearch 7.10.2', false],
  ])('an index created by %s on %s: %s', (created, target, ok) => {
    expect(indexVerdict(v(created), v(target)).ok).toBe(ok);
  });

  test('a snapshot never restores onto an older version, and says what to do', () => {
    const verdict = clusterVerdict(v('OpenSearch 3.8.0'), v('OpenSearch 2.19.0'));
    expect(verdict).toMatchObject({ ok: false, why: expect.stringContaining('older than the source') });
    expect(!verdict.ok && verdict.fix).toMatch(/OpenSearch 3\.8 or later/);
    expect(clusterVerdict(v('Elasticsearch 7.10.2'), v('OpenSearch 1.0.0')).ok).toBe(true);
    expect(clusterVerdict(v('Elasticsearch 7.17.0'), v('OpenSearch 2.19.0')).ok).toBe(false);
  });

  test('the row names every index the target cannot read and how to get past it', () => {
    const checks = new Checks();
    compatibilityCheck(checks, v('OpenSearch 2.19.0'), v('OpenSearch 3.8.0'), [
      { index: 'new', created: v('OpenSearch 2.11.0') },
      { index: 'legacy', created: v('OpenSearch 1.3.0') },
      { index: 'ancient', created: v('Elasticsearch 7.10.2') },
    ]);
    expect(checks.rows).toHaveLength(1);
    expect(checks.rows[0]).toMatchObject({
      result: 'fail',
      found: expect.stringMatching(/^2 of 3 indices .*legacy .*ancient/),
    });
    expect(checks.rows[0]!.fix).toMatch(/Reindex it on OpenSearch 2\.x first.*indices: "-legacy"/);
  });
});

describe('index settings on the target', () => {
  const node = (
    name: string,
    attributes: Record<string, string> = {},
    roles = ['data', 'ingest', 'cluster_manager'],
  ): NodeFacts => ({ id: `id-${name}`, name, version: '3.8.0', roles, attributes, host: '10.0.0.1', ip: '10.0.0.1' });
  const config = (extra: Partial<MigrationConfig> = {}) =>
    ({ indexSettings: {}, ignoreIndexSettings: [], ...extra }) as MigrationConfig;
  const index = (settings: Record<string, string>): SourceIndex => ({
    index: 'logs',
    target: 'logs',
    settings,
    documents: 1,
    primaryBytes: 1,
    segments: 1,
    aliases: [],
  });

  test("the settings a restored index gets: the source's, minus ignore-index-settings (wildcards too), plus index-settings (null removes)", () => {
    const after = restoredSettings(
      {
        'index.number_of_replicas': '2',
        'index.routing.allocation.require.box_type': 'warm',
        'index.routing.allocation.include._tier': 'x',
        'index.blocks.read_only': 'true',
      },
      {
        indexSettings: { 'index.number_of_replicas': 1, 'index.blocks.read_only': null },
        ignoreIndexSettings: ['index.routing.allocation.*'],
      },
    );
    expect(after).toEqual({ 'index.number_of_replicas': '1' });
  });

  test('allocation filters are judged against the data nodes and the built-in attributes', () => {
    const nodes = [
      node('a', { zone: 'us-east-1a' }),
      node('b', { zone: 'us-east-1b' }),
      node('m', { box_type: 'hot' }, ['cluster_manager']),
    ];
    expect(allocatable({ 'index.routing.allocation.require.zone': 'us-east-1b' }, nodes).ok).toBe(true);
    expect(allocatable({ 'index.routing.allocation.require.box_type': 'hot' }, nodes).ok).toBe(false); // only a manager node has it
    expect(allocatable({ 'index.routing.allocation.include._name': 'old-node-1,b' }, nodes).ok).toBe(true);
    expect(allocatable({ 'index.routing.allocation.exclude._name': 'a,b' }, nodes).ok).toBe(false);
  });

  test('a layout that balances copies over three zones refuses two copies, and the fix says how many replicas', () => {
    const checks = new Checks();
    const zones = [node('a', { zone: 'a' }), node('b', { zone: 'b' }), node('c', { zone: 'c' })];
    const cluster = {
      'cluster.routing.allocation.awareness.attributes': 'zone',
      'cluster.routing.allocation.awareness.balance': 'true',
    };
    settingsChecks(
      config({ indexSettings: { 'index.number_of_replicas': 1 } }),
      [index({ 'index.number_of_replicas': '1' })],
      zones,
      cluster,
      checks,
    );
    const replicas = checks.rows.find((r) => r.id === 'target.replicas')!;
    expect(replicas.result).toBe('fail');
    expect(replicas.found).toContain('multiple of total awareness attributes [3]');
    expect(replicas.fix).toContain('{"index.number_of_replicas": 2}');
  });

  test('data nodes are counted in words: "1 data node", "3 data nodes", never "data node(s)"', () => {
    const one = new Checks();
    settingsChecks(config(), [index({ 'index.number_of_replicas': '1' })], [node('a')], {}, one);
    expect(one.rows.find((r) => r.id === 'target.replicas')!.found).toContain(
      '1 index wants 1 replicas but the target has 1 data node: those replicas stay unassigned (yellow)',
    );
    const three = new Checks();
    settingsChecks(
      config(),
      [index({ 'index.number_of_replicas': '1' })],
      [node('a'), node('b'), node('c')],
      {},
      three,
    );
    expect(three.rows.find((r) => r.id === 'target.replicas')!.found).toBe('3 data nodes; every index fits');
  });

  test('custom packages referenced by analyzers are named with the step that makes them available', () => {
    const checks = new Checks();
    settingsChecks(
      config(),
      [index({ 'index.analysis.filter.syn.synonyms_path': 'analyzers/F111222333' })],
      [node('a')],
      {},
      checks,
    );
    const packages = checks.rows.find((r) => r.id === 'target.packages')!;
    expect(packages).toMatchObject({
      result: 'warn',
      found: expect.stringContaining('F111222333 (logs)'),
      fix: expect.stringContaining('associate-package'),
    });
  });

  test.each([
    ['85%', 1000, 150],
    ['0.9', 1000, 100],
    ['10gb', 1000, 10 * 1024 ** 3],
    ['500mb', 1, 500 * 1024 ** 2],
  ])('a low watermark of %s on a %i-byte disk keeps %i bytes free', (watermark, total, reserved) => {
    expect(reservedBytes(watermark, total)).toBeCloseTo(reserved, 6);
  });
});

describe('the plan in the summary', () => {
  test('estimates grow with the work', () => {
    expect(estimateObjects([{ segments: 10, shards: 2 }])).toBe(10 * 2 + 2 * 2 + 1 + 4);
    expect(estimateCopyMs(1000, 0, 10)).toBeGreaterThan(estimateCopyMs(1000, 0, 100));
    expect(estimateCopyMs(10, 10 * 1024 ** 3, 10)).toBeGreaterThan(estimateCopyMs(10, 1024 ** 3, 10));
  });

  test('failed checks come first, with what to do; passed rows carry no advice', () => {
    const html = checksTable([
      { id: 'a', check: 'Fine', result: 'pass', found: 'ok', fix: 'never shown' },
      { id: 'b', check: 'Broken <thing>', result: 'fail', found: 'x & y', fix: 'do z' },
    ]);
    expect(html.indexOf('Broken')).toBeLessThan(html.indexOf('Fine'));
    expect(html).toContain('Broken &lt;thing&gt;');
    expect(html).toContain('x &amp; y');
    expect(html).not.toContain('never shown');
  });

  test('a plan summary shows checks, forecast and IAM JSON without a blank line inside any HTML block', () => {
    const record = {
      startedAt: 0,
      endedAt: 1500,
      mode: 'plan',
      source: { endpoint: 'https://search-a-x1.us-east-1.es.amazonaws.com', region: 'us-east-1' },
      target: { endpoint: 'https://search-b-x2.eu-west-1.es.amazonaws.com', region: 'eu-west-1' },
      phases: [],
      checks: [{ id: 'a', check: 'Fine', result: 'pass', found: 'ok' }],
      forecast: {
        snapshot: {
          repository: 'r',
          snapshot: 's',
          indices: [
            { index: 'logs', documents: 5, primaryBytes: 2048, shards: 1, replicas: 0, created: 'OpenSearch 2.19.0' },
          ],
          documents: 5,
          primaryBytes: 2048,
          reuses: false,
        },
        copy: {
          skipped: false,
          from: 's3://a/p',
          to: 's3://b/p',
          objectsEstimate: 9,
          bytesEstimate: 2048,
          estimatedMs: 40,
        },
        restore: {
          repository: 'r',
          indices: [{ source: 'logs', target: 'logs' }],
          indexSettings: {},
          ignoreIndexSettings: [],
          includeAliases: true,
          replaces: [],
          bytesNeeded: 2048,
        },
        verify: { indices: 1, documents: 5, aliases: 0 },
      },
      iamDocuments: {
        subject: 'repo:a/b:ref:refs/heads/main',
        subjectFrom: 'token',
        notes: [],
        roles: [
          {
            kind: 'snapshot-role',
            principal: 'arn:aws:iam::111122223333:role/S',
            purpose: 'p',
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { Service: 'es.amazonaws.com' }, Action: 'sts:AssumeRole' }],
            },
            permissionsPolicy: {
              Version: '2012-10-17',
              Statement: [{ Sid: 'X', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b' }],
            },
          },
        ],
      },
    } as unknown as RunRecord;
    const html = renderSummary(record);
    expect(html).toContain('<h3>What the migration will do</h3>');
    expect(html).toContain('&quot;Service&quot;: &quot;es.amazonaws.com&quot;');
    for (const block of html.split('\n\n')) expect(block.trim()).not.toBe('');
    expect(html.indexOf('<h3>IAM documents</h3>')).toBeLessThan(html.indexOf('<h3>Phases</h3>'));
    // A migration folds the same sections under its results.
    const migration = renderSummary({ ...record, mode: 'migrate', forecast: undefined });
    expect(migration).toMatch(/<details>\n<summary>Preflight checks: 1 passed<\/summary>/);
    expect(migration).toMatch(/<details>\n<summary>IAM documents for this run<\/summary>/);
  });

  test('a failed plan leads with its failed checks and what fixes them', () => {
    const record = {
      mode: 'plan',
      checks: [
        { id: 'x', check: 'Target storage', result: 'fail', found: 'needs 2 GiB', fix: 'Add storage' },
        { id: 'y', check: 'Fine', result: 'pass', found: 'ok' },
      ],
    } as unknown as RunRecord;
    expect(planFailedHeadline(record).join('\n')).toMatch(
      /Plan: 1 check failed, nothing was changed.*\n.*Target storage<\/b>: Add storage/,
    );
    expect(planBlocks(record).join('\n')).toContain('<h3>Checks (1 passed, 1 failed)</h3>');
  });
});
