// The copy engine's pure parts: order, key comparison, part sizes, encoding, progress, budget.
import { ConcurrencyBudget } from '../../src/aws/copy/budget.js';
import { encodeCopySource } from '../../src/aws/copy/context.js';
import { MAX_PARTS, partSizeFor, planParts } from '../../src/aws/copy/multipart.js';
import { compareKeys, normalizePrefix, placeKey } from '../../src/aws/copy/copy-order.js';
import { estimateRemainingMs, formatProgressLine, type CopyProgress } from '../../src/aws/copy/progress.js';
import { isPushback, Requester } from '../../src/aws/copy/requests.js';
import { reset, withsleep } from '../../src/util/sleep.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('repository order', () => {
  test.each([
    ['indices/abc/0/__seg', { stage: 'blobs' }],
    ['indices/abc/meta-x.dat', { stage: 'blobs' }],
    ['indices/abc/0/index-7', { stage: 'blobs' }],
    ['incompatible-snapshots', { stage: 'blobs' }],
    ['meta-Ab3.dat', { stage: 'snapshot-metadata' }],
    ['snap-Ab3.dat', { stage: 'snapshot-metadata' }],
    ['index-0', { stage: 'generations', generation: 0 }],
    ['index-12', { stage: 'generations', generation: 12 }],
    ['index.latest', { stage: 'latest' }],
    ['tests-Jk2a/master.dat', { excluded: 'verification-leftover' }],
    ['tests-Jk2a/data-abc.dat', { excluded: 'verification-leftover' }],
  ])('%s → %j', (key, placement) => {
    expect(placeKey(key)).toEqual(placement);
  });

  test('base paths become listing prefixes', () => {
    expect(normalizePrefix('')).toBe('');
    expect(normalizePrefix('/')).toBe('');
    expect(normalizePrefix('snapshots/repo')).toBe('snapshots/repo/');
    expect(normalizePrefix('/snapshots/repo/')).toBe('snapshots/repo/');
  });
});

describe('key order is S3 order (UTF-8 bytes)', () => {
  const utf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  test('agrees with a byte comparison where UTF-16 would not', () => {
    const keys = [
      'a',
      'a/b',
      'a b',
      'ab',
      'é',
      '\uffff',
      '😀',
      '\ue000',
      'z',
      '',
      'A',
      '~',
      'index-10',
      'index-9',
      'index.latest',
      'indices/',
    ];
    const sorted = [...keys].sort(compareKeys);
    expect(sorted).toEqual([...keys].sort(utf8));
    expect(compareKeys('😀', '\uffff')).toBeGreaterThan(0); // '😀' < '\uffff' in UTF-16 code units
  });
  test('random strings', () => {
    const alphabet = ['a', 'Z', '/', ' ', '+', '%', 'é', '日', '\ue000', '\uffff', '😀', '𝄞'];
    for (let i = 0; i < 2000; i++) {
      const gen = () =>
        Array.from(
          { length: Math.floor(Math.random() * 5) },
          () => alphabet[Math.floor(Math.random() * alphabet.length)],
        ).join('');
      const a = gen();
      const b = gen();
      expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(utf8(a, b)));
    }
  });
});

describe('parts', () => {
  test('the configured size while it fits in 10,000 parts', () => {
    expect(partSizeFor(100 * MiB, 32 * MiB)).toBe(32 * MiB);
    expect(partSizeFor(100 * MiB, 1 * MiB)).toBe(5 * MiB); // S3's minimum
  });
  test('grows for the largest objects so no object needs more than 10,000 parts', () => {
    const fiveTiB = 5 * 1024 * GiB;
    const size = partSizeFor(fiveTiB, 32 * MiB);
    expect(size).toBeGreaterThan(32 * MiB);
    expect(size % MiB).toBe(0);
    expect(Math.ceil(fiveTiB / size)).toBeLessThanOrEqual(MAX_PARTS);
    expect(planParts(fiveTiB, 32 * MiB).length).toBeLessThanOrEqual(MAX_PARTS);
  });
  test('ranges are contiguous, inclusive, and cover the object', () => {
    const parts = planParts(12 * MiB + 5, 5 * MiB);
    expect(parts).toEqual([
      { partNumber: 1, first: 0, last: 5 * MiB - 1 },
      { partNumber: 2, first: 5 * MiB, last: 10 * MiB - 1 },
      { partNumber: 3, first: 10 * MiB, last: 12 * MiB + 4 },
    ]);
  });
});

describe('CopySource', () => {
  test.each([
    ['plain/key', 'bucket/plain/key'],
    ['a b/c+d', 'bucket/a%20b/c%2Bd'],
    ['100%/x', 'bucket/100%25/x'],
    ['é/日本', 'bucket/%C3%A9/%E6%97%A5%E6%9C%AC'],
    ['q?x=1&y#z', 'bucket/q%3Fx%3D1%26y%23z'],
  ])('%s', (key, expected) => {
    expect(encodeCopySource('bucket', key)).toBe(expected);
  });
});

