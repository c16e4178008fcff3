// URL lists of index names stay under the node's 4 KB request-line limit whatever the index count.
import {
  MAX_LIST_BYTES,
  MAX_REQUEST_LINE_BYTES,
  commaLists,
  encodeName,
  nameLists,
  patternLists,
} from '../../src/search/index-lists.js';

const daily = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `applog-${new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10).replace(/-/g, '.')}-${String(i).padStart(3, '0')}`,
  );

describe('nameLists', () => {
  test('one list while the names fit', () => {
    expect(nameLists(['a', 'b', 'c'])).toEqual(['a,b,c']);
  });

  test('a thousand daily indices become lists that each keep the request line under 4 KB, in order, none lost', () => {
    const names = daily(1000);
    const lists = nameLists(names);
    expect(lists.length).toBeGreaterThan(1);
    for (const list of lists) {
      expect(list.length).toBeLessThanOrEqual(MAX_LIST_BYTES);
      // The longest line this client builds around a list.
      const line = `GET /${list}/_settings/index.blocks.write?ignore_unavailable=true&expand_wildcards=all HTTP/1.1`;
      expect(line.length).toBeLessThan(MAX_REQUEST_LINE_BYTES);
    }
    expect(lists.flatMap((l) => l.split(',')).map(decodeURIComponent)).toEqual(names);
  });

  test('encodes the characters index names may hold and URLs reserve', () => {
    expect(nameLists(['web+mobile-2025', 'r&d-notes', 'growth%-metrics'])).toEqual([
      'web%2Bmobile-2025,r%26d-notes,growth%25-metrics',
    ]);
    // The encoded length is what counts: a list of names full of % is cut by its encoded size.
    const percent = Array.from({ length: 400 }, (_, i) => `%%%-${i}`);
    for (const list of nameLists(percent)) expect(list.length).toBeLessThanOrEqual(MAX_LIST_BYTES);
    expect(encodeName('%%%-1')).toBe('%25%25%25-1');
  });

  test('no names, no lists (callers send no request)', () => {
    expect(nameLists([])).toEqual([]);
  });

  test('never splits a name', () => {
    expect(commaLists(['aaaa', 'bbbb', 'cccc'], 9)).toEqual(['aaaa,bbbb', 'cccc']);
    expect(() => commaLists(['x'.repeat(10)], 9)).toThrow(/longer than 9 bytes/);
  });
});

describe('patternLists', () => {
  test('one list, wildcards kept, whenever it fits: the engine reads it exactly', () => {
    expect(patternLists(['applog-*', '-applog-2025.01.01-000', 'r&d*'])).toEqual([
      'applog-*,-applog-2025.01.01-000,r%26d*',
    ]);
  });

  test('past 3 KB every list carries all the exclusions, so each still removes what it removed', () => {
    const patterns = [...daily(400), '-applog-2025.01.05-004', '-applog-2025.02.01-031'];
    const lists = patternLists(patterns);
    expect(lists.length).toBeGreaterThan(1);
    for (const list of lists) {
      expect(list.length).toBeLessThanOrEqual(MAX_LIST_BYTES);
      expect(list.endsWith(',-applog-2025.01.05-004,-applog-2025.02.01-031')).toBe(true);
    }
    const included = lists.flatMap((l) => l.split(',')).filter((p) => !p.startsWith('-'));
    expect(included).toEqual(daily(400));
  });
});
