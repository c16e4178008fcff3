// A logging domain names hundreds of daily indices in one run. Every request that lists them must fit the
// node's request line (`http.max_initial_line_length`, 4 KB, which a managed domain does not let customers
// raise), or the node refuses it before it reads the request. These run the action's own readers against
// the real source node with 400 names of ~25 characters: 10 KB as one comma list.
import { sourceFingerprint } from '../../src/resume/snapshot-reuse.js';
import { readHistory } from '../../src/verify/history.js';
import { perIndex, type CallOptions, type Method, type Transport } from '../../src/verify/transport.js';
import { nodeClient, stackEnv, unique } from '../support/stack.js';

const REQUEST_LINE_LIMIT = 4096;

/** Straight to the node (no gateway in between), keeping each request line as it went out. */
function recordingTransport(node: string): Transport & { lines: string[] } {
  const lines: string[] = [];
  return {
    label: 'source',
    lines,
    async call<T = any>(method: Method, path: string, opts: CallOptions = {}): Promise<T> {
      const query = new URLSearchParams(
        Object.entries(opts.query ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
      ).toString();
      const target = query ? `${path}?${query}` : path;
      lines.push(`${method} ${target} HTTP/1.1`);
      const res = await fetch(new URL(target, node), {
        method,
        ...(opts.body !== undefined
          ? { body: JSON.stringify(opts.body), headers: { 'content-type': 'application/json' } }
          : {}),
      });
      const text = await res.text();
      if (!res.ok && !(opts.ignore ?? []).includes(res.status))
        throw new Error(`${method} ${path.slice(0, 80)}…: ${res.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : {}) as T;
    },
  };
}

describe('four hundred daily indices in the requests that list them', () => {
  const env = stackEnv();
  const source = nodeClient('source');
  const real = unique('t-daily-real');
  // Names of daily indices that do not exist: every reader asks with ignore_unavailable.
  const daily = Array.from({ length: 400 }, (_, i) => `applog-2025.${String((i % 12) + 1).padStart(2, '0')}.${i}-xyz`);
  const names = [real, ...daily];

  beforeAll(async () => {
    await source.indices.create({ index: real, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
    await source.index({ index: real, id: '1', body: { n: 1 }, refresh: true });
  });
  afterAll(() => source.indices.delete({ index: real, ignore_unavailable: true } as any));

  const longest = (t: { lines: string[] }) => Math.max(...t.lines.map((l) => Buffer.byteLength(l)));

  test('the snapshot fingerprint (refresh, then shard history) is read in requests under 4 KB', async () => {
    const t = recordingTransport(env.STACK_SOURCE_NODE!);
    const print = await sourceFingerprint(t, names);
    expect(typeof print).toBe('string');
    expect({ requests: t.lines.length > 2, longest: longest(t) < REQUEST_LINE_LIMIT }).toEqual({
      requests: true,
      longest: true,
    });
  });

  test('history and per-index definitions are read in requests under 4 KB, the real index among them', async () => {
    const t = recordingTransport(env.STACK_SOURCE_NODE!);
    const history = await readHistory(t, names);
    const aliases = await perIndex(t, names, '_alias', { ignore_unavailable: true });
    expect(history.get(real)?.docs).toBe(1);
    expect(Object.keys(aliases)).toEqual([real]);
    expect(longest(t)).toBeLessThan(REQUEST_LINE_LIMIT);
  });
});
