// Every input and output name, and every default, in one place (the actions/cache habit): action.yml,
// inputs.ts and the outputs builder all spell names from here, and a unit test keeps action.yml in step.

export const Inputs = {
  Mode: 'mode',
  RoleToAssume: 'role-to-assume',
  Audience: 'audience',
  RoleSessionName: 'role-session-name',
  RoleDurationSeconds: 'role-duration-seconds',
  SnapshotRoleArn: 'snapshot-role-arn',
  TargetSnapshotRoleArn: 'target-snapshot-role-arn',
  Snapshot: 'snapshot',
  Indices: 'indices',
  RenamePattern: 'rename-pattern',
  RenameReplacement: 'rename-replacement',
  IndexSettings: 'index-settings',
  IgnoreIndexSettings: 'ignore-index-settings',
  IncludeAliases: 'include-aliases',
  OverwriteExistingIndices: 'overwrite-existing-indices',
  Cutover: 'cutover',
  WriteBlock: 'write-block',
  KeepWriteBlock: 'keep-write-block',
  FailOnMismatch: 'fail-on-mismatch',
  CopyConcurrency: 'copy-concurrency',
  MultipartThresholdMb: 'multipart-threshold-mb',
  SnapshotTimeoutMinutes: 'snapshot-timeout-minutes',
  RestoreTimeoutMinutes: 'restore-timeout-minutes',
  TimeoutMinutes: 'timeout-minutes',
  PollIntervalSeconds: 'poll-interval-seconds',
  RequestTimeoutSeconds: 'request-timeout-seconds',
} as const;

/** Which side of the migration: the domain migrated from, or the one migrated to. */
export type SideName = 'source' | 'target';

/** The inputs that exist once per side, named `<side>-<name>`. */
function sideInputs<S extends SideName>(side: S) {
  return {
    Endpoint: `${side}-endpoint`,
    Region: `${side}-region`,
    RoleToAssume: `${side}-role-to-assume`,
    Bucket: `${side}-bucket`,
    BasePath: `${side}-base-path`,
    Repository: `${side}-repository`,
    Auth: `${side}-auth`,
    Username: `${side}-username`,
    Password: `${side}-password`,
  } as const;
}

export const SideInputs = { source: sideInputs('source'), target: sideInputs('target') } as const;

export type InputName =
  (typeof Inputs)[keyof typeof Inputs] | (typeof SideInputs)[SideName][keyof (typeof SideInputs)[SideName]];

/** Every input name, in the order action.yml documents them. */
export const ALL_INPUTS: readonly InputName[] = [
  Inputs.Mode,
  Inputs.RoleToAssume,
  Inputs.Audience,
  Inputs.RoleSessionName,
  Inputs.RoleDurationSeconds,
  ...Object.values(SideInputs.source),
  ...Object.values(SideInputs.target),
  Inputs.SnapshotRoleArn,
  Inputs.TargetSnapshotRoleArn,
  Inputs.Snapshot,
  Inputs.Indices,
  Inputs.RenamePattern,
  Inputs.RenameReplacement,
  Inputs.IndexSettings,
  Inputs.IgnoreIndexSettings,
  Inputs.IncludeAliases,
  Inputs.OverwriteExistingIndices,
  Inputs.Cutover,
  Inputs.WriteBlock,
  Inputs.KeepWriteBlock,
  Inputs.FailOnMismatch,
  Inputs.CopyConcurrency,
  Inputs.MultipartThresholdMb,
  Inputs.SnapshotTimeoutMinutes,
  Inputs.RestoreTimeoutMinutes,
  Inputs.TimeoutMinutes,
  Inputs.PollIntervalSeconds,
  Inputs.RequestTimeoutSeconds,
];

export const Outputs = {
  Snapshot: 'snapshot',
  Repository: 'repository',
  Verified: 'verified',
  SourceDocuments: 'source-documents',
  TargetDocuments: 'target-documents',
  Indices: 'indices',
  MismatchedIndices: 'mismatched-indices',
  CopiedObjects: 'copied-objects',
  CopiedBytes: 'copied-bytes',
  WriteBlockSeconds: 'write-block-seconds',
  Summary: 'summary',
  Checks: 'checks',
  IamDocuments: 'iam-documents',
} as const;

export type OutputName = (typeof Outputs)[keyof typeof Outputs];

/**
 * Defaults for inputs left empty. action.yml repeats the static ones (the unit test checks they agree);
 * the derived ones (target-* from source-*, the snapshot and session names from the run) live only here.
 */
export const Defaults = {
  mode: 'migrate',
  audience: 'sts.amazonaws.com',
  /** role-session-name is `<prefix>-<GITHUB_RUN_ID>`. */
  sessionNamePrefix: 'opensearch-domain-migrate',
  roleDurationSeconds: 3600,
  auth: 'sigv4',
  repository: 'domain-migrate',
  basePath: 'opensearch-domain-migrate',
  /** snapshot is `<prefix>-<GITHUB_RUN_ID>`, the same for every attempt of a run, so a re-run finds its own work. */
  snapshotPrefix: 'migrate',
  indices: '*',
  includeAliases: true,
  overwriteExistingIndices: false,
  cutover: 'one-phase',
  writeBlock: false,
  keepWriteBlock: false,
  failOnMismatch: true,
  copyConcurrency: 128,
  multipartThresholdMb: 64,
  snapshotTimeoutMinutes: 120,
  restoreTimeoutMinutes: 120,
  timeoutMinutes: 360,
  pollIntervalSeconds: 5,
  requestTimeoutSeconds: 90,
} as const;

/** Inclusive bounds of the numeric inputs. */
export const Bounds = {
  // STS refuses durations outside 15 min..12 h.
  roleDurationSeconds: { min: 900, max: 43200 },
  copyConcurrency: { min: 1, max: 512 },
  // S3 parts are 5 MiB..5 GiB; a threshold outside that cannot be honoured.
  multipartThresholdMb: { min: 5, max: 5120 },
  // Minutes may be fractional (0.5 = 30 s) so tests can exercise a timeout; 5 days is a self-hosted job's limit.
  timeoutMinutes: { min: 0.1, max: 7200 },
  pollIntervalSeconds: { min: 0.1, max: 300 },
  // A request silent this long is abandoned and retried; S3 keeps long copies alive, so this never cuts one short.
  requestTimeoutSeconds: { min: 1, max: 600 },
} as const;

/** Indices whose names start with a dot are the cluster's own (.kibana, .opendistro-*, .plugins-*, .tasks): never migrated. */
export const SYSTEM_INDEX_PREFIX = '.';

export function isSystemIndex(name: string): boolean {
  return name.startsWith(SYSTEM_INDEX_PREFIX);
}

/** Repository names Amazon OpenSearch Service reserves for its automated snapshots. */
export const RESERVED_REPOSITORIES: readonly string[] = ['cs-automated', 'cs-automated-enc'];

/** GitHub refuses a step summary over 1 MiB; stay a little under it. */
export const SUMMARY_MAX_BYTES = 1_000_000;
