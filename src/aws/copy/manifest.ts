// The proof at the end: list both sides again and check every source key is at the destination
// with the same size. Streamed like the copy itself, so it costs no memory on a large repository.
import type { Location } from './context.js';
import { joinListings, listRepository, type ListedObject } from './listing.js';
import { placeKey } from './plan.js';
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
  for await (const object of listRepository(location, (attempts) => requester.count('ListObjectsV2', attempts), signal)) {
    if ('excluded' in placeKey(object.key)) {
      onExcluded?.();
      continue;
    }
    yield object;
  }
}

export async function checkManifest(
  source: Location,
  destination: Location,
  requester: Requester,
  signal?: AbortSignal,
): Promise<ManifestCheck> {
  const check: ManifestCheck = { ok: true, checked: 0, missing: [], sizeMismatch: [], missingCount: 0, sizeMismatchCount: 0, relisted: true };
  const destinationObjects = listRepository(destination, (attempts) => requester.count('ListObjectsV2', attempts), signal);
  for await (const pair of joinListings(repositoryObjects(source, requester, signal), destinationObjects)) {
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
