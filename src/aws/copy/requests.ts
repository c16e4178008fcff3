// Every S3 request of the copy goes through here: it takes a slot of the budget, is counted by
// type (with the SDK's own retries, from `$metadata.attempts`), and when the destination still
// pushes back after the SDK gave up, the budget shrinks and the request waits and tries again.
import { setMaxListeners } from 'node:events';
import type { ConcurrencyBudget } from './budget.js';

export interface Backoff {
  /** Tries after the SDK's own retries are spent (0 = never retry here). */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { attempts: 6, baseMs: 500, maxMs: 20_000 };

type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

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
    private readonly sleep: Sleep = defaultSleep,
  ) {}

  /** Counts a request made outside `send` (listing pages come from the SDK paginator). */
  count(type: string, attempts: number): void {
    this.requests[type] = (this.requests[type] ?? 0) + attempts;
    this.retries += Math.max(0, attempts - 1);
  }

  async send<T extends SdkMetadata>(
    type: string,
    request: (abortSignal?: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.budget.acquire(signal);
      let failure: unknown;
      try {
        const response = await request(signal);
        this.count(type, response.$metadata?.attempts ?? 1);
        this.budget.onSuccess();
        return response;
      } catch (error) {
        this.count(type, (error as SdkMetadata).$metadata?.attempts ?? 1);
        failure = error;
      } finally {
        this.budget.release();
      }
      if (signal?.aborted || !isPushback(failure) || attempt >= this.backoff.attempts) throw failure;
      this.pushbacks++;
      this.budget.onPushback();
      // Full jitter, so the requests that were turned away together do not come back together.
      const ceiling = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** attempt);
      await this.sleep(Math.random() * ceiling, signal);
      this.retries++;
    }
  }
}
