// The two-phase cut-over, after phase 1 (snapshot, copy, restore while the source took writes):
//  1. catch-up passes, still without a write block: the indices written to since the target's copy
//     was taken move again (an incremental snapshot of just them, a copy of the new objects, a restore
//     over the closed target copies that keeps every unchanged file). Each pass moves what was written
//     during the one before, so the backlog shrinks: after a phase 1 of hours, the window below does not
//     have to move hours of writes.
//  2. the window: writes blocked on the migrated indices, the indices that still moved on found by
//     their sequence numbers (see cutover-changes.ts), and only those moved once more: their new
//     documents replayed (cutover-replay.ts), or, where that cannot be exact or cheap, an incremental
//     snapshot, copy and restore. Verification follows in main.ts, still inside the window.
import type { RunContext } from '../context.js';
import type { CatchUpPass, CopyFacts, CutoverFacts, SnapshotFacts } from '../record.js';
import { poll } from '../util/poll.js';
import { copyPhase } from './copy.js';
import { changesSincePhaseOne, type IndexChanges, type SeqNoStats } from './cutover-changes.js';
import { replayChanges } from './cutover-replay.js';
import { restoreIndices } from './restore.js';
import {
  MAX_CATCH_UP_PASSES,
  catchUpSnapshotName,
  finalSnapshotName,
  runSnapshotNames,
  takeSnapshot,
} from './snapshot.js';

/**
 * First poll interval of the cut-over's waits (it grows from there, see util/poll.ts): inside the window
 * every wait is downtime, and a catch-up pass that ends sooner leaves less for the window.
 */
const CUTOVER_POLL_MS = 100;

/** A catch-up pass that takes more than this share of the one before has stopped shrinking the backlog. */
const CONVERGED = 0.7;

export interface CutoverInput {
  /** Sets the write block. main.ts owns it, so it is lifted (or kept) however this phase ends. */
  blockWrites: () => Promise<void>;
  /** Per-index sequence numbers taken just before phase 1's snapshot was requested, when this attempt took it. */
  baseline?: SeqNoStats;
}

type Entry = { source: string; target: string };
type Step = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** One move of some indices: an incremental snapshot of them, the copy of its new objects, a restore over the target copies. */
async function move(
  ctx: RunContext,
  snapshot: string,
  entries: Entry[],
  step: Step,
): Promise<{ snapshot: SnapshotFacts; copy: CopyFacts }> {
  const intervalMs = Math.min(CUTOVER_POLL_MS, ctx.config.pollIntervalMs);
  const taken = await step(`snapshot ${snapshot}`, () =>
    takeSnapshot(ctx, { name: snapshot, indices: entries.map((e) => e.source), intervalMs, repositoryReady: true }),
  );
  const copied = await step('copy of new objects', () => copyPhase(ctx));
  await step(`restore of ${entries.length} ${entries.length === 1 ? 'index' : 'indices'}`, () =>
    restoreIndices(ctx, { snapshot, entries, replace: true, intervalMs, repositoryReady: true }),
  );
  return { snapshot: taken.facts, copy: copied.facts };
}

function changedEntries(changes: IndexChanges): Entry[] {
  return changes.changed.map(({ source, target }) => ({ source, target }));
}

/** Sequence numbers of the source indices once every operation that got past the block has finished. */
function settledSourceStats(ctx: RunContext, indices: string[]): Promise<SeqNoStats> {
  return poll(
    async () => {
      const stats = await ctx.source.domain.seqNoStats(indices);
      return [...stats.values()].every((s) => s.settled) ? stats : undefined;
    },
    {
      what: 'writes in flight on the source to finish',
      timeoutInput: 'snapshot-timeout-minutes',
      timeoutMs: ctx.config.timeouts.snapshotMs,
      intervalMs: Math.min(CUTOVER_POLL_MS, ctx.config.pollIntervalMs),
      signal: ctx.signal,
    },
  );
}

