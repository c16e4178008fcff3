// Cancelling a run: GitHub sends SIGINT, then SIGTERM, before it kills the job's processes.
import * as core from '@actions/core';

class CancelledError extends Error {
  override name = 'CancelledError';
}

/**
 * A cancelled job gets SIGINT, then SIGTERM, before the runner kills it: abort the run's signal so the
 * waits stop and `finally` lifts the write block and writes the summary (the post step is the fallback).
 */
export function cancellation(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    core.warning(`received ${signal}: stopping the run and lifting the write block`);
    controller.abort(new CancelledError(`the run was cancelled (${signal})`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => (process.off('SIGINT', onSignal), process.off('SIGTERM', onSignal)),
  };
}
