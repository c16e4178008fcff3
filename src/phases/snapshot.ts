// Phase 3: a manual snapshot of the migrated indices on the source. Registers and verifies the
// repository, waits while another snapshot (AWS's hourly automated one, say) runs, takes ours, and
// follows it to the end with progress in the log. A re-run of the same workflow run finds its snapshot
// by name and reuses it (in progress or done). The two-phase cut-over takes its incremental snapshot
// through the same `takeSnapshot`.
import type { RunContext } from '../context.js';
import type { SnapshotFacts } from '../record.js';
import { DomainError, type SnapshotInfo } from '../search/domain.js';
import { poll } from '../util/poll.js';
import { plural } from '../util/format.js';
import { snapshotMark } from '../resume/snapshot-mark.js';
import { judgeFoundSnapshot, sourceFingerprint } from '../resume/snapshot-reuse.js';
import { phaseWait, readyRepository } from './repository-step.js';

export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

const isConcurrentSnapshot = (err: unknown) =>
  err instanceof DomainError &&
  (err.type === 'concurrent_snapshot_execution_exception' || /concurrent snapshot/i.test(err.message));

/** `runBlocked`: the source indices this run has write-blocked already (one-phase with write-block). */
export function snapshotPhase(
  ctx: RunContext,
  runBlocked?: string[],
): Promise<{ facts: SnapshotFacts; details: string[] }> {
  // Data streams by name: the snapshot takes each with its backing indices and records it as a stream.
  const selection = ctx.selection!;
  return takeSnapshot(ctx, {
    name: ctx.config.snapshot,
    indices: [...selection.migrate.map((m) => m.source), ...selection.streams.map((s) => s.source)],
    staleAllowed: ctx.config.cutover === 'two-phase',
    ...(runBlocked ? { runBlocked } : {}),
  });
}

export interface SnapshotRequest {
  name: string;
  indices: string[];
  /** First poll interval; the cut-over polls faster than poll-interval-seconds inside its window. */
  intervalMs?: number;
  /** The repository was registered and verified moments ago (by phase 1): skip doing it again. */
  repositoryReady?: boolean;
  /** Phase 1 of a two-phase cut-over: a stale snapshot found by name is reused (phase 2 moves the rest). */
  staleAllowed?: boolean;
  /** Indices the run itself has write-blocked: any other blocked one is the user's (recorded in the snapshot). */
  runBlocked?: string[];
}

