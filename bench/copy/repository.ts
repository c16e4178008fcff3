// A snapshot repository with the shape OpenSearch gives one, written into a bucket on moto:
// thousands of small blobs (shard metadata, small segment files), some segment files of tens of
// MB, a few above the multipart threshold, the root blobs of a few snapshots and two generations,
// and a repository-verification leftover. Deterministic (seeded), so every run copies the same bytes.
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  PutObjectCommand,
  type BucketLocationConstraint,
  type S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { seededRandom } from '../../stack/random.js';

const KiB = 1024;
const MiB = 1024 * KiB;

export interface RepositoryShape {
  small: number;
  medium: number;
  large: number;
}

/** The default shape; BENCH_SCALE multiplies every count. */
export function shapeFor(scale: number): RepositoryShape {
  return {
    small: Math.round(3000 * scale),
    medium: Math.max(1, Math.round(24 * scale)),
    large: Math.max(1, Math.round(3 * scale)),
  };
}

export interface RepositoryObject {
  key: string;
  size: number;
}

export function planRepository(shape: RepositoryShape, prefix: string, seed = 42): RepositoryObject[] {
  const random = seededRandom(seed); // the same repository on every machine
  const id = (n = 22) =>
    Array.from(
      { length: n },
      () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[Math.floor(random() * 64)],
    ).join('');
  const p = prefix ? `${prefix.replace(/\/+$/, '')}/` : '';
  const objects: RepositoryObject[] = [];
  const snapshots = [id(), id(), id()];
  const shards: string[] = [];
  for (let i = 0; i < 6; i++) {
    const index = id();
    for (const s of snapshots)
      objects.push({ key: `${p}indices/${index}/meta-${s}.dat`, size: 600 + Math.floor(random() * 4000) });
    for (let shard = 0; shard < 3; shard++) {
      const dir = `${p}indices/${index}/${shard}`;
      shards.push(dir);
      objects.push({ key: `${dir}/index-${id()}`, size: 2000 + Math.floor(random() * 20_000) });
      for (const s of snapshots) objects.push({ key: `${dir}/snap-${s}.dat`, size: 300 + Math.floor(random() * 3000) });
    }
  }
  const blob = (size: number) =>
    objects.push({ key: `${shards[Math.floor(random() * shards.length)]}/__${id()}`, size });
  const already = objects.length;
  // Small: log-uniform from 100 B to 512 KiB, as Lucene's many small per-segment files are.
  for (let i = already; i < shape.small; i++) blob(Math.round(100 * Math.exp(random() * Math.log((512 * KiB) / 100))));
  for (let i = 0; i < shape.medium; i++) blob(Math.round((8 + random() * 40) * MiB)); // 8–48 MiB
  // 66–100 MiB: above the 64 MiB threshold. Kept modest because moto's UploadPartCopy reads the whole
  // source object for every part, a cost S3 does not have (see bench/README.md).
  for (let i = 0; i < shape.large; i++) blob(Math.round((66 + random() * 34) * MiB));
  for (const s of snapshots) {
    objects.push({ key: `${p}snap-${s}.dat`, size: 400 + Math.floor(random() * 800) });
    objects.push({ key: `${p}meta-${s}.dat`, size: 300 + Math.floor(random() * 600) });
  }
  objects.push(
    { key: `${p}index-4`, size: 2500 },
    { key: `${p}index-5`, size: 2900 },
    { key: `${p}index.latest`, size: 8 },
  );
  const leftover = id(8);
  objects.push(
    { key: `${p}tests-${leftover}/master.dat`, size: 36 },
    { key: `${p}tests-${leftover}/data-node1.dat`, size: 36 },
  );
  return objects;
}

/** Bytes that differ from key to key (so ETags do) without costing a random fill of every byte. */
function body(key: string, size: number): Buffer {
  const out = Buffer.alloc(size, 0x61);
  out.write(key.slice(-Math.min(size, 64)), 0);
  return out;
}

export async function createBucket(s3: S3Client, bucket: string, region: string): Promise<void> {
  const CreateBucketConfiguration =
    region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint };
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration }));
}

/** Writes objects with a few uploads in flight; bodies above 4 MiB one at a time so memory stays modest. */
export async function writeObjects(
  s3: S3Client,
  bucket: string,
  objects: Iterable<RepositoryObject>,
  inFlight = 32,
): Promise<void> {
  const running = new Set<Promise<void>>();
  for (const { key, size } of objects) {
    if (size > 4 * MiB) {
      await Promise.all(running);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body(key, size) }));
      continue;
    }
    const put: Promise<void> = s3
      .send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body(key, size) }))
      .then(() => undefined)
      .finally(() => running.delete(put));
    running.add(put);
    if (running.size >= inFlight) await Promise.race(running);
  }
  await Promise.all(running);
}

/** Empties and removes a bucket, so moto gives the memory back before the next run. */
export async function dropBucket(s3: S3Client, bucket: string): Promise<void> {
  for await (const page of paginateListObjectsV2({ client: s3, pageSize: 1000 }, { Bucket: bucket })) {
    const Objects = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (Objects.length) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } }));
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}

export async function countObjects(s3: S3Client, bucket: string): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  for await (const page of paginateListObjectsV2({ client: s3, pageSize: 1000 }, { Bucket: bucket })) {
    for (const o of page.Contents ?? []) {
      objects++;
      bytes += o.Size ?? 0;
    }
  }
  return { objects, bytes };
}
