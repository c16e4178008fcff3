// The one typed picture of a migration, built by inputs.ts from the action's inputs.
// Nothing past inputs.ts reads an input: phases take this (through the run context) instead.

export type AuthConfig = { kind: 'sigv4' } | { kind: 'basic'; username: string; password: string };

/** One side of the migration: a domain and the bucket its snapshot repository lives in. */
export interface SideConfig {
  /** Domain endpoint as an origin, e.g. https://search-x.us-east-1.es.amazonaws.com (no path, no credentials). */
  endpoint: string;
  region: string;
  auth: AuthConfig;
  /** Role to chain into (sts:AssumeRole) from the OIDC role for this side's account; optional. */
  roleToAssume?: string;
  /** The role the domain assumes to reach the bucket (`role_arn` of the repository). Required for sigv4 domains. */
  snapshotRoleArn?: string;
  bucket: string;
  /** Repository base path inside the bucket ('' = bucket root), no leading or trailing slash. */
  basePath: string;
  /** Repository name registered on this side's domain. */
  repository: string;
}

export interface CredentialsConfig {
  /** Role assumed with the GitHub OIDC token; when absent the SDK's default chain (env, profile) is used. */
  roleToAssume?: string;
  audience: string;
  sessionName: string;
  durationSeconds: number;
}

export type Mode = 'migrate' | 'plan';

/** one-phase: snapshot, copy, restore once. two-phase: that while the source takes writes, then a short write-blocked catch-up. */
export type Cutover = 'one-phase' | 'two-phase';

export interface MigrationConfig {
  mode: Mode;
  credentials: CredentialsConfig;
  source: SideConfig;
  target: SideConfig;
  /** Snapshot name; the default is derived from the workflow run so a re-run finds its own work. */
  snapshot: string;
  /** Index patterns to migrate (OpenSearch multi-target syntax, `-` excludes). System indices are always excluded. */
  indices: string[];
  rename?: { pattern: string; replacement: string };
  /** index_settings applied on restore, e.g. { "index.number_of_replicas": 0 }. */
  indexSettings: Record<string, unknown>;
  /** Settings dropped on restore (ignore_index_settings). */
  ignoreIndexSettings: string[];
  includeAliases: boolean;
  /** Replace target indices that already exist (they are deleted before the restore). Off by default. */
  overwriteExisting: boolean;
  cutover: Cutover;
  /** Block writes on the migrated source indices from the snapshot to the end of the run (two-phase: from phase 2). */
  writeBlock: boolean;
  /** Leave that write block in place after a successful, verified run (a cut-over). */
  keepWriteBlock: boolean;
  failOnMismatch: boolean;
  copy: { concurrency: number; multipartThresholdBytes: number };
  /** requestMs: how long one request may stay unanswered before it is abandoned and retried. */
  timeouts: { snapshotMs: number; restoreMs: number; totalMs: number; requestMs: number };
  pollIntervalMs: number;
}

/**
 * Both sides' repositories at the same bucket and the same base path: the target reads the snapshot where
 * the source wrote it, so there is nothing to copy. (The same bucket with other paths still copies.)
 */
export function sameRepositoryLocation(config: Pick<MigrationConfig, 'source' | 'target'>): boolean {
  return config.source.bucket === config.target.bucket && config.source.basePath === config.target.basePath;
}
