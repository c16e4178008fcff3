// The order a snapshot repository must be copied in, and which keys are not copied at all.
//
// OpenSearch finds a repository's state from the root: `index.latest` names generation N, `index-N`
// lists the snapshots, each `snap-*`/`meta-*` names the index metadata and shard blobs under
// `indices/`. A restore on the target may read the destination while we copy, so a root blob must
// never arrive before the blobs it points at: everything else first, then the snapshot metadata,
// then the generations in ascending order, and `index.latest` last.

export type CopyStage = 'blobs' | 'snapshot-metadata' | 'generations' | 'latest';

/** Copy stages in the order they run; each starts only after the previous one is done. */
export const COPY_STAGES: readonly CopyStage[] = ['blobs', 'snapshot-metadata', 'generations', 'latest'];

export type Placement = { stage: CopyStage; generation?: number } | { excluded: 'verification-leftover' };

/**
 * Where a key (relative to the repository's base path) goes in the copy.
 * `tests-*` are the files repository verification writes and leaves behind; they mean nothing to a restore.
 */
export function placeKey(relativeKey: string): Placement {
  if (relativeKey.startsWith('tests-')) return { excluded: 'verification-leftover' };
  if (relativeKey.includes('/')) return { stage: 'blobs' };
  if (relativeKey === 'index.latest') return { stage: 'latest' };
  const generation = /^index-(\d+)$/.exec(relativeKey);
  if (generation) return { stage: 'generations', generation: Number(generation[1]) };
  if (relativeKey.startsWith('meta-') || relativeKey.startsWith('snap-')) return { stage: 'snapshot-metadata' };
  // Any other root blob (e.g. a legacy `incompatible-snapshots`) is not named by a generation's
  // pointers chain, so it is safe to copy with the bulk.
  return { stage: 'blobs' };
}

/** `base_path` as a listing prefix: no leading slash, one trailing slash, '' for the bucket root. */
export function normalizePrefix(basePath: string): string {
  const trimmed = basePath.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

/**
 * S3 lists keys in ascending UTF-8 byte order. JavaScript compares UTF-16 code units, which
 * disagrees for characters above U+FFFF (surrogate pairs) against U+E000–U+FFFF, so map code
 * units into code-point order before comparing. Listings are merge-joined on this order.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000; // surrogates stand for code points >= U+10000
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