export async function cutoverPhase(ctx: RunContext, input: CutoverInput): Promise<{ facts: CutoverFacts }> {
  const { config, source, target, log } = ctx;
  const plan = ctx.selection!.migrate;
  const sources = plan.map((m) => m.source);
  const targets = plan.map((m) => m.target);
  const facts: CutoverFacts = { changed: [], unchanged: [], steps: [] };
  const logged: Step = async (name, fn) => {
    // Cancellation (see main.ts) also stops the cut-over between its steps, not only inside its waits.
    ctx.signal.throwIfAborted();
    const started = Date.now();
    const result = await fn();
    ctx.progress.step(name, Date.now() - started);
    return result;
  };
  const windowStep: Step = async (name, fn) => {
    const started = Date.now();
    const result = await logged(name, fn);
    facts.steps.push({ step: name, ms: Date.now() - started });
    return result;
  };

  // Catch-up and final snapshots an earlier attempt left were taken before that attempt's write block
  // was lifted (by its post step): the source may have moved on since. They are taken again.
  for (const name of runSnapshotNames(config.snapshot).slice(1)) {
    const stale = await source.domain.getSnapshot(source.config.repository, name);
    if (!stale) continue;
    log.info(`snapshot ${name} from an earlier attempt (${stale.state}) is stale: deleting it`);
    await source.domain.deleteSnapshot(source.config.repository, name);
    (facts.staleSnapshotsDeleted ??= []).push(name);
  }

  // What the target's copy of each index is known to contain, as the source's sequence numbers read just
  // before the snapshot it came from was requested. Without it (a re-run reused phase 1's snapshot) the
  // comparison with the target alone decides, until a catch-up pass has moved the index again.
  let baseline = input.baseline && new Map(input.baseline);
  const passes: CatchUpPass[] = [];
  for (let pass = 1; pass <= MAX_CATCH_UP_PASSES; pass++) {
    const started = Date.now();
    const [sourceNow, targetNow] = await Promise.all([
      source.domain.seqNoStats(sources),
      target.domain.seqNoStats(targets),
    ]);
    const changes = changesSincePhaseOne(plan, { source: sourceNow, target: targetNow, baseline });
    if (changes.changed.length === 0) break;
    const name = catchUpSnapshotName(config.snapshot, pass);
    log.info(
      `catch-up ${pass}: ${changes.changed.map((c) => c.source).join(', ')} moved on; moving ${changes.changed.length === 1 ? 'it' : 'them'} again while writes go on`,
    );
    const entries = changedEntries(changes);
    const moved = await move(ctx, name, entries, logged);
    for (const e of entries) {
      const seen = sourceNow.get(e.source);
      if (seen) (baseline ??= new Map()).set(e.source, seen);
    }
    passes.push({
      snapshot: name,
      changed: entries.map((e) => e.source),
      copiedObjects: moved.copy.copied,
      ms: Date.now() - started,
    });
    // A pass moves what was written during the one before. Once passes stop getting shorter, the backlog
    // is down to what one pass costs anyway, and another pass would not shorten the window.
    const before = passes.at(-2);
    if (before && passes.at(-1)!.ms > before.ms * CONVERGED) break;
  }
  if (passes.length) facts.catchUp = passes;

  await windowStep('write block set', input.blockWrites);
  const sourceStats = await windowStep('writes in flight settled', () => settledSourceStats(ctx, sources));
  const targetStats = await target.domain.seqNoStats(targets);
  const changes = changesSincePhaseOne(plan, { source: sourceStats, target: targetStats, baseline });
  facts.changed = changes.changed;
  facts.unchanged = changes.unchanged;
  for (const c of changes.changed) log.info(`changed since phase 1: ${c.source} (${c.reason})`);
  if (changes.unchanged.length) log.info(`unchanged since phase 1: ${changes.unchanged.join(', ')}`);
  if (!baseline)
    log.info('no phase-1 baseline (its snapshot came from an earlier attempt): indices compared with the target only');

  const finalName = finalSnapshotName(config.snapshot);
  if (changes.changed.length) {
    const replay = await windowStep('replay of changed documents', () =>
      replayChanges(ctx, changedEntries(changes), {
        source: sourceStats,
        target: targetStats,
        ...(baseline ? { copyTakenAt: baseline } : {}),
      }),
    );
    for (const r of replay.replayed) log.info(`replayed ${r.documents} documents into ${r.target}`);
    for (const r of replay.restore) log.info(`restoring ${r.source} from ${finalName} instead: ${r.why}`);
    if (replay.replayed.length)
      facts.replayed = replay.replayed.map((r) => ({ source: r.source, documents: r.documents }));
    if (replay.restore.length) {
      facts.restoredInWindow = replay.restore.map((r) => ({ source: r.source, why: r.why }));
      const moved = await move(
        ctx,
        finalName,
        replay.restore.map(({ source: s, target: t }) => ({ source: s, target: t })),
        windowStep,
      );
      facts.snapshot = moved.snapshot;
      facts.copy = moved.copy;
    }
  }

  return { facts };
}
