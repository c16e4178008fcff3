// The report builders are pure: a run record in, text out.

import type { IndexComparison, RunRecord, VerificationFacts } from '../../src/record.js';
import { Outputs } from '../../src/constants.js';
import { escapeHtml, formatBytes, formatCount, formatDuration } from '../../src/util/format.js';
import { buildOutputs, summaryLine } from '../../src/report/outputs.js';
import { recoveryProgressLine, snapshotProgressLine } from '../../src/report/progress.js';
import { renderPhaseSummary, renderSummary } from '../../src/report/summary.js';
import { comparisonTable, phaseTable } from '../../src/report/tables.js';

const T0 = Date.UTC(2025, 10, 25, 12, 0, 0);

function index(
  sourceIndex: string,
  status: IndexComparison['status'],
  sourceCount: number | null,
  targetCount: number | null,
  extra: Partial<IndexComparison> = {},
): IndexComparison {
  return {
    sourceIndex,
    targetIndex: sourceIndex,
    sourceCount,
    targetCount,
    status,
    sourceAliases: [],
    targetAliases: [],
    aliasesMatch: true,
    ...extra,
  };
}

function verification(indices: IndexComparison[]): VerificationFacts {
  const migrated = indices.filter((c) => c.status !== 'excluded');
  const mismatched = migrated.filter((c) => c.status !== 'match' || !c.aliasesMatch).map((c) => c.sourceIndex);
  return {
    verified: mismatched.length === 0,
    indices,
    sourceTotal: migrated.reduce((n, c) => n + (c.sourceCount ?? 0), 0),
    targetTotal: migrated.reduce((n, c) => n + (c.targetCount ?? 0), 0),
    mismatched,
  };
}

function record(v?: VerificationFacts, extra: Partial<RunRecord> = {}): RunRecord {
  const phase = (name: RunRecord['phases'][number]['name'], i: number) => ({
    name,
    status: 'succeeded' as const,
    startedAt: T0 + i * 60_000,
    endedAt: T0 + (i + 1) * 60_000,
    details: [],
  });
  return {
    startedAt: T0,
    endedAt: T0 + 6 * 60_000 + 2_000,
    mode: 'migrate',
    source: {
      endpoint: 'https://search-old.us-east-1.es.amazonaws.com',
      region: 'us-east-1',
      engine: 'OpenSearch',
      version: '2.19.1',
    },
    target: {
      endpoint: 'https://search-new.eu-west-1.es.amazonaws.com',
      region: 'eu-west-1',
      engine: 'OpenSearch',
      version: '2.19.1',
    },
    phases: (['credentials', 'preflight', 'snapshot', 'copy', 'restore', 'verify'] as const).map(phase),
    snapshot: {
      repository: 'domain-migrate',
      snapshot: 'migrate-4242',
      state: 'SUCCESS',
      indices: ['logs-1', 'orders'],
      shardsTotal: 10,
      shardsFailed: 0,
      reused: false,
    },
    copy: {
      skipped: false,
      listed: 120,
      copied: 118,
      reusedObjects: 2,
      bytesCopied: 5 * 1024 ** 3,
      bytesTotal: 5.1 * 1024 ** 3,
      multipart: 14,
      retries: 3,
      manifestOk: true,
    },
    ...(v ? { verification: v } : {}),
    ...extra,
  };
}

const mixed = verification([
  index('alpha', 'match', 10, 10, { sourceAliases: ['current'], targetAliases: ['current'] }),
  index('orders', 'mismatch', 1000, 990),
  index('zeta', 'match', 5, 5),
  index('.kibana_1', 'excluded', 3, null, { note: 'system index' }),
  index('beta', 'missing', 7, null),
  index('gamma', 'match', 2, 2, { sourceAliases: ['read'], targetAliases: [], aliasesMatch: false }),
]);

