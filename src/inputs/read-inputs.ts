// Reads and validates every input into one MigrationConfig before anything is touched. Nothing else reads
// inputs. Problems are collected, not thrown one at a time, so a user fixes the whole list in one push.
import type { Cutover, MigrationConfig, Mode } from '../config.js';
import { Bounds, Defaults, Inputs, SideInputs } from '../constants.js';
import { roleArn } from './aws-names.js';
import { InputError, Problems, q } from './problems.js';
import { bool, list, numberIn, str } from './readers.js';
import { ignoreIndexSettings, indexPatterns, indexSettings, rename, resourceName } from './restore-options.js';
import { checkLocations, readSide } from './sides.js';

export { InputError };

/** `<prefix>-<run id>`: the same for every attempt of a workflow run; a UTC timestamp outside Actions. */
export function runSuffix(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): string {
  const runId = env['GITHUB_RUN_ID']?.trim();
  if (runId) return runId;
  return now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .toLowerCase();
}

// --- the one entry point -------------------------------------------------------------------------------

export function readInputs(): MigrationConfig {
  const p = new Problems();
  const suffix = runSuffix();

  const modeRaw = str(Inputs.Mode) || Defaults.mode;
  if (modeRaw !== 'migrate' && modeRaw !== 'plan')
    p.add(
      Inputs.Mode,
      `${q(modeRaw)} is not a mode`,
      'write migrate (the default) or plan (checks only, changes nothing)',
    );
  const mode: Mode = modeRaw === 'plan' ? 'plan' : 'migrate';

  const sessionName = str(Inputs.RoleSessionName) || `${Defaults.sessionNamePrefix}-${suffix}`;
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName))
    p.add(
      Inputs.RoleSessionName,
      `${q(sessionName)} is not a valid session name`,
      'write 2-64 letters, digits or +=,.@_-',
    );
  const audience = str(Inputs.Audience) || Defaults.audience;
  if (/\s/.test(audience))
    p.add(Inputs.Audience, `${q(audience)} has whitespace`, `write the OIDC audience, e.g. ${Defaults.audience}`);

  const snapshotRoleRaw = str(Inputs.SnapshotRoleArn);
  const targetSnapshotRoleRaw = str(Inputs.TargetSnapshotRoleArn);
  const source = readSide(
    p,
    'source',
    { basePath: Defaults.basePath, repository: Defaults.repository },
    { input: Inputs.SnapshotRoleArn, value: snapshotRoleRaw },
  );
  const target = readSide(
    p,
    'target',
    {
      bucket: str(SideInputs.source.Bucket) === '' ? undefined : source.bucket,
      basePath: source.basePath,
      repository: source.repository,
    },
    targetSnapshotRoleRaw
      ? { input: Inputs.TargetSnapshotRoleArn, value: targetSnapshotRoleRaw }
      : { input: Inputs.SnapshotRoleArn, value: snapshotRoleRaw },
  );

  const snapshot =
    resourceName(p, Inputs.Snapshot, str(Inputs.Snapshot) || `${Defaults.snapshotPrefix}-${suffix}`, 'snapshot') ?? '';
  const indices = indexPatterns(p, list(Inputs.Indices));
  const renameRule = rename(p, str(Inputs.RenamePattern), str(Inputs.RenameReplacement));
  checkLocations(p, source, target, str(Inputs.RenamePattern) !== '');

  const cutoverRaw = str(Inputs.Cutover) || Defaults.cutover;
  if (cutoverRaw !== 'one-phase' && cutoverRaw !== 'two-phase') {
    p.add(
      Inputs.Cutover,
      `${q(cutoverRaw)} is not a cut-over`,
      'write one-phase (the default) or two-phase (writes blocked only for a short catch-up)',
    );
  }
  const cutover: Cutover = cutoverRaw === 'two-phase' ? 'two-phase' : 'one-phase';
  // A two-phase cut-over is a write block by definition: its phase 2 runs with the source blocked.
  const writeBlockInput = bool(p, Inputs.WriteBlock, Defaults.writeBlock);
  const writeBlock = cutover === 'two-phase' || writeBlockInput;
  const keepWriteBlock = bool(p, Inputs.KeepWriteBlock, Defaults.keepWriteBlock);
  if (keepWriteBlock && !writeBlock)
    p.add(
      Inputs.KeepWriteBlock,
      'is true but write-block is false',
      'set write-block: true (or cutover: two-phase) too, or drop keep-write-block',
    );

  const minutes = (name: string, fallback: number) => numberIn(p, name, fallback, Bounds.timeoutMinutes, false);
  const totalMin = minutes(Inputs.TimeoutMinutes, Defaults.timeoutMinutes);
  // A phase's default wait shrinks to fit a smaller budget; only a wait the user wrote can contradict it.
  const phaseMinutes = (name: string, fallback: number): number => {
    const value = minutes(name, Math.min(fallback, totalMin));
    if (str(name) !== '' && value > totalMin)
      p.add(
        name,
        `${value} is longer than timeout-minutes (${totalMin})`,
        `write at most ${totalMin}, or raise timeout-minutes`,
      );
    return value;
  };
  const snapshotMin = phaseMinutes(Inputs.SnapshotTimeoutMinutes, Defaults.snapshotTimeoutMinutes);
  const restoreMin = phaseMinutes(Inputs.RestoreTimeoutMinutes, Defaults.restoreTimeoutMinutes);

  const config: MigrationConfig = {
    mode,
    credentials: {
      roleToAssume: roleArn(p, Inputs.RoleToAssume, str(Inputs.RoleToAssume)),
      audience,
      sessionName,
      durationSeconds: numberIn(
        p,
        Inputs.RoleDurationSeconds,
        Defaults.roleDurationSeconds,
        Bounds.roleDurationSeconds,
        true,
      ),
    },
    source,
    target,
    snapshot,
    indices,
    ...(renameRule ? { rename: renameRule } : {}),
    indexSettings: indexSettings(p, str(Inputs.IndexSettings)),
    ignoreIndexSettings: ignoreIndexSettings(p, list(Inputs.IgnoreIndexSettings)),
    includeAliases: bool(p, Inputs.IncludeAliases, Defaults.includeAliases),
    overwriteExisting: bool(p, Inputs.OverwriteExistingIndices, Defaults.overwriteExistingIndices),
    cutover,
    writeBlock,
    keepWriteBlock,
    failOnMismatch: bool(p, Inputs.FailOnMismatch, Defaults.failOnMismatch),
    copy: {
      concurrency: numberIn(p, Inputs.CopyConcurrency, Defaults.copyConcurrency, Bounds.copyConcurrency, true),
      multipartThresholdBytes:
        numberIn(p, Inputs.MultipartThresholdMb, Defaults.multipartThresholdMb, Bounds.multipartThresholdMb, true) *
        1024 *
        1024,
    },
    timeouts: {
      snapshotMs: snapshotMin * 60_000,
      restoreMs: restoreMin * 60_000,
      totalMs: totalMin * 60_000,
      requestMs:
        numberIn(p, Inputs.RequestTimeoutSeconds, Defaults.requestTimeoutSeconds, Bounds.requestTimeoutSeconds, false) *
        1000,
    },
    pollIntervalMs: Math.round(
      numberIn(p, Inputs.PollIntervalSeconds, Defaults.pollIntervalSeconds, Bounds.pollIntervalSeconds, false) * 1000,
    ),
  };
  if (p.list.length > 0) throw new InputError(p.list);
  return config;
}