export async function takeSnapshot(
  ctx: RunContext,
  request: SnapshotRequest,
): Promise<{ facts: SnapshotFacts; details: string[] }> {
  const { config, source, log } = ctx;
  const repository = source.config.repository;
  const { name, indices } = request;
  const wait = phaseWait(ctx, request.intervalMs, config.timeouts.snapshotMs, 'snapshot-timeout-minutes');
  await readyRepository(ctx, 'source', request.repositoryReady);

  // A snapshot found by name is followed to its end, then judged against the source now: reused when it
  // still is the source, taken again when it is this run's and stale or failed, refused otherwise.
  let info = await source.domain.getSnapshot(repository, name);
  const reused = info !== undefined;
  const foundState = info?.state;
  let replaced: string | undefined;
  let stale: string | undefined;
  if (info) {
    log.info(`snapshot ${name} already exists (${info.state}): reusing it if it still holds the source as it is now`);
    const found = await follow(ctx, name, wait);
    const verdict = judgeFoundSnapshot({
      found,
      current: await sourceFingerprint(source.domain, indices),
      runId: config.runId,
      staleAllowed: request.staleAllowed === true,
    });
    if (verdict.kind === 'refuse') throw new SnapshotError(verdict.why);
    if (verdict.kind === 'replace') {
      log.warning(`${verdict.why}: deleting it and taking it again`);
      await source.domain.deleteSnapshot(repository, name);
      replaced = verdict.why;
      info = undefined;
    } else {
      stale = verdict.stale;
      log.info(
        stale
          ? `${stale}; reusing it: the cut-over moves what changed since`
          : `snapshot ${name} matches the source now: reusing it`,
      );
    }
  }
  if (!info) {
    await poll(
      async () => {
        const running = await source.domain.runningSnapshots();
        if (running.length === 0) {
          try {
            // Read right before the request: a source equal to this later proves the snapshot is current.
            const metadata = snapshotMark(
              config.runId,
              await sourceFingerprint(source.domain, indices),
              await userBlocked(ctx, indices, request.runBlocked),
            );
            await source.domain.createSnapshot(repository, name, { indices, includeGlobalState: false, metadata });
            return true;
          } catch (err) {
            // Another snapshot started between our look and our request: wait for it like the others.
            if (isConcurrentSnapshot(err)) return undefined;
            // A 504 from the domain's front end: the request may still have been accepted. Look.
            if (err instanceof DomainError && err.status === 504 && (await source.domain.getSnapshot(repository, name)))
              return true;
            throw err;
          }
        }
        log.info(
          `waiting: snapshot ${running.map((r) => `${r.repository}/${r.snapshot} (${r.state})`).join(', ')} is running on the source`,
        );
        return undefined;
      },
      { ...wait, what: 'other snapshots on the source to finish' },
    );
    log.info(`snapshot ${name} started: ${indices.length} indices into repository ${repository}`);
  }

  info = await follow(ctx, name, wait);

  const shards = info.shards ?? { total: 0, failed: 0, successful: 0 };
  if (info.state !== 'SUCCESS') {
    const failures = (info.failures ?? []).slice(0, 5).map((f) => `${f.index}: ${f.reason}`);
    throw new SnapshotError(
      `snapshot ${name} ended ${info.state} (${shards.failed} of ${shards.total} shards failed)${failures.length ? `: ${failures.join('; ')}` : ''}. ` +
        'A PARTIAL or FAILED snapshot cannot prove the migration; fix the cause (often red indices or a repository the domain cannot write) and run again with another `snapshot` name.',
    );
  }
  const missing = indices.filter((i) => !info!.indices.includes(i) && !(info!.data_streams ?? []).includes(i));
  if (missing.length) {
    throw new SnapshotError(
      `snapshot ${name} does not contain ${missing.join(', ')} (it was taken before these existed); use a new \`snapshot\` name`,
    );
  }
  const size = await source.domain.snapshotStatus(repository, name).catch(() => undefined);
  return {
    facts: {
      repository,
      snapshot: name,
      state: info.state,
      ...(size?.bytesTotal ? { bytes: size.bytesTotal } : {}),
      ...(config.snapshotRate ? { rate: config.snapshotRate } : {}),
      indices: info.indices,
      shardsTotal: shards.total,
      shardsFailed: shards.failed,
      reused: reused && !replaced,
      ...(foundState ? { foundState } : {}),
      ...(replaced ? { replaced } : {}),
      ...(stale ? { stale } : {}),
    },
    details: [
      `${name}: ${info.state}, ${plural(shards.total, 'shard')}, ${plural(info.indices.length, 'index', 'indices')}${replaced ? ' (taken again: the earlier attempt’s was stale or failed)' : reused ? ' (reused from an earlier attempt)' : ''}`,
    ],
  };
}

/** The two-phase cut-over's write-blocked incremental snapshot: named after the run's, so a re-run finds it too. */
type Wait = ReturnType<typeof phaseWait>;

/** Follows a snapshot until it is no longer running, with progress in the log. */
function follow(ctx: RunContext, name: string, wait: Wait): Promise<SnapshotInfo> {
  const { source } = ctx;
  const repository = source.config.repository;
  const started = Date.now();
  return poll<SnapshotInfo>(
    async () => {
      const current = await source.domain.getSnapshot(repository, name);
      if (!current)
        throw new SnapshotError(`snapshot ${name} disappeared from repository ${repository} while it was running`);
      if (current.state !== 'IN_PROGRESS' && current.state !== 'STARTED') return current;
      const status = await source.domain.snapshotStatus(repository, name).catch(() => undefined);
      if (status) {
        ctx.progress.snapshot({
          shardsDone: status.shardsStats.done,
          shardsTotal: status.shardsStats.total,
          bytesDone: status.bytesDone,
          bytesTotal: status.bytesTotal,
          elapsedMs: Date.now() - started,
        });
      }
      return undefined;
    },
    { ...wait, what: `snapshot ${name} to finish` },
  );
}

/**
 * Source indices write-blocked by the user, not by this run: recorded in the snapshot so a re-run can tell
 * a block an earlier attempt left from the user's own (see resume/snapshot-mark.ts).
 */
async function userBlocked(ctx: RunContext, indices: string[], runBlocked?: string[]): Promise<string[]> {
  return (await ctx.source.domain.writeBlocked(indices)).filter((i) => !runBlocked?.includes(i));
}

export function finalSnapshotName(snapshot: string): string {
  return `${snapshot}-final`;
}

/** Most catch-up passes a two-phase cut-over makes before it blocks writes. */
export const MAX_CATCH_UP_PASSES = 3;

export function catchUpSnapshotName(snapshot: string, pass: number): string {
  return `${snapshot}-catchup-${pass}`;
}

/** Every snapshot a run may take: target indices restored from any of them are the run's own. */
export function runSnapshotNames(snapshot: string): string[] {
  const passes = Array.from({ length: MAX_CATCH_UP_PASSES }, (_, i) => catchUpSnapshotName(snapshot, i + 1));
  return [snapshot, ...passes, finalSnapshotName(snapshot)];
}