describe('comparisonTable', () => {
  test('differences come first, then matches, then excluded system indices', () => {
    const html = comparisonTable(mixed);
    const at = (name: string): number => html.indexOf(`<code>${name}</code>`);
    for (const problem of ['beta', 'orders', 'gamma']) {
      for (const fine of ['alpha', 'zeta']) expect(at(problem)).toBeLessThan(at(fine));
    }
    expect(at('zeta')).toBeLessThan(at('.kibana_1'));
    expect(at('beta')).toBeLessThan(at('orders')); // missing before count mismatch
    expect(html).toContain('⚪ excluded (system index)');
    expect(html).toContain('❌ missing');
    expect(html).toContain('-10'); // the difference of orders
    expect(html).toContain('⚠️ aliases differ');
    expect(html).toMatch(/<b>Total \(5 indices\)<\/b>.*<b>1,024<\/b>.*<b>1,007<\/b>.*<b>-17<\/b>.*❌ 3 indices differ/);
  });

  test('a target index column appears only when a rename is in play', () => {
    expect(comparisonTable(mixed)).not.toContain('Target index');
    const renamed = verification([index('logs', 'match', 1, 1, { targetIndex: 'restored-logs' })]);
    expect(comparisonTable(renamed)).toContain('<th>Target index</th>');
    expect(comparisonTable(renamed)).toContain('<code>restored-logs</code>');
  });

  test('many excluded indices fold into <details>, listed as excluded', () => {
    const rows = [
      index('app', 'match', 1, 1),
      ...Array.from({ length: 30 }, (_, i) => index(`.sys-${i}`, 'excluded', 0, null)),
    ];
    const html = comparisonTable(verification(rows));
    expect(html).toMatch(/<details>\n<summary>⚪ 30 indices excluded \(system indices are never migrated\)<\/summary>/);
    expect(html.indexOf('<details>')).toBeLessThan(html.indexOf('<code>.sys-0</code>'));
  });

  test('tables never contain a blank line, which would end the HTML block', () => {
    const v = verification([index('a\n\nb', 'mismatch', 1, 2, { note: 'line one\n\nline two' })]);
    expect(comparisonTable(v)).not.toMatch(/\n\s*\n/);
    const failed = record(v);
    failed.phases[2] = { ...failed.phases[2]!, status: 'failed', error: 'first\n\nsecond <b>' };
    expect(phaseTable(failed)).not.toMatch(/\n\s*\n/);
  });
});

