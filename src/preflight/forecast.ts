// What a migration with these inputs will do, for the plan: indices and bytes the snapshot takes, the
// objects and bytes the copy moves and about how long that takes, what is restored under which name
// and settings, and what verification compares. Estimates are marked as such in the summary.
import type { CopySurvey } from '../aws/copy/survey.js';
import { sameRepositoryLocation, type MigrationConfig } from '../config.js';
import type { Forecast } from '../record.js';
import { restoredSettings, type SourceIndex } from './target.js';
import { forecastDuration } from './duration.js';

/**
 * Copy-time model, from the copy engine's own reasoning (src/aws/copy/defaults.ts): a server-side copy
 * is latency-bound, about 100 ms per request cross-Region with `copy-concurrency` requests in flight,
 * and large objects move at roughly 200 MiB/s in aggregate. Rough on purpose: it sizes the time budget.
 */
const REQUEST_MS = 100;
const BYTES_PER_MS = (200 * 1024 * 1024) / 1000;

/** The root blobs every new snapshot adds or rewrites: `index-N+1`, `index.latest`, `snap-*`, `meta-*`. */
const ROOT_BLOBS_PER_SNAPSHOT = 4;
/**
 * Bytes of a metadata blob (shard `snap-*.dat` and `index-*`, root `snap-*`/`meta-*`): about 1 KiB on
 * the stack's snapshots. The root `index-N` is sized from the repository's current one instead, since it
 * grows with every snapshot and index the repository holds.
 */
const METADATA_BLOB_BYTES = 1024;

/**
 * Blobs a snapshot writes for indices no earlier snapshot of the repository holds: 2 per segment (a
 * flushed segment is compound, .cfs and .cfe; its .si and the shard's segments_N are small enough to be
 * kept inside the shard's snapshot metadata rather than as blobs of their own), 2 per shard (its
 * `snap-*.dat` and `index-*`), 1 per index (`meta-*.dat`), 4 at the root. Measured on the stack's
 * snapshots (__tests__/e2e/copy-forecast.test.ts). A large merged segment is not compound and has ~10
 * files: on big, long-merged indices this is low, which costs the forecast little time (the bytes,
 * not the request count, size those copies).
 */
export function estimateObjects(indices: Array<{ segments: number; shards: number }>): number {
  return indices.reduce((n, i) => n + i.segments * 2 + i.shards * 2 + 1, 0) + ROOT_BLOBS_PER_SNAPSHOT;
}

/**
 * What the copy will move: what the source repository holds today that the destination does not (the
 * survey, from both listings), plus what the snapshot this run takes writes into it. A snapshot is
 * incremental: an index an earlier snapshot of the repository holds gets only its new segments written
 * again, so such an index counts its per-shard and per-index metadata here, not its primaries (an index
 * written to since that snapshot adds its new segments on top: the estimate is low by those). Without a
 * survey (the listing was refused) every index counts as new.
 */
export function estimateCopy(
  indices: Array<{ index: string; segments: number; shards: number; primaryBytes: number }>,
  p: { reuses: boolean; survey?: CopySurvey },
): {
  objects: number;
  bytes: number;
  inRepository?: { objects: number; bytes: number };
  newSnapshot: { objects: number; bytes: number };
} {
  const known = new Set(p.survey?.indicesInRepository ?? []);
  const fresh = indices.filter((i) => !known.has(i.index));
  const reused = indices.filter((i) => known.has(i.index));
  // A snapshot the run reuses is in the listing already: nothing new is written. An index an earlier
  // snapshot holds keeps its segments and its index metadata blob (written only when the metadata changed).
  const segmentBlobs = fresh.reduce((n, i) => n + i.segments * 2, 0);
  const metadataBlobs =
    fresh.reduce((n, i) => n + i.shards * 2 + 1, 0) +
    reused.reduce((n, i) => n + i.shards * 2, 0) +
    (ROOT_BLOBS_PER_SNAPSHOT - 1);
  const newSnapshot = p.reuses
    ? { objects: 0, bytes: 0 }
    : {
        objects: segmentBlobs + metadataBlobs + 1, // + the next index-N
        bytes:
          fresh.reduce((n, i) => n + i.primaryBytes, 0) +
          metadataBlobs * METADATA_BLOB_BYTES +
          (p.survey?.latestGenerationBytes ?? METADATA_BLOB_BYTES),
      };
  const inRepository = p.survey && { objects: p.survey.toCopy, bytes: p.survey.toCopyBytes };
  return {
    objects: (inRepository?.objects ?? 0) + newSnapshot.objects,
    bytes: (inRepository?.bytes ?? 0) + newSnapshot.bytes,
    ...(inRepository ? { inRepository } : {}),
    newSnapshot,
  };
}

