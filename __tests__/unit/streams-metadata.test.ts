// The pure rules behind data streams and cluster metadata: which streams move under which names, how
// a stream's row is judged, what the metadata phase does with each item, and the two inputs.
import { planStreams, targetBackingIndex, backingIndicesOf } from '../../src/streams/plan.js';
import { withStreams, type StreamComparison } from '../../src/streams/verify.js';
import { canonical, includedByName, isManagedItem, planMetadata } from '../../src/metadata/plan.js';
import type { MetadataItem } from '../../src/metadata/kinds.js';
import { itemBody, itemPath } from '../../src/metadata/kinds.js';
import { metadataOptions } from '../../src/inputs/metadata.js';
import { metadataSection, streamTable } from '../../src/report/streams.js';

describe('data stream plan', () => {
  const resolved = [
    { name: 'logs-web', backingIndices: ['.ds-logs-web-000001', '.ds-logs-web-000002'], timestampField: '@timestamp' },
    { name: '.internal-stream', backingIndices: ['.ds-.internal-stream-000001'], timestampField: '@timestamp' },
  ];

  test('user streams move, dot-named ones are excluded, backing indices belong to their stream', () => {
    const { streams, excluded } = planStreams(resolved);
    expect(streams).toEqual([
      {
        source: 'logs-web',
        target: 'logs-web',
        backingIndices: resolved[0]!.backingIndices,
        timestampField: '@timestamp',
      },
    ]);
    expect(excluded).toEqual(['.internal-stream']);
    expect([...backingIndicesOf(streams)]).toEqual(['.ds-logs-web-000001', '.ds-logs-web-000002']);
  });

  test('a rename renames the stream, and its backing indices follow the new name as the restore does', () => {
    const { streams } = planStreams(resolved, { pattern: '(.+)', replacement: 'moved-$1' });
    expect(streams[0]!.target).toBe('moved-logs-web');
    expect(targetBackingIndex('.ds-logs-web-000002', 'logs-web', 'moved-logs-web')).toBe('.ds-moved-logs-web-000002');
  });
});

describe('stream verification folded into the run’s', () => {
  const row = (status: StreamComparison['status']): StreamComparison => ({
    sourceStream: 'logs-web',
    targetStream: 'logs-web',
    sourceCount: 700,
    targetCount: status === 'match' ? 700 : 400,
    sourceGenerations: 3,
    targetGenerations: 3,
    sourceWriteIndex: '.ds-logs-web-000003',
    targetWriteIndex: '.ds-logs-web-000003',
    targetTemplate: 'logs',
    status,
    ...(status === 'match' ? {} : { note: 'document counts differ' }),
  });
  const indices = { facts: { verified: true, mismatched: [] as string[] }, details: ['6 indices match'] };

  test('a differing stream makes the run unverified and is named', () => {
    const out = withStreams(indices, [row('mismatch')]);
    expect(out.facts.verified).toBe(false);
    expect(out.facts.mismatched).toEqual(['logs-web']);
  });

  test('matching streams keep it verified and add a line', () => {
    const out = withStreams(indices, [row('match')]);
    expect(out.facts.verified).toBe(true);
    expect(out.details[1]).toMatch(/1 data streams match: 700 documents/);
  });

  test('the table has one row per stream with documents, generations and the write index', () => {
    expect(streamTable([row('match')])).toContain(
      '<tr><td><code>logs-web</code></td><td>700</td><td>700</td><td>0</td><td>3</td><td><code>.ds-logs-web-000003</code></td><td>✅ match</td></tr>',
    );
  });
});