describe('escaping', () => {
  test('every value from outside is HTML-escaped', () => {
    const hostile = verification([
      index('a&b<script>', 'mismatch', 1, 2, {
        sourceAliases: ['<img src=x>'],
        targetAliases: [],
        aliasesMatch: false,
      }),
    ]);
    const r = record(hostile, { error: 'boom </pre><script>alert(1)</script>' });
    r.source.endpoint = 'https://x.example.com/"><script>';
    r.phases[5] = { ...r.phases[5]!, details: ['<i>detail</i> & more'] };
    const html = renderSummary(r);
    expect(html).toContain('<code>a&amp;b&lt;script&gt;</code>');
    expect(html).toContain('&lt;img src=x&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
    expect(html).toContain('&lt;i&gt;detail&lt;/i&gt; &amp; more');
    expect(html).not.toMatch(/<script|<img|<i>detail/);
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});

describe('renderSummary', () => {
  test('a verified run: headline, route, snapshot, phases, indices, copy totals, write block', () => {
    const v = verification([
      index('logs-1', 'match', 600, 600),
      index('orders', 'match', 400, 400),
      index('.kibana_1', 'excluded', 3, null),
    ]);
    const r = record(v, {
      writeBlock: { indices: ['logs-1', 'orders'], setAt: T0 + 60_000, liftedAt: T0 + 5 * 60_000, state: 'lifted' },
    });
    const html = renderSummary(r);
    expect(html).toMatch(/^<h2>✅ Migration verified<\/h2>/);
    expect(html).toContain('2 indices and 1,000 documents match');
    expect(html).toContain('<code>https://search-old.us-east-1.es.amazonaws.com</code> (us-east-1, OpenSearch 2.19.1)');
    expect(html).toContain('<code>domain-migrate</code> / <code>migrate-4242</code> · SUCCESS');
    expect(html).toContain('118 objects (5.0 GiB) copied of 120 listed');
    expect(html).toContain('🔓 writes were blocked on 2 source indices for 4 min, now lifted');
    expect(html).toContain('<b>Duration</b> 6 min 2 s');
    expect(html).toContain('<h3>Phases</h3>');
    expect(html).toContain('<h3>Indices</h3>');
  });

  test('a mismatch says how many indices differ', () => {
    expect(renderSummary(record(mixed))).toMatch(
      /^<h2>❌ Migration finished with differences<\/h2>\n\n<p>3 of 5 indices differ/,
    );
  });

  test('a failed run names the phase, shows the error, and lists phases not reached', () => {
    const r = record(undefined, { error: 'snapshot migrate-4242 ended PARTIAL: 2 of 10 shards failed' });
    r.phases = r.phases.slice(0, 3);
    r.phases[2] = { ...r.phases[2]!, status: 'failed', error: r.error! };
    const html = renderSummary(r);
    expect(html).toMatch(/^<h2>❌ Migration failed in snapshot<\/h2>\n\n<pre>snapshot migrate-4242 ended PARTIAL/);
    expect(html).toContain('<td>Snapshot</td><td>❌ failed</td>');
    expect(html).toContain('<td>Restore</td><td>⚪ not run</td>');
    expect(summaryLine(r)).toBe('failed in snapshot: snapshot migrate-4242 ended PARTIAL: 2 of 10 shards failed');
  });

  test('the size guard drops matching rows first and says how many', () => {
    const many = Array.from({ length: 20_000 }, (_, i) =>
      index(`logs-2025-${String(i).padStart(6, '0')}-with-a-fairly-long-name`, 'match', i, i),
    );
    const v = verification([index('orders', 'mismatch', 10, 9), ...many, index('.kibana_1', 'excluded', 1, null)]);
    const html = renderSummary(record(v), { maxBytes: 200_000 });
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(200_000);
    expect(Buffer.byteLength(html)).toBeGreaterThan(150_000); // kept as many rows as fit, not none
    expect(html).toContain('<code>orders</code>'); // the difference is never the first thing dropped
    expect(html).toContain('<code>.kibana_1</code>');
    expect(html).toMatch(/… [\d,]+ matching indices not shown to keep the summary under GitHub's 1 MiB limit/);
    const left = Number(/… ([\d,]+) matching/.exec(html)![1]!.replace(/,/g, ''));
    const shown = (html.match(/<code>logs-2025-/g) ?? []).length;
    expect(shown + left).toBe(20_000);
  });

  test('the default limit keeps a huge run under 1 MiB', () => {
    const many = Array.from({ length: 60_000 }, (_, i) =>
      index(`index-${i}`, i % 100 === 0 ? 'mismatch' : 'match', 5, i % 100 === 0 ? 4 : 5),
    );
    const html = renderSummary(record(verification(many)));
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(1_000_000);
    expect(html).toContain('<code>index-0</code>');
  });

  test('an enormous error is cut, still under the limit', () => {
    const r = record(undefined, { error: 'x'.repeat(50_000) });
    expect(Buffer.byteLength(renderSummary(r, { maxBytes: 10_000 }))).toBeLessThanOrEqual(10_000);
  });
});

describe('renderPhaseSummary', () => {
  test('the verify section names the indices that differ', () => {
    const r = record(mixed);
    const html = renderPhaseSummary(r.phases[5]!, r);
    expect(html).toMatch(/^<h3>✅ Verify: succeeded in 1 min<\/h3>/);
    expect(html).toContain('❌ 3 of 5 indices differ: <code>beta</code>, <code>orders</code>, <code>gamma</code>');
  });

  test('the copy section gives the copy totals', () => {
    const r = record();
    expect(renderPhaseSummary(r.phases[3]!, r)).toContain('3 retries; manifest ✅ complete');
  });
});

describe('outputs', () => {
  test('are strings a workflow can gate on', () => {
    const r = record(mixed, { writeBlock: { indices: ['orders'], setAt: T0, liftedAt: T0 + 90_500, state: 'lifted' } });
    expect(buildOutputs(r)).toEqual({
      [Outputs.Snapshot]: 'migrate-4242',
      [Outputs.Repository]: 'domain-migrate',
      [Outputs.Verified]: 'false',
      [Outputs.SourceDocuments]: '1024',
      [Outputs.TargetDocuments]: '1007',
      [Outputs.Indices]: '["alpha","orders","zeta","beta","gamma"]',
      [Outputs.MismatchedIndices]: '["orders","beta","gamma"]',
      [Outputs.CopiedObjects]: '118',
      [Outputs.CopiedBytes]: String(5 * 1024 ** 3),
      [Outputs.WriteBlockSeconds]: '90.5',
      [Outputs.Summary]: 'mismatch: 3 of 5 indices differ (source 1,024 documents, target 1,007)',
      [Outputs.Checks]: '[]',
      [Outputs.IamDocuments]: '',
    });
  });
});

describe('formatting and progress', () => {
  test.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [12_345, '12.3 s'],
    [245_000, '4 min 5 s'],
    [120_000, '2 min'],
    [7_380_000, '2 h 3 min'],
    [-1, '—'],
  ])('formatDuration(%p) = %p', (ms, text) => expect(formatDuration(ms)).toBe(text));

  test.each([
    [512, '512 B'],
    [1536, '1.5 KiB'],
    [45 * 1024 ** 2, '45 MiB'],
    [1.2 * 1024 ** 3, '1.2 GiB'],
  ])('formatBytes(%p) = %p', (n, text) => expect(formatBytes(n)).toBe(text));

  test('formatCount groups thousands', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(null)).toBe('—');
  });

  test('progress lines give shards, bytes, rate, elapsed and time left', () => {
    expect(
      snapshotProgressLine({
        shardsDone: 12,
        shardsTotal: 40,
        bytesDone: 1.2 * 1024 ** 3,
        bytesTotal: 4 * 1024 ** 3,
        elapsedMs: 27_000,
      }),
    ).toBe('snapshot: 30%, 12/40 shards, 1.2 GiB of 4.0 GiB, 46 MiB/s, 27.0 s elapsed, ~1 min 3 s left');
    expect(
      recoveryProgressLine({
        shardsDone: 0,
        shardsTotal: 8,
        bytesDone: 0,
        bytesTotal: 0,
        elapsedMs: 500,
        indicesDone: 0,
        indicesTotal: 2,
      }),
    ).toBe('restore: 0%, 0/8 shards, 0/2 indices, 500 ms elapsed');
  });
});

