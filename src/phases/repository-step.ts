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
  const registration = await ensureRepository(side.domain, side.config.repository, side.config, readOnly);
  const where = `s3://${side.config.bucket}/${side.config.basePath}`;
  ctx.log.info(
    registration === 'kept writable'
      ? `repository ${side.config.repository} is already registered writable at ${where} on the ${which} (the same domain, or the owner's own): kept as it is and verified`
      : `repository ${side.config.repository} ${registration}${readOnly ? ' read-only' : ''} and verified on the ${which} (${where})`,
  );
}

/** A phase's poll options: the request's first interval (the cut-over polls faster) or poll-interval-seconds. */
export function phaseWait(ctx: RunContext, intervalMs: number | undefined, timeoutMs: number, timeoutInput: string) {
  return { intervalMs: intervalMs ?? ctx.config.pollIntervalMs, timeoutMs, timeoutInput, signal: ctx.signal };
}
