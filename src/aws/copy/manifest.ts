// The proof at the end: list both sides again and check every source key is at the destination
// with the same size. Streamed like the copy itself, so it costs no memory on a large repository.
import type { Location } from './context.js';
import { joinListings, listRepository, listRootObjects, type ListedObject } from './listing.js';
import { placeKey } from './copy-order.js';
import type { Requester } from './requests.js';

/** Enough names to act on; the counts say how many there were in all. */
const MAX_NAMES = 1000;

export interface ManifestCheck {
  ok: boolean;
  /** Source objects checked (verification leftovers excluded). */
  checked: number;
  missing: string[];
  sizeMismatch: string[];
  missingCount: number;
  sizeMismatchCount: number;
  /** False when the copy wrote nothing and its own listing pass is the proof. */
  relisted: boolean;
}

export async function* repositoryObjects(
  location: Location,
  requester: Requester,
  signal?: AbortSignal,
  onExcluded?: () => void,
): AsyncGenerator<ListedObject> {
  for await (const object of listRepository(
    location,
    (attempts) => requester.count('ListObjectsV2', attempts),
    signal,
  )) {
    if ('excluded' in placeKey(object.key)) {
      onExcluded?.();
      continue;
    }
    yield object;
  }
}

/**
 * Which part of the repository to check: the blobs (everything in a directory, final once the
 * blob phase is done, so their check can run while the root blobs are being copied), the root
 * blobs, or both.
 */
export type ManifestScope = 'all' | 'blobs' | 'root';

const inScope = (scope: ManifestScope, key: string) => scope === 'all' || (scope === 'blobs') === key.includes('/');

export async function checkManifest(
  source: Location,
  destination: Location,
  requester: Requester,
  signal?: AbortSignal,
  scope: ManifestScope = 'all',
): Promise<ManifestCheck> {
  const check: ManifestCheck = {
    ok: true,
    checked: 0,
    missing: [],
    sizeMismatch: [],
    missingCount: 0,
    sizeMismatchCount: 0,
    relisted: true,
  };
  const countPage = (attempts: number) => requester.count('ListObjectsV2', attempts);
  const list = (location: Location) =>
    scope === 'root' ? listRootObjects(location, countPage, signal) : listRepository(location, countPage, signal);
  const sourceObjects = async function* () {
    for await (const object of list(source))
      if (!('excluded' in placeKey(object.key)) && inScope(scope, object.key)) yield object;
  };
  for await (const pair of joinListings(sourceObjects(), list(destination))) {
    check.checked++;
    if (!pair.destination) {
      if (check.missingCount++ < MAX_NAMES) check.missing.push(pair.source.key);
    } else if (pair.destination.size !== pair.source.size) {
      if (check.sizeMismatchCount++ < MAX_NAMES) check.sizeMismatch.push(pair.source.key);
    }
  }
  check.ok = check.missingCount === 0 && check.sizeMismatchCount === 0;
  return check;
}

/**
 * The check of a part that this run wrote nothing to: every object in it was skipped only because
 * the destination listing showed it with the same size, so that listing, taken during this run,
 * is the check.
 */
export function checkedByCopyPass(checked: number): ManifestCheck {
  return { ok: true, checked, missing: [], sizeMismatch: [], missingCount: 0, sizeMismatchCount: 0, relisted: false };
}

export function combineChecks(a: ManifestCheck, b: ManifestCheck): ManifestCheck {
  return {
    ok: a.ok && b.ok,
    checked: a.checked + b.checked,
    missing: [...a.missing, ...b.missing].slice(0, MAX_NAMES),
    sizeMismatch: [...a.sizeMismatch, ...b.sizeMismatch].slice(0, MAX_NAMES),
    missingCount: a.missingCount + b.missingCount,
    sizeMismatchCount: a.sizeMismatchCount + b.sizeMismatchCount,
    relisted: a.relisted || b.relisted,
  };
}