describe('verification beyond counts, and a cancelled run', () => {
  const checks = {
    definitions: [
      { kind: 'alias' as const, name: 'open', expected: '{"filter":{"term":{"s":"open"}}}', found: 'absent' },
    ],
    content: {
      sample: 100 as const,
      compared: 60,
      mismatchCount: 1,
      mismatches: [{ id: 'doc-<7>', problem: 'content differs' as const }],
    },
    history: { compared: true as const, differs: 'max_seq_no differs on shard 0 (source 9, target 5)' },
  };
  const v = verification([
    index('orders', 'mismatch', 60, 60, { checks, note: 'aliases differ; 1 document differs' }),
    index('fine', 'match', 5, 5, {
      checks: {
        definitions: [],
        content: { sample: 100, compared: 5, mismatchCount: 0, mismatches: [] },
        history: { compared: false, why: 'the source takes writes' },
      },
    }),
    index('daily-2', 'appeared', 3, null, { note: 'appeared on the source during the run' }),
  ]);

  test('the checks table and the differences name the alias, the document id and the shard, escaped', () => {
    const html = renderSummary(record(v));
    expect(html).toContain('<h3>Definitions, documents and history</h3>');
    expect(html).toContain('<td>❌ 1 alias differs</td><td>❌ 1 of 60 documents differ</td>');
    expect(html).toContain('<td>✅ aliases, mappings, settings</td><td>✅ 5 documents equal</td>');
    expect(html).toContain('document <code>doc-&lt;7&gt;</code>: content differs');
    expect(html).toContain('history: max_seq_no differs on shard 0');
    expect(html).toContain('❌ appeared during the run (appeared on the source during the run)');
    expect(buildOutputs(record(v))[Outputs.MismatchedIndices]).toBe('["orders","daily-2"]');
  });

  test('a run cancelled after a passing verification is reported cancelled, and verified is false', () => {
    const passed = verification([index('fine', 'match', 5, 5)]);
    const r = record(passed, { cancelled: true, error: 'the run was cancelled (SIGTERM) during the verify phase' });
    expect(buildOutputs(r)[Outputs.Verified]).toBe('false');
    expect(summaryLine(r)).toMatch(/^cancelled after verification: /);
    const html = renderSummary(r);
    expect(html).toContain('<h2>🛑 Migration cancelled</h2>');
    expect(html).not.toContain('Migration verified');
  });

  test('clean-up steps are listed, each with its result', () => {
    const r = record(verification([index('fine', 'match', 5, 5)]), {
      cleanup: [
        { step: 'deregister repository r on the target', result: 'done', detail: 'deregistered' },
        { step: 'delete the copy in s3://b/p', result: 'failed', detail: 'AccessDenied' },
        { step: 'deregister repository r on the source', result: 'skipped', detail: 'an earlier clean-up step failed' },
      ],
    });
    expect(renderSummary(r)).toContain(
      '<b>Clean-up</b> ✅ deregister repository r on the target: deregistered; ❌ delete the copy in s3://b/p: AccessDenied; ⏭️',
    );
  });
});

