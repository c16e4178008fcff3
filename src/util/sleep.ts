// The one sleep of the action: every wait (a poll's pause, a back-off after throttling) goes through it.
// Tests swap it with `withsleep()` and put it back with `reset()` (the pattern of
// aws-actions/configure-aws-credentials), so no test ever really waits for a back-off.
import { setTimeout as wait } from 'node:timers/promises';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Waits `ms`; an abort ends the wait at once with the signal's own reason (the run's timeout or cancel). */
const realSleep: Sleep = async (ms, signal) => {
  try {
    await wait(ms, undefined, { signal });
  } catch (err) {
    // timers/promises rejects with a generic AbortError; callers report why the run stopped.
    throw signal?.aborted ? signal.reason : err;
  }
};

let current: Sleep = realSleep;

export const sleep: Sleep = (ms, signal) => current(ms, signal);

/** Replaces the sleep (tests); returns the replacement. */
export function withsleep(replacement: Sleep): Sleep {
  current = replacement;
  return replacement;
}

/** Puts the real sleep back. */
export function reset(): void {
  current = realSleep;
}