describe('metadata plan', () => {
  const item = (kind: MetadataItem['kind'], name: string, body: Record<string, unknown>): MetadataItem => ({
    kind,
    name,
    body,
  });
  const source = [
    item('index-template', 'logs', { index_patterns: ['logs-*'], priority: 1 }),
    item('component-template', 'base', { template: {} }),
    item('pipeline', 'stamp', { processors: [], description: 'a' }),
    item('pipeline', 'same', { description: 'x', processors: [] }),
    item('pipeline', '.system-pipeline', { processors: [] }),
    item('legacy-template', 'managed', { _meta: { managed: true } }),
    item('stored-script', 'test-script', { lang: 'painless', source: '1' }),
  ];
  const target = [
    item('pipeline', 'stamp', { processors: [], description: 'b' }),
    item('pipeline', 'same', { processors: [], description: 'x' }), // same content, other key order
  ];

  test('create: missing items are created, equal ones left, differing ones left and reported; components before templates', () => {
    const plan = planMetadata(source, target, { mode: 'create', include: ['*', '-test-*'] });
    expect(plan.items).toEqual([
      { kind: 'pipeline', name: 'same', action: 'unchanged' },
      { kind: 'pipeline', name: 'stamp', action: 'differs' },
      { kind: 'component-template', name: 'base', action: 'create' },
      { kind: 'index-template', name: 'logs', action: 'create' },
    ]);
    expect(plan.managed).toBe(2);
    expect(plan.filteredOut).toBe(1);
  });

  test('overwrite replaces what differs; skip plans nothing', () => {
    expect(planMetadata(source, target, { mode: 'overwrite', include: ['stamp'] }).items).toEqual([
      { kind: 'pipeline', name: 'stamp', action: 'overwrite' },
    ]);
    expect(planMetadata(source, target, { mode: 'skip', include: ['*'] }).items).toEqual([]);
  });

  test('names: patterns with exclusions; dot names and _meta.managed are the cluster’s own; key order does not matter', () => {
    expect(includedByName(['logs-*', '-logs-debug*'], 'logs-web')).toBe(true);
    expect(includedByName(['logs-*', '-logs-debug*'], 'logs-debug-1')).toBe(false);
    expect(isManagedItem(item('pipeline', '.x', {}))).toBe(true);
    expect(canonical({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  test('paths and bodies: a stored script is written under `script`', () => {
    expect(itemPath('search-template', 'find me')).toBe('/_scripts/find%20me');
    expect(itemBody(item('search-template', 'find', { lang: 'mustache', source: '{}' }))).toEqual({
      script: { lang: 'mustache', source: '{}' },
    });
    expect(itemPath('legacy-template', 'old')).toBe('/_template/old');
  });

  test('the summary section lists what was created, skipped or differs', () => {
    const html = metadataSection({
      mode: 'create',
      items: [
        { kind: 'pipeline', name: 'stamp', outcome: 'differs' },
        { kind: 'index-template', name: 'logs', outcome: 'created' },
      ],
      filteredOut: 1,
      managed: 0,
    }).join('\n');
    expect(html).toContain(
      '<tr><td>ingest pipeline</td><td><code>stamp</code></td><td>⚠️ differs: left as the target has it</td></tr>',
    );
    expect(html).toContain('<tr><td>index template</td><td><code>logs</code></td><td>✅ created</td></tr>');
    expect(html).toContain('1 item left out by <code>metadata-include</code>');
  });
});

describe('metadata inputs', () => {
  const names = { mode: 'metadata', include: 'metadata-include' };
  const defaults = { mode: 'create' as const, include: '*' };
  test('defaults, a valid mode, and problems named with their fix', () => {
    const problems: string[] = [];
    const add = (input: string, wrong: string) => problems.push(`${input}: ${wrong}`);
    expect(metadataOptions({ mode: '', include: [] }, defaults, names, add)).toEqual({
      mode: 'create',
      include: ['*'],
    });
    expect(metadataOptions({ mode: 'Overwrite', include: ['-test-*'] }, defaults, names, add)).toEqual({
      mode: 'overwrite',
      include: ['*', '-test-*'],
    });
    metadataOptions({ mode: 'replace', include: ['a/b'] }, defaults, names, add);
    expect(problems).toEqual([
      'metadata: "replace" is not a metadata mode',
      'metadata-include: "a/b" is not a name pattern',
    ]);
  });
});
