// Phase 3: a manual snapshot of the migrated indices on the source. Registers and verifies the
// repository, waits while another snapshot (AWS's hourly automated one, say) runs, takes ours, and
// follows it to the end with progress in the log. A re-run of the same workflow run finds its snapshot
// by name and reuses it (in progress or done). The two-phase cut-over takes its incremental snapshot
// through the same `takeSnapshot`.
import type { RunContext } from '../context.js';
import type { SnapshotFacts } from '../record.js';
import { DomainError, type SnapshotInfo } from '../search/domain.js';
import { poll } from '../util/poll.js';
import { phaseWait, readyRepository } from './repository-step.js';

export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

const isConcurrentSnapshot = (err: unknown) =>
  err instanceof DomainError &&
  (err.type === 'concurrent_snapshot_execution_exception' || /concurrent snapshot/i.test(err.message));

export function snapshotPhase(ctx: RunContext): Promise<{ facts: SnapshotFacts; details: string[] }> {
  return takeSnapshot(ctx, { name: ctx.config.snapshot, indices: ctx.selection!.migrate.map((m) => m.source) });
}

export interface SnapshotRequest {
  name: string;
  indices: string[];
  /** First poll interval; the cut-over polls faster than poll-interval-seconds inside its window. */
  intervalMs?: number;
  /** The repository was registered and verified moments ago (by phase 1): skip doing it again. */
  repositoryReady?: boolean;
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

  let info = await source.domain.getSnapshot(repository, name);
  const reused = info !== undefined;
  const foundState = info?.state;
  if (info) {
    log.info(`snapshot ${name} already exists (${info.state}): reusing it`);
  } else {
    await poll(
      async () => {
        const running = await source.domain.runningSnapshots();
        if (running.length === 0) {
          try {
            await source.domain.createSnapshot(repository, name, { indices, includeGlobalState: false });
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

  const started = Date.now();
  info = await poll<SnapshotInfo>(
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

  const shards = info.shards ?? { total: 0, failed: 0, successful: 0 };
  if (info.state !== 'SUCCESS') {
    const failures = (info.failures ?? []).slice(0, 5).map((f) => `${f.index}: ${f.reason}`);
    throw new SnapshotError(
      `snapshot ${name} ended ${info.state} (${shards.failed} of ${shards.total} shards failed)${failures.length ? `: ${failures.join('; ')}` : ''}. ` +
        'A PARTIAL or FAILED snapshot cannot prove the migration; fix the cause (often red indices or a repository the domain cannot write) and run again with another `snapshot` name.',
    );
  }
  const missing = indices.filter((i) => !info!.indices.includes(i));
  if (missing.length) {
    throw new SnapshotError(
      `snapshot ${name} does not contain ${missing.join(', ')} (it was taken before these existed); use a new \`snapshot\` name`,
    );
  }
  return {
    facts: {
      repository,
      snapshot: name,
      state: info.state,
      indices: info.indices,
      shardsTotal: shards.total,
      shardsFailed: shards.failed,
      reused,
      ...(foundState ? { foundState } : {}),
    },
    details: [
      `${name}: ${info.state}, ${shards.total} shards, ${info.indices.length} indices${reused ? ' (reused from an earlier attempt)' : ''}`,
    ],
  };
}

/** The two-phase cut-over's write-blocked incremental snapshot: named after the run's, so a re-run finds it too. */
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
