// The one retry helper: jittered exponential back-off around a call the code repeats itself, a log line
// per retry, and each retry counted in the run's retry tally. The model is retryAndBackoff of
// aws-actions/configure-aws-credentials (src/helpers.ts); the wait is the one sleep (util/sleep.ts).
//
// How the layers of retrying combine, inside out:
// - The AWS SDK retries every S3, STS and IAM request itself (`standard` mode: jittered back-off,
//   throttling, 5xx and lost connections), up to SDK_MAX_ATTEMPTS in aws/clients.ts.
// - The OpenSearch client retries lost connections and 502/503/504 itself (`maxRetries` in search/client.ts).
// - Above both, this helper repeats what those layers give up on or never retry: a domain's 429
//   (search/transport.ts), S3 push-back that outlasted the SDK's attempts (aws/copy/requests.ts), and an
//   object body that broke off after its status arrived (preflight/buckets.ts).
// The layers multiply: a copy request may reach S3 up to 8 × 7 times, a domain request 6 × 7 times. Both
// inner layers report their attempts (`$metadata.attempts`, `meta.attempts`) to the same tally, so the
// summary counts every repeat once, whichever layer made it.
import * as core from '@actions/core';
import { retryTally } from '../retry-tally.js';
import { sleep } from './sleep.js';

export interface RetryOptions {
  /** Whether this failure is worth another attempt. */
  isRetryable: (error: unknown) => boolean;
  /** Retries after the first attempt (0: never retry). */
  maxRetries: number;
  /** The n-th retry (from 0) waits random() × min(maxWaitMs, baseMs × 2^n): full jitter. */
  baseMs: number;
  maxWaitMs: number;
  /** What is retried, for the log: "source domain GET /_cat/indices". */
  label: string;
  /** The retry tally's service ("S3", "source domain"); without it the retries are not counted. */
  service?: string;
  /** Ends a wait early (with the signal's reason). */
  signal?: AbortSignal;
  /** Told of each retryable failure, before the wait. */
  onRetry?: (error: unknown) => void;
  /** Where the retry lines go (default: the action's log). */
  log?: (line: string) => void;
}

/** The failure in a few words: its code and status (SDK errors, DomainError), else its name. */
function brief(error: unknown): string {
  const e = error as { name?: string; type?: string; status?: number; $metadata?: { httpStatusCode?: number } };
  const status = e?.status ?? e?.$metadata?.httpStatusCode;
  const name = e?.type ?? e?.name ?? String(error);
  return status ? `${name} (${status})` : name;
}

/** Calls `fn` (with the number of retries so far) until it succeeds, fails for good, or runs out of retries. */
export async function retryAndBackoff<T>(fn: (retry: number) => Promise<T>, o: RetryOptions): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await fn(retry);
    } catch (error) {
      if (retry >= o.maxRetries || !o.isRetryable(error)) throw error;
      const waitMs = Math.random() * Math.min(o.maxWaitMs, o.baseMs * 2 ** retry);
      o.onRetry?.(error);
      if (o.service) retryTally.add(o.service, 1);
      (o.log ?? core.info)(
        `${o.label}: ${brief(error)}; retry ${retry + 1} of ${o.maxRetries} in ${(waitMs / 1000).toFixed(1)} s`,
      );
      await sleep(waitMs, o.signal);
    }
  }
}
