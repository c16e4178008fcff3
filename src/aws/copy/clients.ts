// An S3 client fit for the copy: retries that ride out SlowDown, and enough sockets for the budget.
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { DEFAULT_CONCURRENCY } from './defaults.js';

/**
 * `standard` retries (jittered exponential back-off, SlowDown and 503 included) with more attempts
 * than the default 3, because a throttled copy is worth waiting for. Not `adaptive`: its client-side
 * rate limiter and the budget's AIMD would both slow down for the same SlowDown; measured on moto
 * behind a proxy answering 12 SlowDowns, a 55-object copy took 14.9 s with `adaptive` and 1.1 s with
 * `standard`, while the budget alone already halves the requests in flight.
 * The SDK's default agent allows 50 sockets; the budget may want more, and a request waiting
 * for a socket is a request that wastes its slot.
 */
export function createCopyClient(config: S3ClientConfig & { concurrency?: number } = {}): S3Client {
  const { concurrency = DEFAULT_CONCURRENCY, ...rest } = config;
  const maxSockets = concurrency + 8; // listings and the odd abort travel beside the budget
  return new S3Client({
    retryMode: 'standard',
    maxAttempts: 8,
    requestHandler: { httpAgent: { maxSockets }, httpsAgent: { maxSockets } },
    ...rest,
  });
}
