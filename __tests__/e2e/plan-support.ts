// Shared by the plan tests: steering the stack's domain gateways, reading both domains and buckets as
// they are (through the bare nodes and moto's admin, never through the code under test), and running
// the action in plan mode.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import type { CheckRecord } from '../../src/record.js';
import { runAction, stackInputs, type ActionRun } from '../support/action.js';
import { adminS3, nodeClient, stackEnv } from '../support/stack.js';

export type SideName = 'source' | 'target';

export async function gateway(side: SideName, path: string, init: RequestInit = {}): Promise<any> {
  const env = stackEnv();
  const base = side === 'source' ? env.STACK_SOURCE_ENDPOINT : env.STACK_TARGET_ENDPOINT;
  const res = await fetch(`${base}/_gateway/${path}`, { ...init, headers: { 'content-type': 'application/json' } });
  return res.json();
}

export const control = (side: SideName, update: object) =>
  gateway(side, 'control', { method: 'POST', body: JSON.stringify(update) });
export const clearRequestLogs = () =>
  Promise.all([
    gateway('source', 'requests', { method: 'DELETE' }),
    gateway('target', 'requests', { method: 'DELETE' }),
  ]);

/** Every request the gateways saw since the logs were cleared, as "side METHOD path". */
export async function requestsSeen(): Promise<Array<{ side: SideName; method: string; path: string }>> {
  const out: Array<{ side: SideName; method: string; path: string }> = [];
  for (const side of ['source', 'target'] as const) {
    for (const r of (await gateway(side, 'requests')) as Array<{ method: string; path: string }>)
      out.push({ side, method: r.method, path: r.path });
  }
  return out;
}

/** Turns moto's S3 authorization for moto-issued keys on or off (stack/moto/iam_checks.py). */
export async function enforceS3(on: boolean): Promise<void> {
  const res = await fetch(`${stackEnv().AWS_ENDPOINT_URL}/_stack/iam-checks`, {
    method: 'POST',
    body: JSON.stringify({ s3: on }),
  });
  if (!res.ok) throw new Error(`iam-checks: ${res.status}`);
}

export function adminIam(): IAMClient {
  const env = stackEnv();
  return new IAMClient({
    endpoint: env.AWS_ENDPOINT_URL,
    region: 'us-east-1',
    credentials: { accessKeyId: env.STACK_ADMIN_ACCESS_KEY_ID!, secretAccessKey: env.STACK_ADMIN_SECRET_ACCESS_KEY! },
  });
}

/** What a domain holds, read from the bare node: indices with counts and state, aliases, repositories, cluster settings. */
export async function domainState(side: SideName): Promise<unknown> {
  const node = nodeClient(side);
  const indices = (
    await node.cat.indices({
      format: 'json',
      h: 'index,docs.count,status,health,pri,rep',
      expand_wildcards: 'all',
    } as never)
  ).body as Array<Record<string, string>>;
  const aliases = (await node.cat.aliases({ format: 'json', h: 'alias,index,is_write_index' } as never)).body as Array<
    Record<string, string>
  >;
  const repositories = (await node.transport.request({ method: 'GET', path: '/_snapshot' })).body;
  const settings = (await node.cluster.getSettings()).body;
  const byName = (a: Record<string, string>, b: Record<string, string>) =>
    JSON.stringify(a).localeCompare(JSON.stringify(b));
  return { indices: indices.sort(byName), aliases: aliases.sort(byName), repositories, settings };
}

/** Every object of a bucket: key, size and ETag. */
export async function bucketState(bucket: string, region: string): Promise<string[]> {
  const s3 = adminS3(region);
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push(`${o.Key} ${o.Size} ${o.ETag}`);
    token = page.NextContinuationToken;
  } while (token);
  return out.sort();
}

export async function runPlan(overrides: Record<string, string> = {}): Promise<ActionRun & { checks: CheckRecord[] }> {
  const run = await runAction(stackInputs({ mode: 'plan', indices: '*,-t-*', ...overrides }));
  return { ...run, checks: JSON.parse(run.outputs.checks || '[]') as CheckRecord[] };
}

export function row(run: { checks: CheckRecord[] }, id: string): CheckRecord {
  const found = run.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${run.checks.map((c) => c.id).join(', ')}`);
  return found;
}

export const failedIds = (run: { checks: CheckRecord[] }) =>
  run.checks.filter((c) => c.result === 'fail').map((c) => c.id);
