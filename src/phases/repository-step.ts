// What the snapshot and the restore both do first: the run's repository registered (and verified) on
// their side — read-write on the source, read-only on the target — and the options of their waits.
import type { SideName } from '../constants.js';
import type { RunContext } from '../context.js';
import { ensureRepository } from '../search/repository.js';

/** Registers the side's repository unless the request says it was done moments ago; logs where it points. */
export async function readyRepository(ctx: RunContext, which: SideName, alreadyReady = false): Promise<void> {
  if (alreadyReady) return;
  const side = ctx[which];
  const readOnly = which === 'target';
  // The source's snapshot rate only when the user raised it (it serves production); the target, which
  // serves no one yet, restores from its read-only registration unthrottled (search/repository.ts).
  const rate = ctx.config.snapshotRate;
  const throttles = readOnly ? { maxRestoreBytesPerSec: '0' } : { maxSnapshotBytesPerSec: rate };
  const registration = await ensureRepository(side.domain, side.config.repository, side.config, readOnly, throttles);
  const where = `s3://${side.config.bucket}/${side.config.basePath}`;
  ctx.log.info(
    registration === 'kept writable'
      ? `repository ${side.config.repository} is already registered writable at ${where} on the ${which} (the same domain, or the owner's own): kept as it is and verified`
      : `repository ${side.config.repository} ${registration}${readOnly ? ' read-only' : ''} and verified on the ${which} (${where})` +
          (!readOnly && rate ? `, snapshot throttle ${rate} per node (snapshot-rate)` : ''),
  );
}

/** A phase's poll options: the request's first interval (the cut-over polls faster) or poll-interval-seconds. */
export function phaseWait(ctx: RunContext, intervalMs: number | undefined, timeoutMs: number, timeoutInput: string) {
  return { intervalMs: intervalMs ?? ctx.config.pollIntervalMs, timeoutMs, timeoutInput, signal: ctx.signal };
}
