// The copy engine against a real moto_server: what lands at the destination, in which order, with
// which requests. Where moto cannot play S3's part (it ignores x-amz-copy-source-if-match, never
// throttles, never answers 200 with an error body), the bench's latency proxy stands in front of
// it and gives that one answer, so the real SDK still meets it over HTTP.
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { s3Client } from '../../src/aws/clients.js';
import { copyRepository, SOURCE_ETAG_METADATA, type CopyRepositoryOptions } from '../../src/aws/copy/index.js';
import { checkManifest } from '../../src/aws/copy/manifest.js';
import { listRepository } from '../../src/aws/copy/listing.js';
import { ConcurrencyBudget } from '../../src/aws/copy/budget.js';
import { Requester } from '../../src/aws/copy/requests.js';
import { startLatencyProxy, type Fault, type LatencyProxy, type RequestInfo } from '../../bench/copy/latency-proxy.js';

const endpoint = process.env.AWS_ENDPOINT_URL ?? '';
const credentials = {
  accessKeyId: process.env.STACK_ADMIN_ACCESS_KEY_ID ?? process.env.AWS_ACCESS_KEY_ID ?? 'test',
  secretAccessKey: process.env.STACK_ADMIN_SECRET_ACCESS_KEY ?? process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
};
const PROXY_PORT = 19641;
const MiB = 1024 * 1024;
const SOURCE_REGION = 'us-east-1';
const DESTINATION_REGION = 'eu-west-1';

function client(region: string, url = endpoint, maxAttempts = 3): S3Client {
  return s3Client({ region, endpoint: url, forcePathStyle: true, credentials, maxAttempts, concurrency: 16 });
}

const admin = { source: client(SOURCE_REGION), destination: client(DESTINATION_REGION) };

function uniqueBucket(name: string): string {
  return `copy-${name}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`.slice(0, 63);
}

async function createBucket(s3: S3Client, bucket: string, region: string): Promise<void> {
  const CreateBucketConfiguration =
    region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint };
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration }));
}

/** Deterministic bytes for a key, so the destination can be checked byte for byte. */
function contentFor(key: string, size: number): Buffer {
  const seed = createHash('sha256').update(key).digest();
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += seed.length) seed.copy(out, i);
  return out;
}

async function putObjects(bucket: string, objects: Record<string, number>): Promise<void> {
  const entries = Object.entries(objects);
  for (let i = 0; i < entries.length; i += 16) {
    await Promise.all(
      entries
        .slice(i, i + 16)
        .map(([key, size]) =>
          admin.source.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: contentFor(key, size) })),
        ),
    );
  }
}

async function listKeys(s3: S3Client, bucket: string, prefix = ''): Promise<Map<string, number>> {
  const keys = new Map<string, number>();
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken }),
    );
    for (const o of page.Contents ?? []) keys.set(o.Key!, o.Size!);
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return keys;
}

async function bodyOf(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

interface Logged {
  operation: string;
  key: string;
  started: number;
  ended: number;
  headers: Record<string, string>;
}

/** A destination client that records every request it sends, in the order sent, with its HTTP headers. */
function recordingClient(url = endpoint, maxAttempts = 3): { s3: S3Client; log: Logged[] } {
  const s3 = client(DESTINATION_REGION, url, maxAttempts);
  const log: Logged[] = [];
  const entries = new WeakMap<object, Logged>();
  let seq = 0;
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const entry: Logged = {
        operation: String(context.commandName).replace(/Command$/, ''),
        key: String((args.input as { Key?: string }).Key ?? ''),
        started: seq++,
        ended: -1,
        headers: {},
      };
      log.push(entry);
      entries.set(context, entry);
      try {
        return await next(args);
      } finally {
        entry.ended = seq++;
      }
    },
    { step: 'initialize', name: 'recordOrder' },
  );
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const entry = entries.get(context);
      const request = args.request as { headers?: Record<string, string> };
      if (entry && request.headers) entry.headers = { ...request.headers };
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordHeaders' },
  );
  return { s3, log };
}

