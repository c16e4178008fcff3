// The pure rules of verification and resume: what the target's settings should be after the restore's
// overrides, where definitions differ, the snapshot's history mark, and which write blocks are the run's.
import { compareDefinitions, expectedSettings, jsonDifferences } from '../../src/verify/definitions.js';
import { historyDifference } from '../../src/verify/history.js';
import { fingerprint, leftByEarlierAttempt, readMark, snapshotMark } from '../../src/resume/snapshot-mark.js';
import { judgeFoundSnapshot } from '../../src/resume/snapshot-reuse.js';

const overrides = {
  indexSettings: { 'index.number_of_replicas': 0, 'index.refresh_interval': null },
  ignoreIndexSettings: ['index.routing.allocation.require.*'],
  includeAliases: true,
  writeBlock: true,
};

describe('expected settings on the target', () => {
  test('restore-owned values dropped, ignored ones removed, overrides applied (null removes)', () => {
    const source = {
      'index.uuid': 'abc',
      'index.creation_date': '1',
      'index.provided_name': 'logs',
      'index.version.upgraded': '1',
      'index.number_of_shards': '3',
      'index.number_of_replicas': '2',
      'index.refresh_interval': '5s',
      'index.routing.allocation.require.box_type': 'hot',
      'index.blocks.write': 'true',
      'index.analysis.analyzer.a.type': 'standard',
    };
    expect(expectedSettings(source, overrides)).toEqual({
      'index.number_of_shards': '3',
      'index.number_of_replicas': '0',
      'index.analysis.analyzer.a.type': 'standard',
    });
    // Without a write block the user's own block travels with the snapshot.
    expect(expectedSettings({ 'index.blocks.write': 'true' }, { ...overrides, writeBlock: false })).toEqual({
      'index.blocks.write': 'true',
      'index.number_of_replicas': '0',
    });
  });
});

describe('definitions compared', () => {
  const base = {
    aliases: {
      a: { filter: { term: { s: 'open' } }, index_routing: '1', search_routing: '1' },
      w: { is_write_index: true },
    },
    mappings: { properties: { s: { type: 'keyword' }, n: { type: 'integer' } } },
    settings: { 'index.number_of_shards': '1', 'index.number_of_replicas': '1' },
  };
  test('equal definitions (keys in another order, target-only settings) give no difference', () => {
    const target = {
      aliases: {
        w: { is_write_index: true },
        a: { search_routing: '1', index_routing: '1', filter: { term: { s: 'open' } } },
      },
      mappings: { properties: { n: { type: 'integer' }, s: { type: 'keyword' } } },
      settings: {
        'index.number_of_shards': '1',
        'index.number_of_replicas': '0',
        'index.replication.type': 'DOCUMENT',
      },
    };
    expect(compareDefinitions(base, target, overrides)).toEqual([]);
  });
  test('a filter, a write flag, a mapping type and a setting that differ are each named', () => {
    const target = {
      aliases: { a: { filter: { term: { s: 'closed' } }, index_routing: '1', search_routing: '1' }, w: {} },
      mappings: { properties: { s: { type: 'text' }, n: { type: 'integer' } } },
      settings: { 'index.number_of_shards': '1', 'index.number_of_replicas': '1' },
    };
    const d = compareDefinitions(base, target, overrides);
    expect(d.map((x) => `${x.kind} ${x.name}`)).toEqual([
      'alias a',
      'alias w',
      'mapping properties.s.type',
      'setting index.number_of_replicas',
    ]);
    expect(d[3]).toEqual({ kind: 'setting', name: 'index.number_of_replicas', expected: '0', found: '1' });
  });
  test('without include-aliases the target must have none', () => {
    const d = compareDefinitions(
      base,
      { ...base, settings: { ...base.settings, 'index.number_of_replicas': '0' } },
      {
        ...overrides,
        includeAliases: false,
      },
    );
    expect(d.map((x) => `${x.kind} ${x.name} ${x.expected}`)).toEqual(['alias a absent', 'alias w absent']);
  });
  test('json differences stop at the limit', () => {
    const a = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, i]));
    expect(jsonDifferences(a, {}, 5)).toHaveLength(5);
  });
});

describe('shard history', () => {
  test('a target behind the source is named as older', () => {
    expect(
      historyDifference({ maxSeqNo: [10, 4], docs: 9, settled: true }, { maxSeqNo: [10, 3], docs: 9, settled: true }),
    ).toMatch(/shard 1 .*older state/);
    expect(
      historyDifference({ maxSeqNo: [1], docs: 2, settled: true }, { maxSeqNo: [1], docs: 2, settled: true }),
    ).toBeUndefined();
  });
});

describe('the snapshot mark', () => {
  const history = new Map([['a', { maxSeqNo: [3, 4], docs: 7 }]]);
  test('the fingerprint changes with any write and stays under the metadata limit', () => {
    const f = fingerprint(history, ['a']);
    expect(fingerprint(new Map([['a', { maxSeqNo: [3, 5], docs: 7 }]]), ['a'])).not.toBe(f);
    expect(fingerprint(history, ['a', 'b'])).not.toBe(f);
    const many = Array.from({ length: 200 }, (_, i) => `user-blocked-index-${i}`);
    const mark = snapshotMark('123', f, many);
    expect(Buffer.byteLength(JSON.stringify(mark))).toBeLessThan(1024);
    expect(leftByEarlierAttempt(many, mark)).toEqual([]);
    expect(leftByEarlierAttempt([...many, 'x'], mark)).toBeUndefined();
  });
  test('blocks the user had are theirs; the rest are the earlier attempt’s', () => {
    const mark = readMark(snapshotMark('123', 'f', ['users']))!;
    expect(leftByEarlierAttempt(['users', 'logs'], mark)).toEqual(['logs']);
    expect(readMark({ created_by: 'someone else', fingerprint: 'f', run: '1' })).toBeUndefined();
  });
  test('a found snapshot: reused when current, taken again when the run’s and stale, refused otherwise', () => {
    const found = (metadata: unknown, state = 'SUCCESS') => ({
      snapshot: 's',
      state,
      indices: ['a'],
      metadata: metadata as any,
    });
    const mark = snapshotMark('123', 'f1', []);
    const q = { current: 'f1', runId: '123', staleAllowed: false };
    expect(judgeFoundSnapshot({ ...q, found: found(mark) }).kind).toBe('reuse');
    expect(judgeFoundSnapshot({ ...q, current: 'f2', found: found(mark) }).kind).toBe('replace');
    expect(judgeFoundSnapshot({ ...q, current: 'f2', staleAllowed: true, found: found(mark) })).toMatchObject({
      kind: 'reuse',
      stale: expect.stringContaining('has changed'),
    });
    expect(judgeFoundSnapshot({ ...q, found: found(mark, 'PARTIAL') }).kind).toBe('replace');
    expect(judgeFoundSnapshot({ ...q, runId: '999', found: found(mark, 'FAILED') }).kind).toBe('refuse');
    expect(judgeFoundSnapshot({ ...q, runId: '999', current: 'f2', found: found(mark) }).kind).toBe('refuse');
    expect(judgeFoundSnapshot({ ...q, found: found(undefined) })).toMatchObject({
      kind: 'refuse',
      why: expect.stringContaining('not taken by this action'),
    });
  });
});
