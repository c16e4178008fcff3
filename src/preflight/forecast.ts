// What a migration with these inputs will do, for the plan: indices and bytes the snapshot takes, the
// objects and bytes the copy moves and about how long that takes, what is restored under which name
// and settings, and what verification compares. Estimates are marked as such in the summary.
import { sameRepositoryLocation, type MigrationConfig } from '../config.js';
import type { Forecast } from '../record.js';
import { restoredSettings, type SourceIndex } from './target.js';

/**
 * Copy-time model, from the copy engine's own reasoning (src/aws/copy/defaults.ts): a server-side copy
 * is latency-bound, about 100 ms per request cross-Region with `copy-concurrency` requests in flight,
 * and large objects move at roughly 200 MiB/s in aggregate. Rough on purpose: it sizes the time budget.
 */
const REQUEST_MS = 100;
const BYTES_PER_MS = (200 * 1024 * 1024) / 1000;

/** Snapshot blobs: ~4 files per segment (compound .cfs/.cfe/.si, live docs), 3 per shard, 1 per index, 4 at the root. */
export function estimateObjects(indices: Array<{ segments: number; shards: number }>): number {
  return indices.reduce((n, i) => n + i.segments * 4 + i.shards * 3 + 1, 0) + 4;
}

export function estimateCopyMs(objects: number, bytes: number, concurrency: number): number {
  return Math.round((objects * REQUEST_MS) / Math.max(concurrency, 1) + bytes / BYTES_PER_MS);
}

export function forecast(
  config: MigrationConfig,
  indices: SourceIndex[],
  p: { reuses: boolean; replaces: string[]; bytesNeeded: number; bytesFree?: number; created: Map<string, string> },
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
  const objects = skipped
    ? 0
    : estimateObjects(
        indices.map((i) => ({ segments: i.segments, shards: Number(i.settings['index.number_of_shards'] ?? 1) })),
      );
  const bytes = skipped ? 0 : primaryBytes;
  return {
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
      objectsEstimate: objects,
      bytesEstimate: bytes,
      estimatedMs: skipped ? 0 : estimateCopyMs(objects, bytes, config.copy.concurrency),
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
