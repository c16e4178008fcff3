// The S3 snapshot repository as a managed domain wants it registered: bucket, base path, region and the
// role the domain assumes (`role_arn`). The same function serves both sides, so they cannot drift.
import type { SideConfig } from '../config.js';
import type { Domain, RegisteredRepository } from './domain.js';

export function repositorySettings(
  side: SideConfig,
  opts: { readonly: boolean; snapshotRoleArn?: string },
): Record<string, unknown> {
  const settings: Record<string, unknown> = { bucket: side.bucket, region: side.region };
  if (side.basePath) settings.base_path = side.basePath;
  const role = opts.snapshotRoleArn ?? side.snapshotRoleArn;
  if (role) settings.role_arn = role;
  // The target only reads: a read-only registration can never write to (or clean up) the repository
  // that the source still owns.
  if (opts.readonly) settings.readonly = true;
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
): Promise<'registered' | 'reused' | 'kept writable'> {
  const settings = repositorySettings(side, { readonly });
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
