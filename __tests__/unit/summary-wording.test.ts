// The phase table's detail lines read as English with counts people can read (issue 15 §3): no
// "1 system indices", no "data node(s)", no 100000 without separators.
import { copyDetails, cutoverDetails, preflightDetails } from '../../src/report/details.js';
import type { CopyFacts, CutoverFacts, PreflightFindings } from '../../src/record.js';

const check = (result: 'pass' | 'warn') => ({ id: result, check: result, result, found: '' });

test('preflight: one index, one system index, thousands separated', () => {
  const found = {
    engines: { source: { engine: 'OpenSearch', version: '3.8.0' }, target: { engine: 'OpenSearch', version: '3.8.0' } },
    checks: [check('pass'), check('warn')],
    forecast: {
      snapshot: { documents: 100000, primaryBytes: 4_400_000 },
      copy: { skipped: true, objectsEstimate: 0, bytesEstimate: 0, estimatedMs: 0 },
    },
  } as unknown as PreflightFindings;
  const details = preflightDetails(found, {
    migrate: [{ source: 'logs', target: 'logs' }],
    excluded: ['.kibana_1'],
    streams: [],
  });
  expect(details).toEqual([
    'source OpenSearch 3.8.0, target OpenSearch 3.8.0',
    '2 checks: 1 passed, 1 warned',
    '1 index to migrate, 1 system index excluded (100,000 documents, 4.2 MiB)',
  ]);
  expect(preflightDetails(found, { migrate: [], excluded: ['.a', '.b'], streams: [] })[2]).toMatch(
    /^0 indices to migrate, 2 system indices excluded/,
  );
});

test('copy: counts with separators, one retry is a retry', () => {
  const facts = {
    skipped: false,
    copied: 12345,
    listed: 100000,
    bytesCopied: 1024,
    bytesTotal: 2048,
    reusedObjects: 87655,
    multipart: 1,
    retries: 1,
  } as unknown as CopyFacts;
  expect(copyDetails(facts)).toEqual([
    '12,345 of 100,000 objects copied (1.0 KiB of 2.0 KiB), 87,655 already there, 1 multipart',
    'manifest: every key and size matches; 1 retry',
  ]);
});

test('cut-over: one pass, one index, replayed documents with separators', () => {
  const facts = {
    catchUp: [{ changed: ['a'], ms: 2100 }],
    changed: ['a'],
    unchanged: [],
    replayed: [{ source: 'a', target: 'a', documents: 12000 }],
    restoredInWindow: [],
    copy: { skipped: false, copied: 1, reusedObjects: 1500 },
    steps: [],
  } as unknown as CutoverFacts;
  const details = cutoverDetails(facts, 'migrate-1-final');
  expect(details.slice(0, 3)).toEqual([
    '1 catch-up pass before the write block: 1 index in 2.1 s',
    '1 of 1 index changed since phase 1: 1 replayed (12,000 documents), 0 restored from migrate-1-final',
    '1 new object copied, 1,500 already there',
  ]);
});
