// An S3 client fit for the copy: retries that ride out SlowDown, and enough sockets for the budget.
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { DEFAULT_CONCURRENCY } from './defaults.js';

/**
 * `adaptive` retry mode adds client-side rate limiting on top of the standard jittered retries:
 * once S3 answers SlowDown the client slows its own sending, which is what S3 asks for. More
 * attempts than the default 3, because a throttled copy is worth waiting for.
 * The SDK's default agent allows 50 sockets; the budget may want more, and a request waiting
 * for a socket is a request that wastes its slot.
 */
export function createCopyClient(config: S3ClientConfig & { concurrency?: number } = {}): S3Client {
  const { concurrency = DEFAULT_CONCURRENCY, ...rest } = config;
  const maxSockets = concurrency + 8; // listings and the odd abort travel beside the budget
  return new S3Client({
    retryMode: 'adaptive',
    maxAttempts: 8,
    requestHandler: { httpAgent: { maxSockets }, httpsAgent: { maxSockets } },
    ...rest,
  });
}
