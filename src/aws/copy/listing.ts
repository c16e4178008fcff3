// Streamed listings of a repository, and the merge-join of source against destination.
//
// Both sides are listed with the SDK paginator, one page ahead of the consumer, and joined on
// S3's key order. Nothing holds more than a couple of pages, so memory does not grow with the
// repository, and the first copies start as soon as the first page of each side is in.
import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { compareKeys } from './plan.js';

export interface ListedObject {
  /** Key relative to the repository's base path. */
  key: string;
  size: number;
  /** ETag without quotes. */
  etag: string;
}

export interface ListingTarget {
  client: S3Client;
  bucket: string;
  /** Normalized prefix (see normalizePrefix). */
  prefix: string;
}

/** Called once per page with the number of HTTP attempts the page took. */
export type PageCounter = (attempts: number) => void;

export function unquoteEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

export async function* listRepository(
  target: ListingTarget,
  countPage: PageCounter,
  signal?: AbortSignal,
): AsyncGenerator<ListedObject> {
  const pages = paginateListObjectsV2(
    { client: target.client, pageSize: 1000 },
    { Bucket: target.bucket, Prefix: target.prefix || undefined },
    { abortSignal: signal },
  );
  let previous: string | undefined;
  let next = pages.next();
  try {
    for (;;) {
      const page = await next;
      if (page.done) return;
      countPage(page.value.$metadata.attempts ?? 1);
      // Ask for the following page now, so it travels while this one is being copied.
      next = pages.next();
      next.catch(() => undefined); // a consumer that stops early must not leave an unhandled rejection
      for (const object of page.value.Contents ?? []) {
        if (object.Key === undefined) continue;
        const key = object.Key.slice(target.prefix.length);
        // The join below is only right if the listing is sorted; say so loudly rather than miscopy.
        if (previous !== undefined && compareKeys(previous, key) >= 0) {
          throw new Error(`s3://${target.bucket}/${target.prefix}: listing is not in ascending key order at ${JSON.stringify(key)}`);
        }
        previous = key;
        yield { key, size: object.Size ?? 0, etag: unquoteEtag(object.ETag) };
      }
    }
  } finally {
    await pages.return(undefined).catch(() => undefined);
  }
}

/** Pairs every source object with the destination object of the same key, if there is one. */
export async function* joinListings(
  source: AsyncIterable<ListedObject>,
  destination: AsyncIterable<ListedObject>,
): AsyncGenerator<{ source: ListedObject; destination?: ListedObject }> {
  const src = source[Symbol.asyncIterator]();
  const dst = destination[Symbol.asyncIterator]();
  try {
    // Both first pages travel together.
    let [s, d] = await Promise.all([src.next(), dst.next()]);
    while (!s.done) {
      while (!d.done && compareKeys(d.value.key, s.value.key) < 0) d = await dst.next();
      yield !d.done && d.value.key === s.value.key ? { source: s.value, destination: d.value } : { source: s.value };
      s = await src.next();
    }
  } finally {
    await Promise.all([src.return?.(undefined), dst.return?.(undefined)]);
  }
}
