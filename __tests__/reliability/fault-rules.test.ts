// The fault proxy's rules without a network (also under `npm run test:unit`): which requests a plan picks,
// what each request is called, and how the summary words the retries a run needed.
import { classify } from '../../stack/faults/operations.js';
import { FaultPlan } from '../../stack/faults/plan.js';
import { Sampler } from '../../stack/faults/sampling.js';
import { retriesLine } from '../../src/report/summary.js';
import type { RunRecord } from '../../src/record.js';

const picks = (s: Sampler, n: number) => Array.from({ length: n }, () => s.next()).filter(Boolean).length;

describe('sampling', () => {
  test.each([0.05, 0.1, 0.25, 0.5])('block sampling at %p faults exactly that share, whatever the seed', (rate) => {
    for (const seed of [1, 2, 99]) expect(picks(new Sampler(rate, seed), Math.round(100 / rate))).toBe(100);
  });

  test('the same seed picks the same requests; another seed picks others', () => {
    const pattern = (seed: number) => {
      const sampler = new Sampler(0.1, seed);
      return Array.from({ length: 200 }, () => sampler.next()).join();
    };
    expect(pattern(7)).toBe(pattern(7));
    expect(pattern(7)).not.toBe(pattern(8));
  });

  test('independent draws come near the rate over many requests', () => {
    const n = picks(new Sampler(0.1, 3, 'independent'), 20_000);
    expect(n).toBeGreaterThan(1800);
    expect(n).toBeLessThan(2200);
  });

  test('rate 0 never, rate 1 always', () => {
    expect(picks(new Sampler(0, 1), 100)).toBe(0);
    expect(picks(new Sampler(1, 1), 100)).toBe(100);
  });
});

describe('what a request is', () => {
  const s3 = (method: string, url: string, headers: Record<string, string> = {}) =>
    classify('s3', method, url, headers, Buffer.alloc(0)).op;
  test.each([
    ['PUT', '/dst/repo/index-3', { 'x-amz-copy-source': 'src/repo/index-3' }, 'CopyObject'],
    ['PUT', '/dst/repo/__blob?partNumber=2&uploadId=u1', { 'x-amz-copy-source': 'src/repo/__blob' }, 'UploadPartCopy'],
    ['POST', '/dst/repo/__blob?uploads', {}, 'CreateMultipartUpload'],
    ['POST', '/dst/repo/__blob?uploadId=u1', {}, 'CompleteMultipartUpload'],
    ['DELETE', '/dst/repo/__blob?uploadId=u1', {}, 'AbortMultipartUpload'],
    ['GET', '/src?list-type=2&prefix=repo%2F', {}, 'ListObjectsV2'],
    ['HEAD', '/src', {}, 'HeadBucket'],
    ['HEAD', '/dst/repo/meta-1.dat', {}, 'HeadObject'],
  ])('S3 %s %s is %s', (method, url, headers, op) =>
    expect(s3(method, url, headers as Record<string, string>)).toBe(op),
  );

  test('a copy is mutating and names its destination key; a listing is not', () => {
    const copy = classify('s3', 'PUT', '/dst/repo/a%20b', { 'x-amz-copy-source': 'src/repo/a%20b' }, Buffer.alloc(0));
    expect(copy).toMatchObject({ op: 'CopyObject', bucket: 'dst', key: 'repo/a b', mutating: true });
    expect(classify('s3', 'GET', '/dst?list-type=2', {}, Buffer.alloc(0)).mutating).toBe(false);
  });

  test('STS actions come from the form body', () => {
    expect(
      classify('sts', 'POST', '/', {}, Buffer.from('Action=AssumeRoleWithWebIdentity&Version=2011-06-15')).op,
    ).toBe('AssumeRoleWithWebIdentity');
  });

  test.each([
    ['PUT', '/_snapshot/repo', 'repository-register'],
    ['POST', '/_snapshot/repo/_verify', 'repository-verify'],
    ['PUT', '/_snapshot/repo/snap', 'snapshot-create'],
    ['GET', '/_snapshot/repo/snap', 'snapshot-get'],
    ['GET', '/_snapshot/repo/snap/_status', 'snapshot-status'],
    ['GET', '/_snapshot/_status', 'snapshot-status'],
    ['POST', '/_snapshot/repo/snap/_restore', 'restore'],
    ['GET', '/_cat/indices', 'GET _cat'],
  ])('domain %s %s is %s', (method, path, op) =>
    expect(classify('domain', method, path, {}, Buffer.alloc(0)).op).toBe(op),
  );
});

describe('fault plans', () => {
  const op = (o: string) => ({ service: 'domain' as const, op: o, mutating: true });

  test('the domain faults aim at the snapshot API by default, and `times` caps them', () => {
    const plan = new FaultPlan({ seed: 1, rules: [{ kind: 'os-504', rate: 1, times: 2 }] }, 'domain');
    expect(plan.decide('GET', '/_cat/indices', op('GET _cat'))).toBeUndefined();
    expect(plan.decide('POST', '/_snapshot/r/s/_restore', op('restore'))?.kind).toBe('os-504');
    expect(plan.decide('PUT', '/_snapshot/r/s', op('snapshot-create'))?.kind).toBe('os-504');
    expect(plan.decide('PUT', '/_snapshot/r/s', op('snapshot-create'))).toBeUndefined();
  });

  test('a fault for another service is refused', () => {
    expect(() => new FaultPlan({ rules: [{ kind: 's3-slowdown', rate: 0.1 }] }, 'domain')).toThrow(
      /does not apply to domain/,
    );
    expect(() => new FaultPlan({ rules: [{ kind: 'nonsense' as never, rate: 0.1 }] }, 's3')).toThrow(
      /unknown fault kind/,
    );
  });
});

describe('the summary line', () => {
  const record = (over: Partial<RunRecord>): RunRecord => ({
    startedAt: 0,
    mode: 'migrate',
    source: { endpoint: 'a', region: 'r' },
    target: { endpoint: 'b', region: 'r' },
    phases: [],
    ...over,
  });

  test('counts every service', () => {
    expect(retriesLine(record({ retries: { S3: 12, 'source domain': 3, STS: 2, 'target domain': 0 } }))).toBe(
      '17 retries (S3 12, source domain 3, STS 2)',
    );
  });

  test('says none when nothing was retried, and nothing before a run has counted', () => {
    expect(retriesLine(record({ retries: {} }))).toMatch(/^none/);
    expect(retriesLine(record({}))).toBeUndefined();
  });
});
