// Both buckets: they exist, in the Regions given (a domain registers only a bucket of its own Region),
// and these credentials reach them; what already lies at each repository path (a destination holding
// someone else's repository would be overwritten by the copy); and whether a repository of that name is
// already registered on a domain for another place.
import {
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { sameRepositoryLocation, type MigrationConfig } from '../config.js';
import type { SideName } from '../constants.js';
import type { Side } from '../context.js';
import { isSamePlace } from '../search/repository.js';
import { retryAndBackoff } from '../util/retry.js';
import { awsErrorName, awsStatus, errorText, type Checks } from './checks.js';

const prefixOf = (basePath: string) => (basePath ? `${basePath}/` : '');
const where = (s: Side) => `s3://${s.config.bucket}/${s.config.basePath}`;

/** GetBucketLocation's answer as a Region: empty means us-east-1, `EU` is the old name of eu-west-1. */
export function regionFromLocation(constraint: string | undefined | null): string {
  if (!constraint) return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

export async function bucketCheck(side: Side, label: SideName, principal: string, checks: Checks): Promise<boolean> {
  const id = `${label}.bucket`;
  const check = `${label === 'source' ? 'Source' : 'Target'} bucket exists in ${side.config.region}`;
  const bucket = side.config.bucket;
  try {
    await side.s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const status = awsStatus(err);
    if (status === 404 || awsErrorName(err) === 'NotFound' || awsErrorName(err) === 'NoSuchBucket') {
      checks.fail(
        id,
        check,
        `${bucket} does not exist`,
        `Create bucket ${bucket} in ${side.config.region} (or fix ${label}-bucket).`,
      );
    } else if (status === 301 || awsErrorName(err) === 'PermanentRedirect') {
      checks.fail(
        id,
        check,
        `${bucket} is not in ${side.config.region}`,
        `A domain registers only a bucket in its own Region: use a bucket in ${side.config.region} for ${label}-bucket.`,
      );
    } else if (status === 403) {
      checks.fail(
        id,
        check,
        `${principal} may not read ${bucket} (403)`,
        `Add statement ListRepositoryBuckets of the IAM documents (s3:ListBucket, s3:GetBucketLocation on arn:aws:s3:::${bucket}) to ${principal}, and check the bucket policy.`,
      );
    } else {
      checks.fail(id, check, `${bucket}: ${errorText(err)}`, 'Check that S3 is reachable from the runner.');
    }
    return false;
  }
  try {
    const location = await side.s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
    const region = regionFromLocation(location.LocationConstraint);
    if (region !== side.config.region) {
      checks.fail(
        id,
        check,
        `${bucket} is in ${region}, not ${side.config.region}`,
        `A domain registers only a bucket in its own Region: use a bucket in ${side.config.region} for ${label}-bucket.`,
      );
      return false;
    }
  } catch (err) {
    checks.warn(
      id,
      check,
      `${bucket} exists; its Region is unreadable: ${errorText(err)}`,
      `Add s3:GetBucketLocation on arn:aws:s3:::${bucket} (statement ListRepositoryBuckets).`,
    );
    return true;
  }
  checks.pass(id, check, `${bucket} (${side.config.region}) is reachable`);
  return true;
}

interface RepositoryAtPath {
  generation?: number;
  snapshots: Array<{ name: string; uuid: string }>;
}

/** The repository a bucket path holds: its latest generation's snapshot list, or undefined when empty. */
async function repositoryAt(side: Side, bucket: string, basePath: string): Promise<RepositoryAtPath | undefined> {
  const listed = await side.s3.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefixOf(basePath)}index`, MaxKeys: 50 }),
  );
  const keys = (listed.Contents ?? []).map((o) => o.Key ?? '');
  if (keys.length === 0) return undefined;
  const generations = keys
    .map((k) => /\/?index-(\d+)$/.exec(k)?.[1])
    .filter((g): g is string => g !== undefined)
    .map(Number);
  const generation = generations.length ? Math.max(...generations) : undefined;
  if (generation === undefined) return { snapshots: [] };
  // The body streams in after the status, outside the SDK's retries: a connection lost mid-body is read again.
  const key = `${prefixOf(basePath)}index-${generation}`;
  const text = await retryAndBackoff(
    async () => {
      const object = await side.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await object.Body?.transformToString()) ?? '{}';
    },
    {
      isRetryable: () => true,
      maxRetries: 1,
      baseMs: 200,
      maxWaitMs: 200,
      label: `S3 GetObject ${key}`,
      service: 'S3',
    },
  );
  const json = JSON.parse(text) as { snapshots?: Array<{ name?: string; uuid?: string }> };
  return {
    generation,
    snapshots: (json.snapshots ?? []).map((s) => ({ name: String(s.name ?? ''), uuid: String(s.uuid ?? '') })),
  };
}

/** What lies at the repository paths: the source's is used as it is; the destination may only hold an earlier copy of it. */
export async function repositoryPathCheck(
  config: MigrationConfig,
  source: Side,
  target: Side,
  checks: Checks,
): Promise<void> {
  const samePlace = sameRepositoryLocation(config);
  let sourceRepo: RepositoryAtPath | undefined;
  await checks.guard('source.repository-path', 'Source repository path', async () => {
    sourceRepo = await repositoryAt(source, config.source.bucket, config.source.basePath);
    checks.pass(
      'source.repository-path',
      'Source repository path',
      sourceRepo
        ? `${where(source)} holds a repository (generation ${sourceRepo.generation ?? '?'}, ${sourceRepo.snapshots.length} snapshots): the snapshot is added to it incrementally`
        : `${where(source)} is empty: the repository is created there`,
    );
  });
  if (samePlace) return;
  await checks.guard('target.repository-path', 'Destination repository path', async () => {
    const id = 'target.repository-path';
    const check = 'Destination repository path';
    const dest = await repositoryAt(target, config.target.bucket, config.target.basePath);
    if (!dest) return checks.pass(id, check, `${where(target)} is empty: the copy creates the repository there`);
    const known = new Set((sourceRepo?.snapshots ?? []).map((s) => s.uuid));
    const foreign = dest.snapshots.filter((s) => !known.has(s.uuid));
    if (foreign.length === 0) {
      return checks.pass(
        id,
        check,
        `${where(target)} holds an earlier copy of the source repository (${dest.snapshots.length} snapshots): only what changed is copied`,
      );
    }
    checks.fail(
      id,
      check,
      `${where(target)} already holds another repository (${foreign.length} snapshots the source does not have, e.g. ${foreign
        .slice(0, 3)
        .map((s) => s.name)
        .join(', ')}); the copy would overwrite its index files`,
      `Set target-base-path to an empty path (e.g. ${config.target.basePath || 'migrate'}-${config.snapshot}), or clear that path if nothing uses it.`,
    );
  });
}

/** A repository of that name registered on the domain for another bucket or path stops the run later: say so now. */
export async function registrationCheck(side: Side, label: SideName, checks: Checks): Promise<void> {
  const id = `${label}.repository`;
  const name = side.config.repository;
  const check = `${label === 'source' ? 'Source' : 'Target'} repository name ${name}`;
  await checks.guard(id, check, async () => {
    const existing = await side.domain.getRepository(name);
    if (!existing)
      return checks.pass(
        id,
        check,
        `not registered yet: registered by the ${label === 'source' ? 'snapshot' : 'restore'} phase${label === 'target' ? ' (read-only)' : ''}`,
      );
    if (isSamePlace(existing, side.config))
      return checks.pass(id, check, `already registered for ${where(side)}: reused`);
    const s = existing.settings ?? {};
    checks.fail(
      id,
      check,
      `already registered for ${existing.type} ${String(s.bucket ?? s.location ?? '')}/${String(s.base_path ?? '')}`,
      `Set ${label}-repository to another name: the run never re-points a repository someone else uses.`,
    );
  });
}
