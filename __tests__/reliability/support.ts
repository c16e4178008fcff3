// What every reliability test shares: runs of dist/index.js that are always scanned for secrets, the
// repository comparison made straight against moto, the servers' request logs, and the figures file that
// `npm run test:reliability` adds up (RELIABILITY_FIGURES; nothing is written without it).
import { appendFileSync } from 'node:fs';
import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { runAction, type ActionRun } from '../support/action.js';
import { adminS3, nodeClient, stackEnv } from '../support/stack.js';
import type { RunOptions } from '../../stack/runner.js';

const env = stackEnv();

/** Fewer trials under `npm test` (CI proves the machinery); the whole count under `npm run test:reliability`. */
export const FULL = process.env.RELIABILITY_FULL === '1';

export function recordFigure(type: string, data: Record<string, unknown>): void {
  const file = process.env.RELIABILITY_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ type, ...data })}\n`);
}

// --- secrets --------------------------------------------------------------------------------------------

/** Every secret moto has issued: IAM users' secret keys, and the secret key and token of every STS session. */
export async function issuedSecrets(): Promise<string[]> {
  const res = await fetch(`${env.AWS_ENDPOINT_URL}/_stack/credentials`);
  const data = (await res.json()) as {
    sts: { AssumedRole: Array<{ secret_access_key: string; session_token: string }> };
    iam: { AccessKey: Array<{ secret_access_key: string }> };
  };
  return [
    ...data.sts.AssumedRole.flatMap((r) => [r.secret_access_key, r.session_token]),
    ...data.iam.AccessKey.map((k) => k.secret_access_key),
  ].filter((s) => typeof s === 'string' && s.length >= 8);
}

export interface Leak {
  /** Where it was found: log, summary, output <name>, error. */
  where: string;
  /** What kind of secret, and its first characters only. */
  what: string;
}

/**
 * Every secret that must not be printed, looked for everywhere a run leaves text: the log (each
 * ::add-mask:: command itself aside), the summary, every output, and the error messages (::error:: lines).
 * The secrets: every value the run announced with ::add-mask::, every credential moto issued, the OIDC
 * request token, and the passwords (plain and as the basic-auth header's base64) the caller names.
 */
export async function findLeaks(
  run: Pick<ActionRun, 'log' | 'summary' | 'outputs'>,
  passwords: Array<{ username?: string; password: string }> = [],
): Promise<Leak[]> {
  const masked = [...run.log.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1]!.trim()).filter((s) => s.length >= 4);
  const secrets: Array<[string, string]> = [
    ...masked.map((s): [string, string] => ['masked value', s]),
    ...(await issuedSecrets()).map((s): [string, string] => ['issued credential', s]),
    ['OIDC request token', env.STACK_OIDC_REQUEST_TOKEN!],
    ...passwords.flatMap(({ username, password }): Array<[string, string]> => [
      ['password', password],
      ...(username !== undefined
        ? [['basic-auth header', Buffer.from(`${username}:${password}`).toString('base64')] as [string, string]]
        : []),
    ]),
  ];
  const log = run.log.replace(/^::add-mask::.*$/gm, '');
  const places: Array<[string, string]> = [
    ['log', log],
    [
      'error',
      log
        .split('\n')
        .filter((l) => l.startsWith('::error'))
        .join('\n'),
    ],
    ['summary', run.summary],
    ...Object.entries(run.outputs).map(([name, value]): [string, string] => [`output ${name}`, value]),
  ];
  const leaks: Leak[] = [];
  for (const [what, secret] of secrets) {
    for (const [where, text] of places)
      if (text.includes(secret)) leaks.push({ where, what: `${what} ${secret.slice(0, 4)}…` });
  }
  return leaks;
}

export interface CheckedRun extends ActionRun {
  leaks: Leak[];
}

/** runAction, then the secret scan; both the run and the scan go into the figures. */
export async function runChecked(
  suite: string,
  inputs: Record<string, string>,
  opts: RunOptions = {},
  passwords: Array<{ username?: string; password: string }> = [],
): Promise<CheckedRun> {
  const run = await runAction(inputs, opts);
  const leaks = await findLeaks(run, [
    ...passwords,
    ...(['source', 'target'] as const).flatMap((side) =>
      inputs[`${side}-password`]
        ? [{ username: inputs[`${side}-username`] ?? '', password: inputs[`${side}-password`]! }]
        : [],
    ),
  ]);
  recordFigure('scan', { suite, leaks: leaks.length, where: leaks.map((l) => `${l.where}: ${l.what}`) });
  return { ...run, leaks };
}

// --- the repository, object by object -------------------------------------------------------------------

export interface ListedObject {
  size: number;
  etag: string;
  lastModified: number;
}

export async function listObjects(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<Map<string, ListedObject>> {
  const out = new Map<string, ListedObject>();
  const normalized = prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix;
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: normalized || undefined })) {
    for (const o of page.Contents ?? []) {
      out.set(o.Key!.slice(normalized.length), {
        size: o.Size ?? 0,
        etag: (o.ETag ?? '').replace(/"/g, ''),
        lastModified: o.LastModified?.getTime() ?? 0,
      });
    }
  }
  return out;
}

export interface RepositoryComparison {
  /** Source objects compared (repository verification leftovers, `tests-*`, aside). */
  objects: number;
  missing: string[];
  wrongSize: string[];
  wrongEtag: string[];
  /** Objects copied in parts: another ETag, proven by the source ETag the copy recorded. */
  multipart: number;
}

/**
 * Every object of the source repository, at the destination with the same size and the same ETag (a
 * multipart copy gets an ETag of its own; then the source ETag recorded in its metadata must match).
 * Straight against moto with the stack's admin keys: nothing of the code under test is involved.
 */
export async function compareRepositories(sourcePrefix: string, targetPrefix: string): Promise<RepositoryComparison> {
  const sourceS3 = adminS3(env.STACK_SOURCE_REGION!);
  const targetS3 = adminS3(env.STACK_TARGET_REGION!);
  const [source, target] = await Promise.all([
    listObjects(sourceS3, env.STACK_SOURCE_BUCKET!, sourcePrefix),
    listObjects(targetS3, env.STACK_TARGET_BUCKET!, targetPrefix),
  ]);
  const result: RepositoryComparison = { objects: 0, missing: [], wrongSize: [], wrongEtag: [], multipart: 0 };
  for (const [key, s] of source) {
    if (key.startsWith('tests-')) continue;
    result.objects++;
    const t = target.get(key);
    if (!t) result.missing.push(key);
    else if (t.size !== s.size) result.wrongSize.push(key);
    else if (t.etag !== s.etag) {
      const head = await targetS3.send(
        new HeadObjectCommand({ Bucket: env.STACK_TARGET_BUCKET!, Key: `${targetPrefix}/${key}` }),
      );
      if (t.etag.includes('-') && head.Metadata?.['source-etag'] === s.etag) result.multipart++;
      else result.wrongEtag.push(key);
    }
  }
  return result;
}

export const objectsLost = (c: RepositoryComparison) => c.missing.length + c.wrongSize.length + c.wrongEtag.length;

/**
 * A destination of its own for one run: target-base-path and target-repository inputs, and the cleanup
 * (its objects, and the repository registered on the target). A run that copies into the shared default
 * path would leave snapshots there that deleteSnapshot later removes from the source, and the next run's
 * preflight rightly refuses a destination holding snapshots its source does not have.
 */
export function ownDestination(name: string): {
  prefix: string;
  inputs: Record<string, string>;
  remove(): Promise<void>;
} {
  const prefix = `rel-${name}`;
  return {
    prefix,
    inputs: { 'target-base-path': prefix, 'target-repository': prefix },
    async remove() {
      await target.snapshot.deleteRepository({ repository: prefix }).catch(() => undefined);
      const s3 = adminS3(env.STACK_TARGET_REGION!);
      const keys = [...(await listObjects(s3, env.STACK_TARGET_BUCKET!, prefix)).keys()].map((k) => ({
        Key: `${prefix}/${k}`,
      }));
      for (let i = 0; i < keys.length; i += 1000) {
        await s3.send(
          new DeleteObjectsCommand({ Bucket: env.STACK_TARGET_BUCKET!, Delete: { Objects: keys.slice(i, i + 1000) } }),
        );
      }
    },
  };
}

/** Multipart uploads started and never completed or aborted (parts S3 would bill for). */
export async function openMultipartUploads(prefix: string): Promise<number> {
  const out = await adminS3(env.STACK_TARGET_REGION!).send(
    new ListMultipartUploadsCommand({ Bucket: env.STACK_TARGET_BUCKET!, Prefix: `${prefix}/` }),
  );
  return out.Uploads?.length ?? 0;
}

// --- the domains --------------------------------------------------------------------------------------

export const source = nodeClient('source');
export const target = nodeClient('target');

export async function gateway(
  side: 'source' | 'target',
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<any> {
  const base = side === 'source' ? env.STACK_SOURCE_ENDPOINT : env.STACK_TARGET_ENDPOINT;
  const res = await fetch(`${base}/_gateway/${path}`, {
    method: init.method ?? 'GET',
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    headers: { 'content-type': 'application/json' },
  });
  return res.json();
}

/** Requests that could change something (anything but GET and HEAD) as both gateways logged them. */
export async function mutatingDomainRequests(): Promise<string[]> {
  const seen: string[] = [];
  for (const side of ['source', 'target'] as const) {
    const log: Array<{ method: string; path: string }> = await gateway(side, 'requests');
    for (const r of log) if (r.method !== 'GET' && r.method !== 'HEAD') seen.push(`${side} ${r.method} ${r.path}`);
  }
  return seen;
}

export const clearDomainRequestLogs = () =>
  Promise.all([
    gateway('source', 'requests', { method: 'DELETE' }),
    gateway('target', 'requests', { method: 'DELETE' }),
  ]);

export async function createIndex(index: string, docs: number, shards = 1): Promise<void> {
  await source.indices.create({ index, body: { settings: { number_of_shards: shards, number_of_replicas: 0 } } });
  for (let from = 0; from < docs; from += 2000) {
    const n = Math.min(2000, docs - from);
    const body = Array.from({ length: n }, (_, i) => [
      { index: { _index: index, _id: String(from + i) } },
      { n: from + i, text: `document ${from + i}` },
    ]).flat();
    await source.bulk({ body });
  }
  await source.indices.refresh({ index });
}

export async function deleteIndices(client: typeof source, pattern: string): Promise<void> {
  await client.indices
    .delete({ index: pattern, expand_wildcards: 'all', ignore_unavailable: true } as any)
    .catch(() => undefined);
}

/**
 * Removes a run's snapshot from the source repository once its checks are done: every test shares that
 * repository, and each snapshot left in it is copied again by every later run to a fresh destination.
 */
export async function deleteSnapshot(snapshot: string | undefined): Promise<void> {
  if (!snapshot) return;
  await source.snapshot.delete({ repository: 'domain-migrate', snapshot }).catch(() => undefined);
}

export async function count(client: typeof source, index: string): Promise<number> {
  return Number((await client.count({ index })).body.count);
}

/** The write block, as the node itself reports it (not the action). */
export async function writeBlocked(index: string): Promise<boolean> {
  const b = (await source.indices.getSettings({ index, name: 'index.blocks.write' })).body as any;
  return String(b?.[index]?.settings?.index?.blocks?.write) === 'true';
}

export { env as stackEnvironment };
