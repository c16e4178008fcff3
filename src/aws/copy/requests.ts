// Every S3 request of the copy goes through here: it takes a slot of the budget, is counted by
// type (with the SDK's own retries, from `$metadata.attempts`), and when the destination still
// pushes back after the SDK gave up, the budget shrinks and the request waits and tries again
// (util/retry.ts: the one back-off, its retries counted in the run's tally under S3).
import { setMaxListeners } from 'node:events';
import { retryAndBackoff } from '../../util/retry.js';
import type { ConcurrencyBudget } from './budget.js';

export interface Backoff {
  /** Tries after the SDK's own retries are spent (0 = never retry here). */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { attempts: 6, baseMs: 500, maxMs: 20_000 };

/**
 * A signal every request of the copy listens on: each one in flight (the SDK's retry adds a listener)
 * and each one waiting for a slot, which for a large multipart object can be thousands. Node warns
 * ("possible EventTarget memory leak") past ten listeners; here that many is the design.
 */
export function listenedByEveryRequest(signal: AbortSignal): AbortSignal {
  setMaxListeners(0, signal);
  return signal;
}

interface SdkMetadata {
  $metadata?: { attempts?: number; httpStatusCode?: number };
}

const THROTTLING_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ServiceUnavailable',
]);

/**
 * Pushback: the service asks us to slow down. A 503 counts whatever its code: S3 answers
 * SlowDown with 503, and the SDK turns a `200` whose body is an `<Error>` into a 503 as well.
 */
export function isPushback(error: unknown): boolean {
  const e = error as { name?: string } & SdkMetadata;
  const status = e?.$metadata?.httpStatusCode;
  return THROTTLING_NAMES.has(e?.name ?? '') || status === 503 || status === 429;
}

export class Requester {
  readonly requests: Record<string, number> = {};
  retries = 0;
  pushbacks = 0;

  constructor(
    private readonly budget: ConcurrencyBudget,
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {}

  /** Counts a request made outside `send` (listing pages come from the SDK paginator). */
  count(type: string, attempts: number): void {
    this.requests[type] = (this.requests[type] ?? 0) + attempts;
    this.retries += Math.max(0, attempts - 1);
  }

  send<T extends SdkMetadata>(
    type: string,
    request: (abortSignal?: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    return retryAndBackoff(
      async (retry) => {
        if (retry > 0) this.retries++;
        await this.budget.acquire(signal);
        try {
          const response = await request(signal);
          this.count(type, response.$metadata?.attempts ?? 1);
          this.budget.onSuccess();
          return response;
        } catch (error) {
          this.count(type, (error as SdkMetadata).$metadata?.attempts ?? 1);
          throw error;
        } finally {
          this.budget.release();
        }
      },
      {
        isRetryable: (error) => !signal?.aborted && isPushback(error),
        maxRetries: this.backoff.attempts,
        baseMs: this.backoff.baseMs,
        // Full jitter, so the requests that were turned away together do not come back together.
        maxWaitMs: this.backoff.maxMs,
        label: `S3 ${type}`,
        service: 'S3',
        signal,
        onRetry: () => {
          this.pushbacks++;
          this.budget.onPushback();
        },
      },
    );
  }
}
