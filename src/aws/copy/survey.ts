// What a copy of the repository would move, found without copying anything: both listings joined the
// way the copy joins them (listing.ts), and each pair decided the way the copy decides it (copier.ts),
// with GET and HEAD requests only. The plan's copy forecast starts from this: a repository that already
// holds earlier snapshots (nightly ones, an earlier migration's) is copied whole, not only the new
// snapshot's blobs, and what the destination already holds is not copied again.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ConcurrencyBudget } from './budget.js';
import { needsHead, recordedSourceEtagMatches } from './copier.js';
import { copyLocations, type Location } from './context.js';
import { joinListings, listRepository } from './listing.js';
import { repositoryObjects } from './manifest.js';
import { placeKey } from './copy-order.js';
import { Requester } from './requests.js';
import type { CopyRepositoryOptions } from './index.js';

/** HEADs in flight at once (only same-size objects with another ETag need one: multipart copies). */
const SURVEY_CONCURRENCY = 16;

export interface CopySurvey {
  /** Source objects (verification leftovers not counted) and their bytes. */
  objects: number;
  bytes: number;
  /** Of those, what the destination does not hold yet: what a copy started now would copy. */
  toCopy: number;
  toCopyBytes: number;
  /**
   * Index names the repository's newest root generation (`index-N`) lists: indices an earlier snapshot
   * holds, whose unchanged segments a new snapshot reuses instead of writing again. Undefined when the
   * repository has no generation yet, or its `index-N` could not be read as JSON.
   */
  indicesInRepository?: string[];
  /** Bytes of that newest `index-N`: the next generation a snapshot writes is about as large. */
  latestGenerationBytes?: number;
}

export async function surveyCopy(
  options: Pick<CopyRepositoryOptions, 'source' | 'destination' | 'signal'>,
): Promise<CopySurvey> {
  const requester = new Requester(new ConcurrencyBudget(SURVEY_CONCURRENCY));
  const { source, destination } = copyLocations(options);
  const ctx = { destination, requester, signal: options.signal };
  const survey: CopySurvey = { objects: 0, bytes: 0, toCopy: 0, toCopyBytes: 0 };
  let generation = -1;
  const heads: Array<Promise<void>> = [];
  const toCopy = (size: number) => {
    survey.toCopy++;
    survey.toCopyBytes += size;
  };
  const pairs = joinListings(
    repositoryObjects(source, requester, options.signal),
    listRepository(destination, (attempts) => requester.count('ListObjectsV2', attempts), options.signal),
  );
  for await (const { source: object, destination: existing } of pairs) {
    survey.objects++;
    survey.bytes += object.size;
    const placement = placeKey(object.key);
    if ('generation' in placement && placement.generation !== undefined && placement.generation > generation) {
      generation = placement.generation;
      survey.latestGenerationBytes = object.size;
    }
    if (existing && existing.size === object.size && existing.etag === object.etag) continue;
    if (!needsHead(object, existing)) {
      toCopy(object.size);
      continue;
    }
    // The budget bounds the HEADs in flight; the listing goes on meanwhile.
    heads.push(
      recordedSourceEtagMatches(ctx, object, existing).then((same) => (same ? undefined : toCopy(object.size))),
    );
  }
  await Promise.all(heads);
  if (generation >= 0) {
    const names = await indicesOfGeneration(source, generation, options.signal);
    if (names) survey.indicesInRepository = names;
  }
  return survey;
}

/**
 * The index names of the root `index-N` blob: the repository data OpenSearch and Elasticsearch write as
 * plain JSON (`{"snapshots": […], "indices": {"<name>": {"id": …, "snapshots": […]}}, …}`).
 */
async function indicesOfGeneration(
  source: Location,
  generation: number,
  signal?: AbortSignal,
): Promise<string[] | undefined> {
  try {
    const object = await source.client.send(
      new GetObjectCommand({ Bucket: source.bucket, Key: `${source.prefix}index-${generation}` }),
      { abortSignal: signal },
    );
    const data = JSON.parse((await object.Body?.transformToString()) ?? '') as { indices?: Record<string, unknown> };
    return data.indices && typeof data.indices === 'object' ? Object.keys(data.indices) : undefined;
  } catch (error) {
    if (signal?.aborted) throw error;
    return undefined; // no usable generation: the forecast then counts every index as new
  }
}
