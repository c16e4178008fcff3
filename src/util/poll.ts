// The one poller: every wait of a migration (another snapshot, ours, a restore's recovery) is a poll with
// a deadline that names what ran out, a calm interval, and the one sleep (util/sleep.ts), which tests replace.
import { sleep } from './sleep.js';

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

export interface PollOptions {
  /** What is being waited for, for the timeout message: "snapshot migrate-1 to finish". */
  what: string;
  /** The input that sets this wait, so the message can say what to raise. */
  timeoutInput: string;
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
}

/**
 * Calls `check` until it returns a value other than undefined. The interval grows gently (×1.5 up to
 * 4× the base) so a long wait does not hammer the domain; the deadline is absolute.
 */
export async function poll<T>(check: () => Promise<T | undefined>, o: PollOptions): Promise<T> {
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  let interval = o.intervalMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new TimeoutError(
        `timed out after ${Math.round((Date.now() - started) / 1000)}s waiting for ${o.what}; raise \`${o.timeoutInput}\` if it needs longer`,
      );
    }
    // The last pause ends at the deadline and one more check follows: the wait gets all its time, and a
    // wait as long as the run's budget (its default when timeout-minutes is small) leaves the budget to
    // run out first, so the message names timeout-minutes, the input that set it.
    await sleep(Math.min(interval, remaining), o.signal);
    interval = Math.min(interval * 1.5, o.intervalMs * 4);
  }
}
