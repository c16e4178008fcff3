// The domain client: one OpenSearch JS client per domain, signed with SigV4 (service `es`) through the
// client's own AwsSigv4Signer, or with basic auth for self-managed clusters and internal users.
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { AuthConfig } from '../config.js';

export interface DomainClientOptions {
  endpoint: string;
  region: string;
  auth: AuthConfig;
  credentials: AwsCredentialIdentityProvider;
  /** Per-request timeout. AWS closes idle requests at 60 s anyway, so long calls are polled, not awaited. */
  requestTimeoutMs?: number;
}

export function createDomainClient(o: DomainClientOptions): Client {
  const common = {
    node: o.endpoint,
    requestTimeout: o.requestTimeoutMs ?? 90_000,
    // The client retries connection errors and 502/503/504 itself; calls that mutate are written to be
    // safe to repeat (they check before acting), so its retries are welcome. 429 is retried above it, in
    // search/transport.ts; how the retry layers combine: util/retry.ts.
    maxRetries: 5,
  };
  if (o.auth.kind === 'basic') {
    return new Client({ ...common, auth: { username: o.auth.username, password: o.auth.password } });
  }
  return new Client({
    ...common,
    ...AwsSigv4Signer({ region: o.region, service: 'es', getCredentials: o.credentials as never }),
  });
}
