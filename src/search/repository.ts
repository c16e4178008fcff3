// The S3 snapshot repository as a managed domain wants it registered: bucket, base path, region and the
// role the domain assumes (`role_arn`). The same function serves both sides, so they cannot drift.
import type { SideConfig } from '../config.js';
import type { Domain, RegisteredRepository } from './domain.js';

/**
 * The throttles a repository carries (per node): the source's snapshot rate when the user raised it
 * (`snapshot-rate`), and on the target's read-only registration no restore throttle at all — the
 * target serves no one yet. (OpenSearch 3.x already restores unthrottled by default; Elasticsearch 7.10
 * and OpenSearch 1.x default to 40mb.) Either way the restore is still bound by the target's recovery
 * rate, `indices.recovery.max_bytes_per_sec` (phases/restore-throttles.ts).
 */
export interface RepositoryThrottles {
  maxSnapshotBytesPerSec?: string;
  maxRestoreBytesPerSec?: string;
}

export function repositorySettings(
  side: SideConfig,
  opts: { readonly: boolean; snapshotRoleArn?: string; throttles?: RepositoryThrottles },
): Record<string, unknown> {
  const settings: Record<string, unknown> = { bucket: side.bucket, region: side.region };
  if (side.basePath) settings.base_path = side.basePath;
  const role = opts.snapshotRoleArn ?? side.snapshotRoleArn;
  if (role) settings.role_arn = role;
  // The target only reads: a read-only registration can never write to (or clean up) the repository
  // that the source still owns.
  if (opts.readonly) settings.readonly = true;
  if (opts.throttles?.maxSnapshotBytesPerSec)
    settings.max_snapshot_bytes_per_sec = opts.throttles.maxSnapshotBytesPerSec;
  if (opts.throttles?.maxRestoreBytesPerSec) settings.max_restore_bytes_per_sec = opts.throttles.maxRestoreBytesPerSec;
  return settings;
}

/** Whether a registered repository is the S3 repository at this side's bucket and base path. */
export function isSamePlace(existing: RegisteredRepository, side: SideConfig): boolean {
  const s = existing.settings ?? {};
  return existing.type === 's3' && s.bucket === side.bucket && String(s.base_path ?? '') === side.basePath;
}

/**
 * Registers the repository, or confirms that the one already registered under that name points at the
 * same place (a re-run registers again harmlessly; a name already used for another bucket is an error).
 */
export async function ensureRepository(
  domain: Domain,
  name: string,
  side: SideConfig,
  readonly: boolean,
  throttles?: RepositoryThrottles,
): Promise<'registered' | 'reused' | 'kept writable'> {
  const settings = repositorySettings(side, { readonly, throttles });
  const existing = await domain.getRepository(name);
  if (existing) {
    if (!isSamePlace(existing, side)) {
      const s = existing.settings ?? {};
      throw new Error(
        `the ${domain.label} domain already has a repository named "${name}" for ${existing.type} ${String(s.bucket ?? '')}/${String(s.base_path ?? '')}; ` +
          `set \`${domain.label}-repository\` to another name (the run will not re-point a repository someone else uses)`,
      );
    }
    // Already registered writable at the same place: the source's own registration when the target is the
    // same domain (a rename), or the user's. Reading through it is all a restore needs; re-registering it
    // read-only would stop every later snapshot into it (`cannot create snapshot in a readonly repository`).
    if (readonly && String(existing.settings?.readonly ?? 'false') !== 'true') {
      await domain.verifyRepository(name);
      return 'kept writable';
    }
  }
  await domain.registerRepository(name, 's3', settings, true);
  await domain.verifyRepository(name);
  return existing ? 'reused' : 'registered';
}
