// The copy engine: a snapshot repository from one bucket to another, server-side, in the order a
// restore can trust, resumable, and checked at the end. See plan.ts for the order, copier.ts and
// multipart.ts for the requests, budget.ts for concurrency, manifest.ts for the proof.
import type { S3Client } from '@aws-sdk/client-s3';
import { ConcurrencyBudget } from './budget.js';
import { copyOne, needsHead, recordedSourceEtagMatches } from './copier.js';
import { copyLocations, type CopyContext } from './context.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MULTIPART_THRESHOLD,
  DEFAULT_PART_SIZE,
  DEFAULT_PROGRESS_INTERVAL_MS,
} from './defaults.js';
import { joinListings, listRepository, type ListedObject } from './listing.js';
import { checkedByCopyPass, checkManifest, combineChecks, repositoryObjects, type ManifestCheck } from './manifest.js';
import { placeKey, type CopyStage } from './copy-order.js';
import { ObjectPool } from './pool.js';
import { ProgressTracker, type CopyProgress } from './progress.js';
import { DEFAULT_BACKOFF, listenedByEveryRequest, Requester, type Backoff } from './requests.js';

export { encodeCopySource, SOURCE_ETAG_METADATA } from './context.js';
export { DEFAULT_CONCURRENCY, DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE } from './defaults.js';
export { partSizeFor, planParts } from './multipart.js';
export { compareKeys, placeKey } from './copy-order.js';
export { estimateRemainingMs, formatProgressLine, type CopyProgress } from './progress.js';
export type { ManifestCheck } from './manifest.js';

export interface CopyRepositoryOptions {
  /** prefix = the repository's base_path ('' for the bucket root), no leading slash. */
  source: { client: S3Client; bucket: string; prefix: string };
  /** Its client is configured for the destination's region: every copy request goes there. */
  destination: { client: S3Client; bucket: string; prefix: string };
  /** One budget for whole objects and parts (see DEFAULT_CONCURRENCY). */
  concurrency?: number;
  /** Bytes; objects above are copied in parts (always above 5 GiB). */
  multipartThreshold?: number;
  /** Smallest part; grows so no object needs more than 10,000 parts. */
  partSize?: number;
  /** Called every progressIntervalMs and once at the end. */
  onProgress?: (progress: CopyProgress) => void;
  progressIntervalMs?: number;
  signal?: AbortSignal;
  /** Retries of our own when the destination still pushes back after the SDK's retries. */
  backoff?: Backoff;
  /**
   * Copy only the blobs (everything under `indices/`, never a root blob) and check nothing: the head
   * start while a snapshot runs. The root blobs and the manifest are the full copy's, after it.
   */
  blobsOnly?: boolean;
}

export interface CopyResult {
  /** Source objects in the repository (verification leftovers not counted). */
  listed: number;
  copied: number;
  skipped: number;
  /** `tests-*` verification leftovers left behind. */
  excluded: number;
  bytesCopied: number;
  bytesTotal: number;
  /** Objects copied in parts. */
  multipart: number;
  /** HTTP requests by operation, SDK retries included. */
  requests: Record<string, number>;
  manifest: ManifestCheck;
  durationMs: number;
  /** Extra attempts: the SDK's retries plus the engine's own after pushback. */
  retries: number;
  /** Requests the destination still refused (SlowDown/503) after the SDK's retries. */
  pushbacks: number;
  /** The lowest the budget's limit went (below `concurrency` after pushback). */
  lowestConcurrency: number;
}

interface Pending {
  source: ListedObject;
  destination?: ListedObject;
}