/** A small repository in the shape OpenSearch writes, under a base path. */
function repositoryLayout(base: string): Record<string, number> {
  const p = base ? `${base}/` : '';
  const layout: Record<string, number> = {
    [`${p}index-3`]: 700,
    [`${p}index-4`]: 900,
    [`${p}index.latest`]: 8,
    [`${p}snap-Ab3kQ.dat`]: 300,
    [`${p}snap-Zz9.dat`]: 310,
    [`${p}meta-Ab3kQ.dat`]: 250,
    [`${p}indices/Xy1/meta-Ab3kQ.dat`]: 400,
    [`${p}indices/Xy1/0/index-zQ1`]: 500,
    [`${p}indices/Xy1/0/__a1`]: 12 * MiB + 123,
    [`${p}indices/Xy1/0/__b2`]: 40_000,
    [`${p}indices/Xy1/0/snap-Ab3kQ.dat`]: 200,
    [`${p}indices/Q9w/0/__c3`]: 1,
    [`${p}indices/Q9w/0/__d4`]: 0,
    [`${p}tests-Jk2a/master.dat`]: 20,
    [`${p}tests-Jk2a/data-node1.dat`]: 20,
  };
  for (let i = 0; i < 40; i++) layout[`${p}indices/Q9w/1/__${String(i).padStart(3, '0')}`] = 1000 + i;
  return layout;
}

async function freshPair(name: string): Promise<{ source: string; destination: string }> {
  const source = uniqueBucket(`${name}-src`);
  const destination = uniqueBucket(`${name}-dst`);
  await createBucket(admin.source, source, SOURCE_REGION);
  await createBucket(admin.destination, destination, DESTINATION_REGION);
  return { source, destination };
}

function options(
  source: string,
  destination: string,
  dst: S3Client,
  extra: Partial<CopyRepositoryOptions> = {},
): CopyRepositoryOptions {
  return {
    source: { client: admin.source, bucket: source, prefix: 'snapshots/repo' },
    destination: { client: dst, bucket: destination, prefix: 'migrated/repo' },
    concurrency: 8,
    multipartThreshold: 5 * MiB,
    partSize: 5 * MiB,
    backoff: { attempts: 6, baseMs: 20, maxMs: 200 },
    ...extra,
  };
}

let proxy: LatencyProxy | undefined;
let fault: ((r: RequestInfo) => Fault | undefined) | undefined;

async function withProxy(): Promise<string> {
  proxy ??= await startLatencyProxy({ target: endpoint, port: PROXY_PORT, fault: (r) => fault?.(r) });
  proxy.reset();
  return proxy.url;
}

beforeAll(() => {
  if (!endpoint) throw new Error('AWS_ENDPOINT_URL is not set: the global setup starts moto and exports it');
});

afterEach(() => {
  fault = undefined;
});

afterAll(async () => {
  await proxy?.close();
  admin.source.destroy();
  admin.destination.destroy();
});