describe('where the time went', () => {
  const withData = (extra: Partial<RunRecord>) =>
    record(verification([index('logs', 'match', 10, 10)]), {
      snapshot: {
        repository: 'r',
        snapshot: 's',
        state: 'SUCCESS',
        indices: ['logs'],
        shardsTotal: 1,
        shardsFailed: 0,
        reused: false,
        bytes: 600 * 2 ** 20,
      },
      copy: {
        skipped: false,
        listed: 10,
        copied: 10,
        reusedObjects: 0,
        bytesCopied: 600 * 2 ** 20,
        bytesTotal: 600 * 2 ** 20,
        multipart: 0,
        retries: 0,
        manifestOk: true,
        headStart: { passes: 3, objects: 8, bytes: 590 * 2 ** 20, bytesAtSnapshotEnd: 590 * 2 ** 20 },
        tailMs: 2_000,
        tailBytes: 10 * 2 ** 20,
      },
      restore: {
        repository: 'r',
        restored: [{ source: 'logs', target: 'logs' }],
        deletedBeforeRestore: [],
        bytes: 600 * 2 ** 20,
      },
      ...extra,
    });

  test('each data phase has its bytes, rate and the limit that bound it', () => {
    // The rate as a domain reports it (GET _cluster/settings?include_defaults), written for people.
    const out = renderSummary(
      withData({ restoreThrottles: { state: 'refused', previous: {}, recoveryRate: '41943040b' } }),
    );
    expect(out).toContain('<h3>Where the time went</h3>');
    // Phases last a minute each in the fixture: 600 MiB a minute is 10 MiB/s.
    expect(out).toMatch(
      /<tr><td>Snapshot<\/td><td>600 MiB<\/td><td>[^<]+<\/td><td>10 MiB\/s<\/td><td>source snapshot rate: max_snapshot_bytes_per_sec 40 MiB\/s \(the engine&#39;s default/,
    );
    // The copy phase is the tail: its bytes are what was left when the snapshot ended.
    expect(out).toMatch(
      /<tr><td>Copy<\/td><td>10 MiB<\/td>[^\n]*overlapped with the snapshot \(590 MiB copied while it ran\)/,
    );
    expect(out).toMatch(
      /<tr><td>Restore<\/td><td>600 MiB<\/td>[^\n]*indices\.recovery\.max_bytes_per_sec 40 MiB\/s per node, the domain/,
    );
  });

  test('a raised restore throttle is named as raised', () => {
    const out = renderSummary(
      withData({ restoreThrottles: { state: 'restored', previous: {}, recoveryRate: '2000mb' } }),
    );
    expect(out).toMatch(/<tr><td>Restore<\/td>[^\n]*raised to 2\.0 GiB\/s per node for the restore, then put back/);
  });
});