export async function copyRepository(options: CopyRepositoryOptions): Promise<CopyResult> {
  const started = Date.now();
  const signal = options.signal && listenedByEveryRequest(AbortSignal.any([options.signal]));
  const budget = new ConcurrencyBudget(options.concurrency ?? DEFAULT_CONCURRENCY);
  const requester = new Requester(budget, options.backoff ?? DEFAULT_BACKOFF);
  const progress = new ProgressTracker();
  const { source, destination } = copyLocations(options);
  const ctx: CopyContext = {
    source,
    destination,
    requester,
    multipartThreshold: options.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD,
    partSize: options.partSize ?? DEFAULT_PART_SIZE,
    signal,
    onBytes: (n) => progress.bytes(n),
  };
  let excluded = 0;
  let multipart = 0;

  const report = () => options.onProgress?.(progress.snapshot());
  const ticker = options.onProgress
    ? setInterval(report, options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS)
    : undefined;
  ticker?.unref();

  /** Copies one object unless the destination already holds this version of it. */
  const transfer = async ({ source: object, destination: existing }: Pending): Promise<void> => {
    if (needsHead(object, existing) && (await recordedSourceEtagMatches(ctx, object, existing))) {
      progress.skippedObject(object.size);
      return;
    }
    if ((await copyOne(ctx, object)) === 'multipart') multipart++;
    progress.copiedObject();
  };
  const pool = new ObjectPool(() => budget.limit);
  /** Objects whose decision needs no request are settled here, without taking room in the pool. */
  const dispatch = async (pending: Pending): Promise<void> => {
    const { source: object, destination: existing } = pending;
    if (existing && existing.size === object.size && existing.etag === object.etag) {
      progress.skippedObject(object.size);
      return;
    }
    await pool.start(() => transfer(pending));
  };

  // Root blobs wait for their phase; there are a few per snapshot, so holding them is cheap.
  const held: Record<Exclude<CopyStage, 'blobs'>, Pending[]> = { 'snapshot-metadata': [], generations: [], latest: [] };
  const manifestAbort = new AbortController();
  const manifestSignal = listenedByEveryRequest(
    signal ? AbortSignal.any([signal, manifestAbort.signal]) : manifestAbort.signal,
  );
  let blobs: { listed: number; copied: number };
  // What the copy did, for a blobs-only pass (the head start during the snapshot) and for a whole copy.
  const result = (listed: number, manifest: ManifestCheck): CopyResult => ({
    listed,
    copied: progress.copied,
    skipped: progress.skipped,
    excluded,
    bytesCopied: progress.bytesCopied,
    bytesTotal: progress.bytesTotal,
    multipart,
    requests: { ...requester.requests },
    manifest,
    durationMs: Date.now() - started,
    retries: requester.retries,
    pushbacks: requester.pushbacks,
    lowestConcurrency: budget.lowest,
  });
  let blobCheck: Promise<ManifestCheck> | undefined;
  try {
    const sourceObjects = repositoryObjects(source, requester, signal, () => excluded++);
    const destinationObjects = listRepository(
      destination,
      (attempts) => requester.count('ListObjectsV2', attempts),
      signal,
    );
    for await (const pending of joinListings(sourceObjects, destinationObjects)) {
      signal?.throwIfAborted();
      progress.listed(pending.source.size);
      const placement = placeKey(pending.source.key);
      if ('excluded' in placement) continue; // filtered by repositoryObjects already
      if (placement.stage === 'blobs') await dispatch(pending);
      else held[placement.stage].push(pending);
    }
    progress.listingComplete = true;
    // Every blob must be at the destination before the first root blob that may point at it.
    await pool.drain();
    blobs = { listed: progress.objectsTotal - rootCount(held), copied: progress.copied };
    if (options.blobsOnly) {
      if (ticker) clearInterval(ticker);
      report();
      return result(blobs.listed, checkedByCopyPass(0));
    }
    // The blobs are final now: check them while the root blobs are copied (see manifest.ts).
    if (blobs.copied > 0) {
      blobCheck = checkManifest(source, destination, requester, manifestSignal, 'blobs');
      blobCheck.catch(() => undefined); // awaited below, or abandoned with the copy
    }

    progress.stage = 'snapshot-metadata';
    for (const pending of held['snapshot-metadata']) await dispatch(pending);
    await pool.drain();

    // Generations one at a time, oldest first: index-N+1 never lands before index-N.
    progress.stage = 'generations';
    const generations = held.generations.sort((a, b) => generationOf(a) - generationOf(b));
    for (const pending of generations) {
      await dispatch(pending);
      await pool.drain();
    }

    progress.stage = 'latest';
    for (const pending of held.latest) await dispatch(pending);
    await pool.drain();
  } catch (error) {
    // Leave nothing running behind a failed copy (multipart uploads abort themselves on the way out).
    manifestAbort.abort(error);
    await pool.settle();
    if (ticker) clearInterval(ticker);
    throw error;
  }

  progress.stage = 'manifest';
  report();
  let manifest: ManifestCheck;
  try {
    const rootCopied = progress.copied - blobs.copied;
    const [blobsChecked, rootChecked] = await Promise.all([
      blobCheck ?? checkedByCopyPass(blobs.listed),
      rootCopied > 0
        ? checkManifest(source, destination, requester, signal, 'root')
        : checkedByCopyPass(progress.objectsTotal - blobs.listed),
    ]);
    manifest = combineChecks(blobsChecked, rootChecked);
  } finally {
    if (ticker) clearInterval(ticker);
  }
  progress.stage = 'done';
  report();

  return result(progress.objectsTotal, manifest);
}

function rootCount(held: Record<string, Pending[]>): number {
  return Object.values(held).reduce((n, list) => n + list.length, 0);
}

function generationOf(pending: Pending): number {
  const placement = placeKey(pending.source.key);
  return 'generation' in placement ? (placement.generation ?? 0) : 0;
}
