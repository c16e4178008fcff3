// Phase 5: the destination bucket registered read-only on the target and the snapshot restored there —
// only the planned user indices (never system ones), aliases included, renames and setting overrides
// applied — then followed until every primary shard has recovered.
import type { RunContext } from '../context.js';
import type { RestoreFacts } from '../record.js';
import { recoveryProgressLine } from '../report/progress.js';
import { DomainError } from '../search/domain.js';
import { ensureRepository } from '../search/repository.js';
import { poll } from '../util/poll.js';

export class RestoreError extends Error {
  override name = 'RestoreError';
}

/** Was this target index restored from our own snapshot (an earlier attempt of this run)? */
async function restoredFromOurSnapshot(ctx: RunContext, index: string): Promise<boolean> {
  const b = await ctx.target.domain.call('GET', `/${encodeURIComponent(index)}/_recovery`).catch(() => undefined);
  const shards: any[] = b?.[index]?.shards ?? [];
  return shards.length > 0 && shards.every((s) => !s.primary || (s.type === 'SNAPSHOT' && s.source?.snapshot === ctx.config.snapshot));
}

export async function restorePhase(ctx: RunContext): Promise<{ facts: RestoreFacts; details: string[] }> {
  const { config, target, log } = ctx;
  const repository = target.config.repository;
  const plan = ctx.plan!.migrate;
  const wait = { intervalMs: config.pollIntervalMs, timeoutMs: config.timeouts.restoreMs, timeoutInput: 'restore-timeout-minutes', signal: ctx.signal };

  const registration = await ensureRepository(target.domain, repository, target.config, true);
  log.info(`repository ${repository} ${registration} read-only and verified on the target (s3://${target.config.bucket}/${target.config.basePath})`);
  const snapshot = await target.domain.getSnapshot(repository, config.snapshot);
  if (!snapshot) {
    throw new RestoreError(`the target cannot see snapshot ${config.snapshot} in repository ${repository}; was the copy to s3://${target.config.bucket}/${target.config.basePath} complete?`);
  }

  // Existing target indices: ours from an earlier attempt are kept; others are only replaced on request.
  const existing = await target.domain.existingIndices(plan.map((m) => m.target));
  const ours: string[] = [];
  const foreign: string[] = [];
  for (const e of existing) ((await restoredFromOurSnapshot(ctx, e.index)) ? ours : foreign).push(e.index);
  if (foreign.length && !config.overwriteExisting) {
    throw new RestoreError(
      `the target already has ${foreign.join(', ')}. Nothing was restored. Set \`overwrite-existing-indices: true\` to replace them, ` +
        'or restore under other names with `rename-pattern`/`rename-replacement`.',
    );
  }
  if (foreign.length) {
    log.warning(`deleting target indices that will be replaced (overwrite-existing-indices): ${foreign.join(', ')}`);
    await target.domain.deleteIndices(foreign);
  }

  const toRestore = plan.filter((m) => !ours.includes(m.target));
  if (ours.length) log.info(`already restored by an earlier attempt: ${ours.join(', ')}`);
  if (toRestore.length) {
    const body: Record<string, unknown> = {
      indices: toRestore.map((m) => m.source).join(','),
      include_global_state: false,
      include_aliases: config.includeAliases,
      partial: false,
    };
    if (config.rename) {
      body.rename_pattern = config.rename.pattern;
      body.rename_replacement = config.rename.replacement;
    }
    if (Object.keys(config.indexSettings).length) body.index_settings = config.indexSettings;
    if (config.ignoreIndexSettings.length) body.ignore_index_settings = config.ignoreIndexSettings.join(',');
    try {
      await target.domain.restoreSnapshot(repository, config.snapshot, body);
    } catch (err) {
      // The domain's front end may give up (504) while the restore goes on; the indices then appear.
      if (!(err instanceof DomainError && err.status === 504)) throw err;
      log.warning('the restore request timed out at the domain (504); following the restore that it started');
    }
  }

  const names = plan.map((m) => m.target);
  const started = Date.now();
  await poll(
    async () => {
      const present = await target.domain.existingIndices(names);
      if (present.length < names.length) return undefined;
      const [health, recovery] = await Promise.all([target.domain.health(names), target.domain.recovery(names)]);
      log.info(recoveryProgressLine({ ...recovery, elapsedMs: Date.now() - started }));
      // Yellow is enough: every primary is restored; replicas a small target cannot place stay unassigned.
      return health.status === 'red' || recovery.shardsTotal === 0 || recovery.shardsDone < recovery.shardsTotal ? undefined : true;
    },
    { ...wait, what: `the restore of ${names.length} indices on the target` },
  );

  return {
    facts: { repository, restored: plan.map((m) => ({ source: m.source, target: m.target })), deletedBeforeRestore: foreign },
    details: [
      `${toRestore.length} indices restored${ours.length ? `, ${ours.length} kept from an earlier attempt` : ''}${foreign.length ? `, ${foreign.length} replaced` : ''}`,
    ],
  };
}
