// Every AWS client of the action, the tests and the benchmarks is built here, so what a test or a
// benchmark measures is what the action ships: the SDK's `standard` retries with the attempts below, a
// socket timeout from request-timeout-seconds, and every retry counted in the run's tally. (The tests'
// and the stack's admin clients that seed fixtures are not the code under test and stay plain.)
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { countRetries } from '../retry-tally.js';
import { DEFAULT_CONCURRENCY } from './copy/defaults.js';

/**
 * Attempts per request, the first included (the SDK's default is 3). How they combine with the retries
 * above the SDK: util/retry.ts.
 * - S3 8: a throttled copy is worth waiting for. SlowDown comes in bursts while S3 scales a prefix, and a
 *   copy sends thousands of requests; when 8 are not enough the copy's own back-off takes over
 *   (aws/copy/requests.ts) and shrinks the budget.
 * - STS 5: few requests, but a failed one ends the run (the first exchange) or its signing (a refresh an
 *   hour in); Throttling of AssumeRole* shows when many jobs start at once.
 * - IAM 3: only the plan's policy simulation and role read, whose failure turns a row into a warning.
 */
export const SDK_MAX_ATTEMPTS = { S3: 8, STS: 5, IAM: 3 } as const;

/** Without a socket timeout a response that never comes holds its request (and its copy slot) until the run's budget ends. */
function timeouts(requestTimeoutMs: number | undefined) {
  return requestTimeoutMs
    ? { connectionTimeout: Math.min(requestTimeoutMs, 10_000), socketTimeout: requestTimeoutMs }
    : {};
}

export interface S3ClientOptions extends S3ClientConfig {
  /** The copy's budget: the SDK's default agent allows 50 sockets, and a request waiting for one wastes its slot. */
  concurrency?: number;
  requestTimeoutMs?: number;
}

/**
 * An S3 client fit for the copy. `standard` retries (jittered exponential back-off, SlowDown and 503
 * included), not `adaptive`: its client-side rate limiter and the budget's AIMD would both slow down for
 * the same SlowDown; measured on moto behind a proxy answering 12 SlowDowns, a 55-object copy took 14.9 s
 * with `adaptive` and 1.1 s with `standard`, while the budget alone already halves the requests in flight.
 * Other settings (endpoint, maxAttempts in tests) override these.
 */
export function s3Client(options: S3ClientOptions = {}): S3Client {
  const { concurrency = DEFAULT_CONCURRENCY, requestTimeoutMs, ...rest } = options;
  const maxSockets = concurrency + 8; // listings and the odd abort travel beside the budget
  return countRetries(
    new S3Client({
      retryMode: 'standard',
      maxAttempts: SDK_MAX_ATTEMPTS.S3,
      requestHandler: { ...timeouts(requestTimeoutMs), httpAgent: { maxSockets }, httpsAgent: { maxSockets } },
      ...rest,
    }),
    'S3',
  );
}

/** STS: the SDK's standard retries (Throttling included) with a few more attempts. */
export function stsClient(
  region: string,
  requestTimeoutMs?: number,
  credentials?: AwsCredentialIdentityProvider,
): STSClient {
  return countRetries(
    new STSClient({
      region,
      maxAttempts: SDK_MAX_ATTEMPTS.STS,
      ...(credentials ? { credentials } : {}),
      ...(requestTimeoutMs ? { requestHandler: timeouts(requestTimeoutMs) } : {}),
    }),
    'STS',
  );
}

/** IAM: global, so `region` is the partition's home Region. */
export function iamClient(region: string, credentials: AwsCredentialIdentityProvider): IAMClient {
  return countRetries(new IAMClient({ region, credentials, maxAttempts: SDK_MAX_ATTEMPTS.IAM }), 'IAM');
}