describe('progress line', () => {
  const base: CopyProgress = {
    stage: 'copying',
    objectsDone: 1234,
    objectsTotal: 5678,
    listingComplete: true,
    bytesDone: 1.2 * GiB,
    bytesTotal: 3.4 * GiB,
    bytesCopied: 1.2 * GiB,
    copied: 1234,
    skipped: 0,
    elapsedMs: 30_000,
  };
  test('objects, bytes, rate and ETA', () => {
    expect(formatProgressLine(base)).toBe('copy: 1,234/5,678 objects, 1.2 GiB/3.4 GiB (35%), 41 MiB/s, ETA 1 min 48 s');
  });
  test('while still listing the totals are lower bounds and the ETA unknown', () => {
    expect(formatProgressLine({ ...base, listingComplete: false })).toBe(
      'copy: 1,234/5,678+ objects, 1.2 GiB/3.4 GiB+, 41 MiB/s, ETA ?',
    );
  });
  test('the end', () => {
    expect(formatProgressLine({ ...base, stage: 'done', objectsDone: 5678, bytesDone: 3.4 * GiB, skipped: 10 })).toBe(
      'copy: 5,678/5,678 objects, 3.4 GiB/3.4 GiB (100%), 41 MiB/s, 10 already there, done in 30.0 s',
    );
  });
  test('the ETA takes the slower of the object and byte estimates', () => {
    // Half the objects but a tenth of the bytes: bytes say 9× the elapsed time is left.
    const p = {
      ...base,
      objectsDone: 50,
      objectsTotal: 100,
      bytesDone: 100,
      bytesCopied: 100,
      bytesTotal: 1000,
      elapsedMs: 1000,
    };
    expect(estimateRemainingMs(p)).toBe(9000);
  });
});

describe('concurrency budget', () => {
  test('halves on pushback once per burst, wins slots back one per window of successes', () => {
    let now = 0;
    const budget = new ConcurrencyBudget(16, () => now);
    expect(budget.onPushback()).toBe(true);
    expect(budget.onPushback()).toBe(false); // same burst
    expect(budget.limit).toBe(8);
    now += 1500;
    budget.onPushback();
    expect(budget.limit).toBe(4);
    expect(budget.lowest).toBe(4);
    for (let i = 0; i < 4; i++) budget.onSuccess();
    expect(budget.limit).toBe(4); // 4 + 1/4 + 1/4.25 + ... : about one slot per `limit` successes
    budget.onSuccess();
    expect(budget.limit).toBe(5);
    for (let i = 0; i < 200; i++) budget.onSuccess();
    expect(budget.limit).toBe(16);
  });
  test('never grants more slots than the limit, in arrival order', async () => {
    const budget = new ConcurrencyBudget(2);
    const order: number[] = [];
    await budget.acquire();
    await budget.acquire();
    const waiting = [3, 4, 5].map((n) => budget.acquire().then(() => order.push(n)));
    await Promise.resolve();
    expect(order).toEqual([]);
    budget.release();
    budget.release();
    await Promise.all(waiting.slice(0, 2));
    expect(order).toEqual([3, 4]);
    expect(budget.active).toBe(2);
    budget.release();
    await waiting[2];
    expect(order).toEqual([3, 4, 5]);
  });
});

describe('requests', () => {
  afterEach(() => reset());
  const slowDown = Object.assign(new Error('Please reduce your request rate.'), {
    name: 'SlowDown',
    $metadata: { httpStatusCode: 503, attempts: 3 },
  });
  test('pushback is SlowDown, throttling, 503 and 429; not 403 or 412', () => {
    expect(isPushback(slowDown)).toBe(true);
    expect(isPushback({ name: 'InternalError', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isPushback({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isPushback({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })).toBe(false);
    expect(isPushback({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } })).toBe(false);
  });
  test('counts attempts, backs off after pushback, and gives up after its own attempts', async () => {
    const sleeps: number[] = [];
    const budget = new ConcurrencyBudget(8);
    withsleep(async (ms) => void sleeps.push(ms));
    const requester = new Requester(budget, { attempts: 2, baseMs: 100, maxMs: 1000 });
    let calls = 0;
    const ok = await requester.send('CopyObject', async () => {
      if (calls++ === 0) throw slowDown;
      return { $metadata: { attempts: 2 } };
    });
    expect(ok.$metadata.attempts).toBe(2);
    expect(requester.requests.CopyObject).toBe(5); // 3 attempts refused, then 2
    expect(requester.retries).toBe(2 + 1 + 1); // SDK's 2 + 1, and one of ours
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(budget.lowest).toBe(4);
    await expect(requester.send('CopyObject', async () => Promise.reject(slowDown))).rejects.toBe(slowDown);
    expect(sleeps).toHaveLength(3);
    const denied = Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    await expect(requester.send('HeadObject', async () => Promise.reject(denied))).rejects.toBe(denied);
    expect(sleeps).toHaveLength(3);
    expect(budget.active).toBe(0);
  });
});