describe('copyRepository on a real S3 (moto)', () => {
  test('copies every blob before any root blob, then snapshot metadata, then generations in order, index.latest last; tests-* stay behind', async () => {
    const { source, destination } = await freshPair('order');
    const layout = repositoryLayout('snapshots/repo');
    await putObjects(source, layout);
    // A sibling repository whose base path starts the same must not be swept in.
    await putObjects(source, { 'snapshots/repo-other/index-0': 10 });
    const { s3, log } = recordingClient();
    const progress: string[] = [];

    const result = await copyRepository(
      options(source, destination, s3, { onProgress: (p) => progress.push(p.stage) }),
    );

    const copied = await listKeys(admin.destination, destination);
    const expected = Object.entries(layout).filter(([k]) => !k.includes('/tests-'));
    expect([...copied.keys()].sort()).toEqual(
      expected.map(([k]) => k.replace('snapshots/repo/', 'migrated/repo/')).sort(),
    );
    for (const [key, size] of expected) expect(copied.get(key.replace('snapshots/repo/', 'migrated/repo/'))).toBe(size);
    expect(result).toMatchObject({
      listed: expected.length,
      copied: expected.length,
      skipped: 0,
      excluded: 2,
      multipart: 1,
    });
    expect(result.manifest).toMatchObject({ ok: true, checked: expected.length, missing: [], sizeMismatch: [] });
    expect(result.bytesCopied).toBe(result.bytesTotal);
    expect(progress.at(-1)).toBe('done');

    const writes = log.filter((e) =>
      ['CopyObject', 'CreateMultipartUpload', 'UploadPartCopy', 'CompleteMultipartUpload'].includes(e.operation),
    );
    const rel = (e: Logged) => e.key.replace('migrated/repo/', '');
    const root = writes.filter((e) => !rel(e).includes('/'));
    const blobs = writes.filter((e) => rel(e).includes('/'));
    const firstRootStart = Math.min(...root.map((e) => e.started));
    // Every blob's last request (a CopyObject, or a multipart's Complete) had answered before the first root blob was sent.
    expect(Math.max(...blobs.map((e) => e.ended))).toBeLessThan(firstRootStart);
    const rootOrder = root.map(rel);
    const phaseOf = (k: string) =>
      k.startsWith('meta-') || k.startsWith('snap-') ? 0 : k.startsWith('index-') ? 1 : 2;
    expect(rootOrder.map(phaseOf)).toEqual([...rootOrder.map(phaseOf)].sort());
    expect(rootOrder.filter((k) => k.startsWith('index-'))).toEqual(['index-3', 'index-4']);
    expect(rootOrder.at(-1)).toBe('index.latest');
    // Each root phase was finished before the next began.
    const byPhase = [0, 1, 2].map((ph) => root.filter((e) => phaseOf(rel(e)) === ph));
    expect(Math.max(...byPhase[0]!.map((e) => e.ended))).toBeLessThan(Math.min(...byPhase[1]!.map((e) => e.started)));
    expect(Math.max(...byPhase[1]!.map((e) => e.ended))).toBeLessThan(Math.min(...byPhase[2]!.map((e) => e.started)));

    // The copy records its source version and is byte-identical.
    const head = await admin.destination.send(
      new HeadObjectCommand({ Bucket: destination, Key: 'migrated/repo/indices/Xy1/0/__b2' }),
    );
    const sourceHead = await admin.source.send(
      new HeadObjectCommand({ Bucket: source, Key: 'snapshots/repo/indices/Xy1/0/__b2' }),
    );
    expect(head.Metadata?.[SOURCE_ETAG_METADATA]).toBe(sourceHead.ETag!.replace(/"/g, ''));
    expect(head.ContentType).toBe('application/octet-stream');
    for (const key of ['indices/Xy1/0/__a1', 'indices/Xy1/0/__b2', 'index.latest', 'indices/Q9w/0/__d4']) {
      expect(
        (await bodyOf(admin.destination, destination, `migrated/repo/${key}`)).equals(
          contentFor(`snapshots/repo/${key}`, layout[`snapshots/repo/${key}`]!),
        ),
      ).toBe(true);
    }
    s3.destroy();
  });

  test('a rerun on an unchanged repository makes no copy requests; a changed blob is copied again', async () => {
    const { source, destination } = await freshPair('rerun');
    const layout = repositoryLayout('snapshots/repo');
    await putObjects(source, layout);
    await copyRepository(options(source, destination, admin.destination));

    const { s3, log } = recordingClient();
    const rerun = await copyRepository(options(source, destination, s3));
    expect(rerun).toMatchObject({ copied: 0, skipped: rerun.listed, bytesCopied: 0, multipart: 0 });
    // Nothing written: the copy pass's own listing (every key there with its size) is the manifest.
    expect(rerun.manifest).toMatchObject({ ok: true, relisted: false, checked: rerun.listed });
    // The listing decides for single-part copies (their ETag is the source's); only the multipart
    // copy, whose ETag is its own, costs one HEAD to read the recorded source ETag.
    expect(Object.keys(rerun.requests).sort()).toEqual(['HeadObject', 'ListObjectsV2']);
    expect(rerun.requests.HeadObject).toBe(1);
    expect(log.filter((e) => e.operation !== 'ListObjectsV2' && e.operation !== 'HeadObject')).toEqual([]);

    // A rewritten blob of the same size: the ETag differs, so it is copied; so is a new generation.
    await admin.source.send(
      new PutObjectCommand({ Bucket: source, Key: 'snapshots/repo/indices/Q9w/1/__000', Body: Buffer.alloc(1000, 7) }),
    );
    await putObjects(source, { 'snapshots/repo/index-5': 950 });
    const third = await copyRepository(options(source, destination, admin.destination));
    expect(third.copied).toBe(2);
    expect(third.requests.CopyObject).toBe(2);
    expect(third.manifest).toMatchObject({ ok: true, relisted: true });
    expect(
      (await bodyOf(admin.destination, destination, 'migrated/repo/indices/Q9w/1/__000')).equals(Buffer.alloc(1000, 7)),
    ).toBe(true);
    s3.destroy();
  });

  test('an object above the threshold is copied in parts on the destination client, every part conditional on the source ETag', async () => {
    const { source, destination } = await freshPair('multipart');
    const key = 'snapshots/repo/indices/Big/0/__segment';
    const size = 12 * MiB + 5;
    await putObjects(source, { [key]: size, 'snapshots/repo/indices/Big/0/__small': 100 });
    const { s3, log } = recordingClient();
    const sourceEtag = (await admin.source.send(new HeadObjectCommand({ Bucket: source, Key: key }))).ETag!;

    const result = await copyRepository(options(source, destination, s3));

    expect(result.multipart).toBe(1);
    expect(result.requests).toMatchObject({
      CreateMultipartUpload: 1,
      UploadPartCopy: 3,
      CompleteMultipartUpload: 1,
      CopyObject: 1,
    });
    const parts = log.filter((e) => e.operation === 'UploadPartCopy');
    expect(parts.map((e) => e.headers['x-amz-copy-source-range']).sort()).toEqual([
      'bytes=0-5242879',
      'bytes=10485760-12582916',
      'bytes=5242880-10485759',
    ]);
    for (const e of parts) expect(e.headers['x-amz-copy-source-if-match']).toBe(sourceEtag);
    const small = await admin.source.send(
      new HeadObjectCommand({ Bucket: source, Key: 'snapshots/repo/indices/Big/0/__small' }),
    );
    expect(log.find((e) => e.operation === 'CopyObject')!.headers['x-amz-copy-source-if-match']).toBe(small.ETag);
    // Every write went to the destination's region.
    expect(await s3.config.region()).toBe(DESTINATION_REGION);
    expect(
      (await bodyOf(admin.destination, destination, 'migrated/repo/indices/Big/0/__segment')).equals(
        contentFor(key, size),
      ),
    ).toBe(true);
    const head = await admin.destination.send(
      new HeadObjectCommand({ Bucket: destination, Key: 'migrated/repo/indices/Big/0/__segment' }),
    );
    expect(head.Metadata?.[SOURCE_ETAG_METADATA]).toBe(sourceEtag.replace(/"/g, ''));
    expect(head.ETag).toMatch(/-3"$/);
    s3.destroy();
  });

  test('keys with spaces, +, %, unicode and URL-reserved characters arrive under the same names', async () => {
    const { source, destination } = await freshPair('keys');
    const names = [
      'a b',
      'plus+sign',
      '100%25',
      'pct%',
      'é/日本語',
      'emoji😀',
      'q?x=1&y=2',
      'hash#tag',
      "tilde~!*()'",
      'semi;colon,comma',
      'sp ace/+/%2F',
    ];
    const layout = Object.fromEntries(names.map((n, i) => [`snapshots/repo/indices/${n}/__${i}`, 100 + i]));
    layout['snapshots/repo/indices/big é+ %/__seg'] = 6 * MiB; // a multipart copy takes the encoded source too
    await putObjects(source, layout);

    const result = await copyRepository(options(source, destination, admin.destination));

    expect(result.manifest.ok).toBe(true);
    const copied = await listKeys(admin.destination, destination);
    expect([...copied.keys()].sort()).toEqual(
      Object.keys(layout)
        .map((k) => k.replace('snapshots/repo/', 'migrated/repo/'))
        .sort(),
    );
    for (const [key, size] of Object.entries(layout)) {
      const body = await bodyOf(admin.destination, destination, key.replace('snapshots/repo/', 'migrated/repo/'));
      expect(body.equals(contentFor(key, size))).toBe(true);
    }
  });

  test('a source that changed since it was listed fails its precondition (412): the multipart upload is aborted and no root blob is copied', async () => {
    const { source, destination } = await freshPair('changed');
    await putObjects(source, { ...repositoryLayout('snapshots/repo'), 'snapshots/repo/indices/Xy1/0/__a1': 16 * MiB });
    // moto 5.2 ignores x-amz-copy-source-if-match, so the proxy answers as S3 does when the source's
    // ETag no longer matches, for the second part of the multipart copy.
    fault = (r) =>
      r.operation === 'UploadPartCopy' && r.query.get('partNumber') === '2'
        ? {
            status: 412,
            body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>x-amz-copy-source-If-Match</Condition></Error>',
          }
        : undefined;
    const { s3 } = recordingClient(await withProxy());

    await expect(copyRepository(options(source, destination, s3))).rejects.toMatchObject({
      name: 'PreconditionFailed',
    });

    expect(proxy!.stats.requests.AbortMultipartUpload).toBe(1);
    const uploads = await admin.destination.send(new ListMultipartUploadsCommand({ Bucket: destination }));
    expect(uploads.Uploads ?? []).toEqual([]);
    const copied = await listKeys(admin.destination, destination);
    expect(copied.has('migrated/repo/indices/Xy1/0/__a1')).toBe(false);
    expect([...copied.keys()].filter((k) => !k.replace('migrated/repo/', '').includes('/'))).toEqual([]);
    s3.destroy();
  });

  test('a 200 whose body is an error is an error: retried, and never counted as copied', async () => {
    const { source, destination } = await freshPair('200err');
    await putObjects(source, { 'snapshots/repo/indices/A/0/__x': 1000, 'snapshots/repo/index-0': 10 });
    let refusals = 0;
    const errorBody =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>';
    fault = (r) =>
      r.operation === 'CopyObject' && r.key.endsWith('__x') && refusals++ < 2
        ? { status: 200, body: errorBody }
        : undefined;
    const { s3 } = recordingClient(await withProxy());

    const result = await copyRepository(options(source, destination, s3));
    expect(refusals).toBe(3);
    expect(result.retries).toBeGreaterThanOrEqual(2);
    expect(result.requests.CopyObject).toBe(4);
    expect(result.manifest.ok).toBe(true);

    // Refused every time: the copy fails rather than report an object it does not have.
    const { source: source2, destination: destination2 } = await freshPair('200err2');
    await putObjects(source2, { 'snapshots/repo/indices/A/0/__x': 1000 });
    fault = (r) => (r.operation === 'CopyObject' ? { status: 200, body: errorBody } : undefined);
    await expect(
      copyRepository(options(source2, destination2, s3, { backoff: { attempts: 1, baseMs: 1, maxMs: 1 } })),
    ).rejects.toMatchObject({ name: 'InternalError' });
    expect((await listKeys(admin.destination, destination2)).size).toBe(0);
    s3.destroy();
  });

  test('SlowDown after the SDK gave up lowers the concurrency and the copy still completes', async () => {
    const { source, destination } = await freshPair('slowdown');
    const layout = repositoryLayout('snapshots/repo');
    await putObjects(source, layout);
    let refusals = 0;
    fault = (r) =>
      r.operation === 'CopyObject' && refusals++ < 12
        ? {
            status: 503,
            body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
          }
        : undefined;
    // One attempt per SDK call: every SlowDown reaches the engine's own back-off.
    const { s3 } = recordingClient(await withProxy(), 1);

    const result = await copyRepository(options(source, destination, s3, { concurrency: 8 }));

    expect(result.pushbacks).toBe(12);
    expect(result.lowestConcurrency).toBeLessThan(8);
    expect(result.retries).toBeGreaterThanOrEqual(12);
    expect(result.manifest.ok).toBe(true);
    expect(result.copied).toBe(result.listed);
    s3.destroy();
  });

  test('the manifest check finds what is missing or of another size at the destination', async () => {
    const { source, destination } = await freshPair('manifest');
    const layout = repositoryLayout('snapshots/repo');
    await putObjects(source, layout);
    // A copy that S3 claimed to make but did not: the proxy answers success without copying.
    fault = (r) =>
      r.operation === 'CopyObject' && (r.key.endsWith('indices/Q9w/1/__007') || r.key.endsWith('/index-4'))
        ? {
            status: 200,
            body: '<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult><ETag>"0123456789abcdef0123456789abcdef"</ETag><LastModified>2024-01-01T00:00:00.000Z</LastModified></CopyObjectResult>',
          }
        : undefined;
    const { s3 } = recordingClient(await withProxy());
    const result = await copyRepository(options(source, destination, s3));
    // One blob (checked while the root blobs were copied) and one root blob (checked at the end).
    expect(result.manifest).toMatchObject({
      ok: false,
      missing: ['indices/Q9w/1/__007', 'index-4'],
      sizeMismatch: [],
      missingCount: 2,
      relisted: true,
    });

    // And on its own: one object gone, one rewritten shorter, since a complete copy.
    fault = undefined;
    await copyRepository(options(source, destination, admin.destination));
    await admin.destination.send(new DeleteObjectCommand({ Bucket: destination, Key: 'migrated/repo/index-4' }));
    await admin.destination.send(
      new PutObjectCommand({ Bucket: destination, Key: 'migrated/repo/indices/Xy1/0/__b2', Body: Buffer.alloc(5) }),
    );
    const requester = new Requester(new ConcurrencyBudget(4));
    const check = await checkManifest(
      { client: admin.source, bucket: source, prefix: 'snapshots/repo/' },
      { client: admin.destination, bucket: destination, prefix: 'migrated/repo/' },
      requester,
    );
    expect(check).toMatchObject({ ok: false, missing: ['index-4'], sizeMismatch: ['indices/Xy1/0/__b2'] });
    expect(Object.keys(requester.requests)).toEqual(['ListObjectsV2']);
    s3.destroy();
  });

  test('the partitioned listing gives exactly what a flat listing gives, in the same order', async () => {
    const { source } = await freshPair('listing');
    const keys: Record<string, number> = {};
    // Root keys that sort just before, inside and after `indices/`, directories at every depth,
    // more than one page in one index directory, and keys outside the repository's prefix.
    for (const k of [
      'index-0',
      'indices',
      'indices-x',
      'indices0',
      'indices/',
      'a',
      'zz',
      'é',
      'dir/x',
      'dir/y/z',
      'tests-1/master.dat',
    ])
      keys[`r/${k}`] = 1;
    for (let i = 0; i < 1100; i++) keys[`r/indices/big/0/__${String(i).padStart(5, '0')}`] = 1;
    for (let i = 0; i < 30; i++) keys[`r/indices/i${i}/${i % 3}/__x`] = 1;
    keys['r/indices/i7/meta-a.dat'] = 1;
    keys['r/indices/😀/0/__y'] = 1;
    keys['rr/index-0'] = 1;
    keys['r'] = 1;
    await putObjects(source, keys);
    let pages = 0;
    const partitioned: string[] = [];
    for await (const o of listRepository(
      { client: admin.source, bucket: source, prefix: 'r/' },
      () => pages++,
      undefined,
      3,
    ))
      partitioned.push(o.key);
    const flat = [...(await listKeys(admin.source, source, 'r/')).keys()].map((k) => k.slice(2));
    expect(partitioned).toEqual(flat);
    expect(partitioned).toHaveLength(Object.keys(keys).length - 2);
    expect(pages).toBeGreaterThan(30); // one or more per index directory, plus the delimiter listings
  });

  test('a repository at the bucket root, copied to another root', async () => {
    const { source, destination } = await freshPair('root');
    await putObjects(source, repositoryLayout(''));
    const result = await copyRepository({
      ...options(source, destination, admin.destination),
      source: { client: admin.source, bucket: source, prefix: '' },
      destination: { client: admin.destination, bucket: destination, prefix: '/' },
    });
    expect(result.manifest.ok).toBe(true);
    expect(result.excluded).toBe(2);
    const copied = await listKeys(admin.destination, destination);
    expect(copied.has('index.latest')).toBe(true);
    expect(copied.has('tests-Jk2a/master.dat')).toBe(false);
  });

  test('an aborted copy stops, leaving no multipart upload behind', async () => {
    const { source, destination } = await freshPair('abort');
    const layout = repositoryLayout('snapshots/repo');
    layout['snapshots/repo/indices/Xy1/0/__a1'] = 30 * MiB;
    await putObjects(source, layout);
    const controller = new AbortController();
    const { s3 } = recordingClient();
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UploadPartCopyCommand') controller.abort(new Error('stopped by the test'));
        return next(args);
      },
      { step: 'initialize', name: 'abortOnFirstPart' },
    );
    await expect(copyRepository(options(source, destination, s3, { signal: controller.signal }))).rejects.toThrow();
    const uploads = await admin.destination.send(new ListMultipartUploadsCommand({ Bucket: destination }));
    expect(uploads.Uploads ?? []).toEqual([]);
    const copied = await listKeys(admin.destination, destination);
    expect([...copied.keys()].filter((k) => !k.replace('migrated/repo/', '').includes('/'))).toEqual([]);
    s3.destroy();
  });
});
