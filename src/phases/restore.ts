// Phase 5: the destination bucket registered read-only on the target and the snapshot restored there —
// only the planned user indices (never system ones), aliases included, renames and setting overrides
// applied — then followed until every primary shard has recovered. The two-phase cut-over restores its
// changed indices through the same `restoreIndices`, over the closed copies phase 1 made.
import type { RunContext } from '../context.js';
import type { RestoreFacts, SnapshotFacts } from '../record.js';
import { DomainError } from '../search/domain.js';
import { dataStreams, deleteDataStreams, streamsOwnedByRun } from '../search/streams.js';
import type { StreamPlanEntry } from '../streams/plan.js';
import { poll } from '../util/poll.js';
import { phaseWait, readyRepository } from './repository-step.js';
import { runSnapshotNames } from './snapshot.js';

export class RestoreError extends Error {
  override name = 'RestoreError';
}

type Entry = { source: string; target: string };

/**
 * Target indices this run created: restored from one of its own snapshots (an earlier attempt's too).
 * A closed one counts when the target already sees one of the cut-over's snapshots: only the cut-over
 * closes target indices, right after copying such a snapshot, so an attempt killed between the close and
 * the restore leaves exactly this behind (a closed index's recovery no longer names the snapshot).
 */
async function ownedByThisRun(
  ctx: RunContext,
  targets: Array<{ index: string; status: string }>,
): Promise<{ ours: string[]; foreign: string[] }> {
  const { config, target } = ctx;
  const ourSnapshots = runSnapshotNames(config.snapshot);
  const ours: string[] = [];
  const foreign: string[] = [];
  let cutoverCopied: boolean | undefined;
  const open = targets.filter((t) => t.status !== 'close').map((t) => t.index);
  const restored = await target.domain.restoredFrom(open).catch(() => new Map<string, string | undefined>());
  for (const t of targets) {
    const from = restored.get(t.index);
    let mine = from !== undefined && ourSnapshots.includes(from);
    if (!mine && t.status === 'close') {
      cutoverCopied ??= await seesCutoverSnapshot(ctx);
      mine = cutoverCopied;
    }
    (mine ? ours : foreign).push(t.index);
  }
  return { ours, foreign };
}

async function seesCutoverSnapshot(ctx: RunContext): Promise<boolean> {
  for (const name of runSnapshotNames(ctx.config.snapshot).slice(1)) {
    if (await ctx.target.domain.getSnapshot(ctx.target.config.repository, name).catch(() => undefined)) return true;
  }
  return false;
}

/** `snapshot`: what the snapshot phase found (a snapshot taken again replaces what was restored from the old one). */
export function restorePhase(
  ctx: RunContext,
  snapshot: Pick<SnapshotFacts, 'replaced'> = {},
): Promise<{ facts: RestoreFacts; details: string[] }> {
  const selection = ctx.selection!;
  return restoreIndices(ctx, {
    snapshot: ctx.config.snapshot,
    entries: selection.migrate,
    streams: selection.streams,
    // Indices an earlier attempt restored from a snapshot of this name hold what that snapshot held.
    discardEarlier: snapshot.replaced !== undefined,
  });
}

export interface RestoreRequest {
  snapshot: string;
  entries: Entry[];
  /**
   * Phase 2: the entries are on the target already (phase 1 restored them): close them and restore over
   * them, which lets the restore keep every file that did not change. Without it, indices this run
   * restored earlier are kept as they are (a re-run) and others are refused unless overwrite is allowed.
   */
  replace?: boolean;
  /** First poll interval; the cut-over polls faster than poll-interval-seconds inside its window. */
  intervalMs?: number;
  /** Registered and verified moments ago by phase 1: skip doing it again inside the window. */
  repositoryReady?: boolean;
  /** Data streams restored by name (re-created on the target with their backing indices). */
  streams?: StreamPlanEntry[];
  /** The snapshot was taken again: indices an earlier attempt restored from the stale one are replaced, not kept. */
  discardEarlier?: boolean;
}

