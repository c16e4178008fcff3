// Streamed listings of a repository, and the merge-join of source against destination.
//
// ListObjectsV2 is sequential (each page needs the last one's token), so a flat listing of a large
// repository costs one round trip per thousand keys: 100 seconds of waiting for 100,000 objects
// across regions, which would dominate a rerun that copies nothing. The repository is listed in
// partitions instead: a delimiter listing of the root and of `indices/` finds the directories
// (one per index), and a few of those are listed at once, each a page ahead, while the output
// stays in S3's key order. Nothing holds more than a few pages, so memory does not grow with the
// repository, and the first copies start as soon as the first pages are in.
import {
  paginateListObjectsV2,
  type _Object,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { compareKeys } from './copy-order.js';

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

/** Directory levels found by delimiter listings before a directory is listed whole: `indices/<index>/`. */
const LEVELS = 2;
/**
 * Directories listed at once, ahead of the one being consumed. Each holds up to two parsed pages
 * (and parsing a page makes a few MB of garbage), so this is the listing's share of peak memory:
 * with 8 the 100,000-object run peaked at 199 MiB, and 4 keep several round trips in flight.
 */
const DEFAULT_LOOKAHEAD = 4;

export function unquoteEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

function listed(target: ListingTarget, object: _Object): ListedObject {
  return { key: object.Key!.slice(target.prefix.length), size: object.Size ?? 0, etag: unquoteEtag(object.ETag) };
}

type Item = { object: ListedObject } | { directory: string };

/** The pages of one listing, 1,000 keys a page; with a delimiter, one level of it. */
function listPages(
  target: ListingTarget,
  prefix: string | undefined,
  delimiter: '/' | undefined,
  signal?: AbortSignal,
) {
  return paginateListObjectsV2(
    { client: target.client, pageSize: 1000 },
    { Bucket: target.bucket, Prefix: prefix, ...(delimiter ? { Delimiter: delimiter } : {}) },
    { abortSignal: signal },
  );
}

/** The root's objects alone (a delimiter listing of the repository's base path), in key order. */
export async function* listRootObjects(
  target: ListingTarget,
  countPage: PageCounter,
  signal?: AbortSignal,
): AsyncGenerator<ListedObject> {
  const pages = listPages(target, target.prefix || undefined, '/', signal);
  for await (const page of pages) {
    countPage(page.$metadata.attempts ?? 1);
    for (const object of page.Contents ?? []) if (object.Key !== undefined) yield listed(target, object);
  }
}

/** Root objects and directories in key order, expanding the first levels with delimiter listings. */
async function* walk(
  target: ListingTarget,
  prefix: string,
  depth: number,
  countPage: PageCounter,
  signal?: AbortSignal,
): AsyncGenerator<Item> {
  const pages = listPages(target, prefix || undefined, '/', signal);
  // A repository keeps its bulk under `indices/`: ask for that level together with the root's,
  // rather than one round trip after it (used only if the root does have `indices/`).
  let indices: AsyncGenerator<Item> | undefined;
  let indicesFirst: Promise<IteratorResult<Item>> | undefined;
  if (depth === 0 && LEVELS > 1) {
    indices = walk(target, `${prefix}indices/`, 1, countPage, signal);
    indicesFirst = indices.next();
    indicesFirst.catch(() => undefined);
  }
  try {
    yield* expand(target, pages, prefix, depth, countPage, signal, indices, indicesFirst);
  } finally {
    await indices?.return(undefined).catch(() => undefined);
  }
}

async function* expand(
  target: ListingTarget,
  pages: AsyncIterable<ListObjectsV2CommandOutput>,
  prefix: string,
  depth: number,
  countPage: PageCounter,
  signal: AbortSignal | undefined,
  indices: AsyncGenerator<Item> | undefined,
  indicesFirst: Promise<IteratorResult<Item>> | undefined,
): AsyncGenerator<Item> {
  for await (const page of pages) {
    countPage(page.$metadata.attempts ?? 1);
    const objects = (page.Contents ?? []).filter((o) => o.Key !== undefined);
    const directories = (page.CommonPrefixes ?? []).map((p) => p.Prefix!).filter(Boolean);
    // Both arrays are sorted; a directory sits in key order where its prefix does.
    let o = 0;
    let d = 0;
    while (o < objects.length || d < directories.length) {
      if (d >= directories.length || (o < objects.length && compareKeys(objects[o]!.Key!, directories[d]!) < 0)) {
        yield { object: listed(target, objects[o++]!) };
      } else {
        const directory = directories[d++]!;
        if (indices && indicesFirst && directory === `${prefix}indices/`) {
          for (let r = await indicesFirst; !r.done; r = await indices.next()) yield r.value;
        } else if (depth + 1 < LEVELS) yield* walk(target, directory, depth + 1, countPage, signal);
        else yield { directory };
      }
    }
  }
}

/** Everything under one directory, flat, one page ahead of the consumer. */
async function* listDirectory(
  target: ListingTarget,
  prefix: string,
  countPage: PageCounter,
  signal?: AbortSignal,
): AsyncGenerator<ListedObject> {
  const pages = listPages(target, prefix, undefined, signal);
  let next = pages.next();
  try {
    for (;;) {
      const page = await next;
      if (page.done) return;
      countPage(page.value.$metadata.attempts ?? 1);
      // Ask for the following page now, so it travels while this one is consumed.
      next = pages.next();
      next.catch(() => undefined); // a consumer that stops early must not leave an unhandled rejection
      for (const object of page.value.Contents ?? []) if (object.Key !== undefined) yield listed(target, object);
    }
  } finally {
    await pages.return(undefined).catch(() => undefined);
  }
}

type Segment =
  { object: ListedObject } | { directory: AsyncGenerator<ListedObject>; first: Promise<IteratorResult<ListedObject>> };

/** Every object under the target's prefix, in S3's key order, keys relative to the prefix. */
export async function* listRepository(
  target: ListingTarget,
  countPage: PageCounter,
  signal?: AbortSignal,
  lookahead = DEFAULT_LOOKAHEAD,
): AsyncGenerator<ListedObject> {
  const items = walk(target, target.prefix, 0, countPage, signal);
  const queue: Segment[] = [];
  let directoriesQueued = 0;
  let walked = false;
  let previous: string | undefined;
  let current: AsyncGenerator<ListedObject> | undefined;
  const inOrder = (object: ListedObject) => {
    // The join below is only right if listings are sorted; say so loudly rather than miscopy.
    if (previous !== undefined && compareKeys(previous, object.key) >= 0) {
      throw new Error(
        `s3://${target.bucket}/${target.prefix}: listing is not in ascending key order at ${JSON.stringify(object.key)}`,
      );
    }
    previous = object.key;
    return object;
  };
  try {
    for (;;) {
      // Keep `lookahead` directories listing ahead of the one being consumed.
      while (!walked && directoriesQueued < lookahead) {
        const item = await items.next();
        if (item.done) walked = true;
        else if ('object' in item.value) queue.push(item.value);
        else {
          const directory = listDirectory(target, item.value.directory, countPage, signal);
          const first = directory.next();
          first.catch(() => undefined); // surfaced when its turn comes
          queue.push({ directory, first });
          directoriesQueued++;
        }
      }
      const segment = queue.shift();
      if (!segment) return;
      if ('object' in segment) {
        yield inOrder(segment.object);
        continue;
      }
      directoriesQueued--;
      current = segment.directory;
      for (let r = await segment.first; !r.done; r = await current.next()) yield inOrder(r.value);
      current = undefined;
    }
  } finally {
    await Promise.all([
      items.return(undefined).catch(() => undefined),
      current?.return(undefined).catch(() => undefined),
      ...queue.map((s) => ('directory' in s ? s.directory.return(undefined).catch(() => undefined) : undefined)),
    ]);
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