export function estimateCopyMs(objects: number, bytes: number, concurrency: number): number {
  return Math.round((objects * REQUEST_MS) / Math.max(concurrency, 1) + bytes / BYTES_PER_MS);
}

export function forecast(
  config: MigrationConfig,
  indices: SourceIndex[],
  p: {
    reuses: boolean;
    replaces: string[];
    bytesNeeded: number;
    bytesFree?: number;
    created: Map<string, string>;
    /** Both repositories' listings, joined (undefined when the copy is skipped or the listing failed). */
    survey?: CopySurvey;
    /** What bounds the phases' speed (duration.ts); without them no duration is forecast. */
    throttles?: { sourceDataNodes: number; targetDataNodes: number; snapshotRate: string; recoveryRate: string };
  },
): Forecast {
  const rows = indices.map((i) => ({
    index: i.index,
    documents: i.documents,
    primaryBytes: i.primaryBytes,
    shards: Number(i.settings['index.number_of_shards'] ?? 1),
    replicas: Number(restoredSettings(i.settings, config)['index.number_of_replicas'] ?? 1),
    ...(p.created.get(i.index) ? { created: p.created.get(i.index)! } : {}),
  }));
  const documents = rows.reduce((n, r) => n + r.documents, 0);
  const primaryBytes = rows.reduce((n, r) => n + r.primaryBytes, 0);
  const skipped = sameRepositoryLocation(config);
  const copy = estimateCopy(
    indices.map((i) => ({
      index: i.index,
      segments: i.segments,
      shards: Number(i.settings['index.number_of_shards'] ?? 1),
      primaryBytes: i.primaryBytes,
    })),
    p,
  );
  const copyMs = skipped ? 0 : estimateCopyMs(copy.objects, copy.bytes, config.copy.concurrency);
  const duration =
    p.throttles &&
    forecastDuration({
      snapshotBytes: copy.newSnapshot.bytes,
      primaryShards: rows.reduce((n, r) => n + r.shards, 0),
      sourceDataNodes: p.throttles.sourceDataNodes,
      snapshotRate: p.throttles.snapshotRate,
      copyMs,
      copyBytes: skipped ? 0 : copy.bytes,
      copyRootMs: skipped ? 0 : estimateCopyMs(ROOT_BLOBS_PER_SNAPSHOT, 0, config.copy.concurrency),
      restoreBytes: primaryBytes,
      replicaBytes: rows.reduce((n, r) => n + r.primaryBytes * r.replicas, 0),
      targetDataNodes: p.throttles.targetDataNodes,
      recoveryRate: p.throttles.recoveryRate,
    });
  return {
    ...(duration ? { duration } : {}),
    snapshot: {
      repository: config.source.repository,
      snapshot: config.snapshot,
      indices: rows,
      documents,
      primaryBytes,
      reuses: p.reuses,
    },
    copy: {
      skipped,
      from: `s3://${config.source.bucket}/${config.source.basePath}`,
      to: `s3://${config.target.bucket}/${config.target.basePath}`,
      objectsEstimate: skipped ? 0 : copy.objects,
      bytesEstimate: skipped ? 0 : copy.bytes,
      estimatedMs: copyMs,
      ...(!skipped && copy.inRepository ? { inRepository: copy.inRepository } : {}),
      ...(!skipped ? { newSnapshot: copy.newSnapshot } : {}),
    },
    restore: {
      repository: config.target.repository,
      indices: indices.map((i) => ({ source: i.index, target: i.target })),
      indexSettings: config.indexSettings,
      ignoreIndexSettings: config.ignoreIndexSettings,
      includeAliases: config.includeAliases,
      replaces: p.replaces,
      bytesNeeded: p.bytesNeeded,
      ...(p.bytesFree !== undefined ? { bytesFree: p.bytesFree } : {}),
    },
    verify: {
      indices: indices.length,
      documents,
      aliases: config.includeAliases ? new Set(indices.flatMap((i) => i.aliases)).size : 0,
    },
  };
}
