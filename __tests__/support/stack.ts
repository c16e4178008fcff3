// The running stack as tests see it: its addresses from `.stack/env`, and plain clients for the bare
// nodes and moto (checks that must not go through the code under test).
import { Client } from '@opensearch-project/opensearch';
import { S3Client } from '@aws-sdk/client-s3';
import { readStackEnv } from '../../stack/layout.js';

export function stackEnv(): Record<string, string> {
  const env = readStackEnv();
  if (!env.STACK_SOURCE_NODE) throw new Error('the stack is not running (the global setup should have started it)');
  return env;
}

export function nodeClient(which: 'source' | 'target'): Client {
  const env = stackEnv();
  return new Client({ node: which === 'source' ? env.STACK_SOURCE_NODE : env.STACK_TARGET_NODE });
}

export function adminS3(region: string): S3Client {
  const env = stackEnv();
  return new S3Client({
    endpoint: env.AWS_ENDPOINT_URL,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: env.STACK_ADMIN_ACCESS_KEY_ID, secretAccessKey: env.STACK_ADMIN_SECRET_ACCESS_KEY },
  });
}

/** A name unique to this test run, for buckets, repositories, snapshots and indices. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}