export async function restoreIndices(
  ctx: RunContext,
  request: RestoreRequest,
): Promise<{ facts: RestoreFacts; details: string[] }> {
  const { config, target, log } = ctx;
  const repository = target.config.repository;
  const { snapshot, entries } = request;
  const wait = phaseWait(ctx, request.intervalMs, config.timeouts.restoreMs, 'restore-timeout-minutes');
  await readyRepository(ctx, 'target', request.repositoryReady);
  if (!(await target.domain.getSnapshot(repository, snapshot))) {
    throw new RestoreError(
      `the target cannot see snapshot ${snapshot} in repository ${repository}; was the copy to s3://${target.config.bucket}/${target.config.basePath} complete?`,
    );
  }

  // Existing target indices: ours from an earlier attempt are kept (or, in phase 2, replaced); others
  // are only replaced on request.
  const existing = await target.domain.existingIndices(entries.map((m) => m.target));
  const { ours, foreign } = await ownedByThisRun(ctx, existing);
  // Data streams the same way: this run's are kept, anyone else's only replaced on request.
  const streams = request.streams ?? [];
  const existingStreams = [
    ...(
      await dataStreams(
        target.domain,
        streams.map((s) => s.target),
      )
    ).values(),
  ];
  const streamOwners = await streamsOwnedByRun(target.domain, existingStreams, runSnapshotNames(config.snapshot));
  if (streamOwners.foreign.length && !config.overwriteExisting) {
    throw new RestoreError(
      `the target already has data stream${streamOwners.foreign.length === 1 ? '' : 's'} ${streamOwners.foreign.join(', ')}, which this run did not restore. Nothing was restored. ` +
        'Set `overwrite-existing-indices: true` to replace them, or restore under other names with `rename-pattern`/`rename-replacement`.',
    );
  }
  if (foreign.length && !config.overwriteExisting) {
    throw new RestoreError(
      `the target already has ${foreign.join(', ')}${request.replace ? ', which this run did not restore' : ''}. Nothing was restored. Set \`overwrite-existing-indices: true\` to replace them, ` +
        'or restore under other names with `rename-pattern`/`rename-replacement`.',
    );
  }
  let toRestore: Entry[];
  let kept: string[] = [];
  if (request.replace) {
    // Closed rather than deleted: a restore over a closed index reuses its identical files, so only the
    // segments written since phase 1 travel; and an attempt killed here leaves the index, not a gap.
    const open = existing.filter((e) => e.status !== 'close').map((e) => e.index);
    if (foreign.length)
      log.warning(
        `replacing target indices this run did not restore (overwrite-existing-indices): ${foreign.join(', ')}`,
      );
    if (open.length) await target.domain.closeIndices(open);
    toRestore = entries;
  } else {
    if (foreign.length) {
      log.warning(`deleting target indices that will be replaced (overwrite-existing-indices): ${foreign.join(', ')}`);
      await target.domain.deleteIndices(foreign);
    }
    if (request.discardEarlier && ours.length) {
      log.info(`restored by an earlier attempt from the stale snapshot, restored again: ${ours.join(', ')}`);
      await target.domain.deleteIndices(ours);
    } else {
      kept = ours;
      if (ours.length) log.info(`already restored by an earlier attempt: ${ours.join(', ')}`);
    }
    toRestore = entries.filter((m) => !kept.includes(m.target));
  }
  if (streamOwners.foreign.length) {
    log.warning(
      `deleting target data streams that will be replaced (overwrite-existing-indices): ${streamOwners.foreign.join(', ')}`,
    );
    await deleteDataStreams(target.domain, streamOwners.foreign);
  }
  const streamsToRestore = streams.filter((s) => !streamOwners.ours.includes(s.target));
  if (streamOwners.ours.length)
    log.info(`data streams already restored by an earlier attempt: ${streamOwners.ours.join(', ')}`);

  if (toRestore.length || streamsToRestore.length) {
    const body: Record<string, unknown> = {
      indices: [...toRestore.map((m) => m.source), ...streamsToRestore.map((s) => s.source)].join(','),
      include_global_state: false,
      include_aliases: config.includeAliases,
      partial: false,
    };
    if (config.rename) {
      body.rename_pattern = config.rename.pattern;
      body.rename_replacement = config.rename.replacement;
    }
    if (Object.keys(config.indexSettings).length) body.index_settings = config.indexSettings;
    // A snapshot taken inside the write-blocked window carries the run's `index.blocks.write: true`; the
    // block belongs to the source's cut-over, and the target must take writes once it is done.
    const ignore = [...new Set([...config.ignoreIndexSettings, ...(config.writeBlock ? ['index.blocks.write'] : [])])];
    if (ignore.length) body.ignore_index_settings = ignore.join(',');
    try {
      await target.domain.restoreSnapshot(repository, snapshot, body);
    } catch (err) {
      // The domain's front end may give up (504) while the restore goes on; the indices then appear.
      if (!(err instanceof DomainError && err.status === 504)) throw err;
      log.warning('the restore request timed out at the domain (504); following the restore that it started');
    }
  }

  const names = entries.map((m) => m.target);
  const started = Date.now();
  let moved = 0;
  await poll(
    async () => {
      // A restored stream's backing indices are the ones the target lists for it (the snapshot's, renamed with it).
      const restoredStreams = streams.length
        ? await dataStreams(
            target.domain,
            streams.map((s) => s.target),
          )
        : new Map();
      if (restoredStreams.size < streams.length) return undefined;
      const all = [...names, ...[...restoredStreams.values()].flatMap((s) => s.backingIndices as string[])];
      const present = await target.domain.existingIndices(all);
      // A closed index is not restored yet (phase 2 closes them just before its restore).
      if (present.length < all.length || (request.replace && present.some((p) => p.status === 'close')))
        return undefined;
      const [health, recovery] = await Promise.all([target.domain.clusterHealth(all), target.domain.recovery(all)]);
      ctx.progress.restore({ ...recovery, elapsedMs: Date.now() - started });
      moved = recovery.bytesTotal;
      // `_recovery` lists only the primaries whose recovery has begun, and a primary waiting its turn (a node
      // recovers a few at a time) leaves the indices yellow, not red: with a thousand indices there are moments
      // when every begun recovery is done and the rest have not begun. Done means every primary, counted.
      const primaries = present.reduce((n, p) => n + p.primaries, 0);
      // Yellow is enough: every primary is restored; replicas a small target cannot place stay unassigned.
      if (
        health.status === 'red' ||
        recovery.shardsTotal < Math.max(primaries, 1) ||
        recovery.shardsDone < recovery.shardsTotal
      )
        return undefined;
      // Phase 2: the recovery shown must be this restore's, not the one phase 1 finished.
      return request.replace && !(await restoredFrom(ctx, names, snapshot)) ? undefined : true;
    },
    {
      ...wait,
      what: `the restore of ${names.length} indices${streams.length ? ` and ${streams.length} data streams` : ''} on the target`,
    },
  );

  return {
    facts: {
      repository,
      restored: entries.map((m) => ({ source: m.source, target: m.target })),
      deletedBeforeRestore: [...foreign, ...streamOwners.foreign],
      kept: [...kept, ...streamOwners.ours],
      ...(streams.length ? { streams: streams.map((s) => ({ source: s.source, target: s.target })) } : {}),
      ...(moved ? { bytes: moved } : {}),
    },
    details: [
      request.replace
        ? `${toRestore.length} indices restored from ${snapshot} over their phase-1 copies`
        : `${toRestore.length} indices${streams.length ? ` and ${streamsToRestore.length} data streams` : ''} restored${kept.length ? `, ${kept.length} kept from an earlier attempt` : ''}${foreign.length ? `, ${foreign.length} replaced` : ''}`,
    ],
  };
}

/** Every primary of these indices last recovered from this snapshot. */
async function restoredFrom(ctx: RunContext, names: string[], snapshot: string): Promise<boolean> {
  const from = await ctx.target.domain.restoredFrom(names);
  return names.every((n) => from.get(n) === snapshot);
}
