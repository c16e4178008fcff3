// Every AWS client of the action, the tests and the benchmarks is built here, so what a test or a
// benchmark measures is what the action ships: the SDK's `standard` retries with the attempts below, a
// socket timeout from request-timeout-seconds, and every retry counted in the run's tally. (The tests'
// and the stack's admin clients that seed fixtures are not the code under test and stay plain.)
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { countRetries } from '../retry-tally.js';
import { awsEndpoint, sdkAgents } from '../proxy.js';
import { traceSdkRequests } from '../request-trace.js';
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

/** Every client's retries counted and, with step debug logging on, its requests traced. */
function traced<C extends Parameters<typeof countRetries>[0] & Parameters<typeof traceSdkRequests>[0]>(
  client: C,
  service: string,
): C {
  return traceSdkRequests(countRetries(client, service), service);
}

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
  const region = typeof rest.region === 'string' ? rest.region : 'us-east-1';
  const endpoint = typeof rest.endpoint === 'string' ? rest.endpoint : awsEndpoint('S3', region);
  return traced(
    new S3Client({
      retryMode: 'standard',
      maxAttempts: SDK_MAX_ATTEMPTS.S3,
      requestHandler: { ...timeouts(requestTimeoutMs), ...sdkAgents(endpoint, { maxSockets }) },
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
  return traced(
    new STSClient({
      region,
      maxAttempts: SDK_MAX_ATTEMPTS.STS,
      ...(credentials ? { credentials } : {}),
      requestHandler: { ...timeouts(requestTimeoutMs), ...sdkAgents(awsEndpoint('STS', region)) },
    }),
    'STS',
  );
}

/** IAM: global, so `region` is the partition's home Region. */
export function iamClient(region: string, credentials: AwsCredentialIdentityProvider): IAMClient {
  return traced(
    new IAMClient({
      region,
      credentials,
      maxAttempts: SDK_MAX_ATTEMPTS.IAM,
      requestHandler: sdkAgents(awsEndpoint('IAM', region)),
    }),
    'IAM',
  );
}
