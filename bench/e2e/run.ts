// npm run bench:e2e — the whole migration, end to end, against the recipe users run by hand today.
// A source of BENCH_E2E_MIB (2048) MiB in five indices and twelve shards is migrated to the target
// three ways, in turn, with a fresh target (no indices, no repository, empty buckets) each time:
//   recipe       register, snapshot and wait, `aws s3 sync`, register read-only, restore and wait,
//                `_count` each index — every tool at its defaults;
//   action       dist/index.js through the local runner, at its defaults;
//   actionTuned  the same with `snapshot-rate` raised (BENCH_E2E_SNAPSHOT_RATE, 1gb);
//   actionSelfManaged  actionTuned onto a self-managed target: its gateway lets the run raise the recovery
//                throttles a managed domain keeps (selfManagedClusterSettings), as on a cluster of your own.
// Prints per way its wall time, time per phase, the copy's tail after the snapshot ended and the bytes
// that passed through the runner; the last line is one JSON object.
//
// Environment: BENCH_E2E_MIB (2048), BENCH_E2E_ROUNDS (1),
// BENCH_E2E_WAYS (recipe,action,actionTuned,actionSelfManaged),
// BENCH_E2E_SNAPSHOT_RATE (1gb), STACK_NODE_HEAP (1g when this starts the stack), STACK_PORT_BASE /
// STACK_DIR (which stack; one is started and stopped when none runs), OSDM_DIST_DIR (the bundle).
import { cpus, loadavg, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { ensureStack, stackDown } from '../../stack/stack.js';
import { stackLayout } from '../../stack/layout.js';
import { startLatencyProxy } from '../copy/latency-proxy.js';
import { ensureSource, INDEX_PREFIX, type SourceData } from './source.js';
import { runRecipe } from './recipe.js';
import { runActionOnce, type ActionResult } from './action.js';
import { call } from './http.js';
import { gatewayControl } from '../../stack/gateway/control-client.js';

type Way = 'recipe' | 'action' | 'actionTuned' | 'actionSelfManaged';
const MIB = Number(process.env.BENCH_E2E_MIB ?? 2048);
const ROUNDS = Number(process.env.BENCH_E2E_ROUNDS ?? 1);
const WAYS = (process.env.BENCH_E2E_WAYS ?? 'recipe,action,actionTuned,actionSelfManaged').split(',') as Way[];
const SNAPSHOT_RATE = process.env.BENCH_E2E_SNAPSHOT_RATE ?? '1gb';
process.env.STACK_NODE_HEAP ??= '1g';

const log = (line: string) => console.log(line);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
};

interface Sample {
  way: Way;
  round: number;
  wallMs: number;
  phases: Record<string, number>;
  copyTailMs: number;
  copyTailPct: number;
  verified: boolean;
  bytesThroughRunner?: number;
  objectBytesThroughRunner?: number;
  bounds?: string[];
  forecast?: string;
}

async function emptyPrefix(client: S3Client, bucket: string, prefix: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length === 0) return removed;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    removed += keys.length;
  }
}

async function main(): Promise<void> {
  const { env, started } = await ensureStack();
  const layout = stackLayout(Number(env.STACK_PORT_BASE));
  const sourceNode = env.STACK_SOURCE_NODE!;
  const targetNode = env.STACK_TARGET_NODE!;
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: env.AWS_ENDPOINT_URL,
    forcePathStyle: true,
    credentials: { accessKeyId: env.STACK_ADMIN_ACCESS_KEY_ID!, secretAccessKey: env.STACK_ADMIN_SECRET_ACCESS_KEY! },
  });
  const proxy = await startLatencyProxy({ target: env.AWS_ENDPOINT_URL!, port: layout.base + 150 });
  const stamp = Date.now().toString(36);
  const samples: Sample[] = [];
  let source: SourceData | undefined;
  try {
    source = await ensureSource(sourceNode, MIB, log);
    const indices = source.indices.map((i) => i.index);
    const expected = Object.fromEntries(source.indices.map((i) => [i.index, i.documents]));
    const expectedTotal = source.indices.reduce((n, i) => n + i.documents, 0);

    const freshTarget = async () => {
      await call(targetNode, 'DELETE', `/${INDEX_PREFIX}*?expand_wildcards=all&ignore_unavailable=true`);
      for (const node of [sourceNode, targetNode]) {
        const repos = Object.keys(await call(node, 'GET', '/_snapshot/_all'));
        for (const repo of repos.filter((r) => r.startsWith('e2e-'))) await call(node, 'DELETE', `/_snapshot/${repo}`);
      }
      await emptyPrefix(s3, env.STACK_SOURCE_BUCKET!, 'e2e/');
      await emptyPrefix(s3, env.STACK_TARGET_BUCKET!, 'e2e/');
    };

    for (let round = 1; round <= ROUNDS; round++) {
      for (const way of WAYS) {
        await freshTarget();
        const runId = `${stamp}-${round}-${way.toLowerCase()}`;
        log(`\n== ${way}, round ${round} (${mib(source.bytes)}, load ${loadavg()[0]!.toFixed(1)}) ==`);
        const t0 = performance.now();
        if (way === 'recipe') {
          const r = await runRecipe(
            {
              sourceNode,
              targetNode,
              sourceBucket: env.STACK_SOURCE_BUCKET!,
              targetBucket: env.STACK_TARGET_BUCKET!,
              targetRegion: env.STACK_TARGET_REGION!,
              motoUrl: env.AWS_ENDPOINT_URL!,
              accessKeyId: env.STACK_ADMIN_ACCESS_KEY_ID!,
              secretAccessKey: env.STACK_ADMIN_SECRET_ACCESS_KEY!,
            },
            { repository: `e2e-${runId}`, basePath: `e2e/${runId}`, snapshot: `snap-${runId}`, indices },
          );
          const wallMs = Math.round(performance.now() - t0);
          const verified = indices.every((i) => r.counts[i] === expected[i]);
          samples.push({
            way,
            round,
            wallMs,
            phases: r.phases,
            copyTailMs: r.phases.copy ?? 0,
            copyTailPct: 100,
            verified,
            bytesThroughRunner: undefined,
          });
          log(
            `wall ${s(wallMs)}; ${Object.entries(r.phases)
              .map(([k, v]) => `${k} ${s(v)}`)
              .join(', ')}`,
          );
          log(
            `copy tail after the snapshot ended: ${s(r.phases.copy ?? 0)} (100%: the copy starts when the snapshot ends)`,
          );
          log(
            `verified: ${verified} (${Object.values(r.counts).reduce((a, b) => a + b, 0)} of ${expectedTotal} documents)`,
          );
        } else {
          const selfManaged = way === 'actionSelfManaged';
          if (selfManaged) await gatewayControl(env.STACK_TARGET_ENDPOINT!, { selfManagedClusterSettings: true });
          const a: ActionResult = await runActionOnce({
            runId,
            indices: `${INDEX_PREFIX}*`,
            proxy,
            inputs: way === 'action' ? {} : { 'snapshot-rate': SNAPSHOT_RATE },
          }).finally(() =>
            selfManaged ? gatewayControl(env.STACK_TARGET_ENDPOINT!, { selfManagedClusterSettings: false }) : undefined,
          );
          const verified = a.verified && a.targetDocuments === expectedTotal;
          samples.push({
            way,
            round,
            wallMs: a.wallMs,
            phases: a.phases,
            copyTailMs: a.copyTailMs,
            copyTailPct: Math.round(a.copyTail * 1000) / 10,
            verified,
            bytesThroughRunner: a.bytesThroughRunner,
            objectBytesThroughRunner: a.objectBytesThroughRunner,
            bounds: a.bounds,
            ...(a.forecast ? { forecast: a.forecast } : {}),
          });
          log(
            `wall ${s(a.wallMs)}; ${Object.entries(a.phases)
              .map(([k, v]) => `${k} ${s(v)}`)
              .join(', ')}`,
          );
          log(
            `copy tail after the snapshot ended: ${s(a.copyTailMs)}, ${(a.copyTail * 100).toFixed(1)}% of the copy (${a.copyTailSource === 'action' ? "the action's figure" : 'no overlap: the whole copy phase'})`,
          );
          log(
            `bytes through the runner: ${a.bytesThroughRunner} (S3 listing and result XML), object bytes ${a.objectBytesThroughRunner}, of ${mib(a.copiedBytes)} copied`,
          );
          if (a.forecast) log(`forecast (the preflight's): ${a.forecast}`);
          for (const line of a.bounds) log(`  ${line.replace(/^::[a-z]+::/, '')}`);
          log(`verified: ${verified} (${a.targetDocuments} of ${expectedTotal} documents; exit ${a.code})`);
          if (!verified) log(a.logTail);
        }
      }
    }
  } finally {
    await proxy.close();
    if (started) await stackDown();
  }

  const of = (way: Way) => samples.filter((x) => x.way === way);
  const wall = (way: Way) => (of(way).length ? median(of(way).map((x) => x.wallMs)) : undefined);
  const recipeMs = wall('recipe');
  const actionMs = wall('action');
  const actionTunedMs = wall('actionTuned');
  const actionSelfManagedMs = wall('actionSelfManaged');
  const ratio = (a?: number, b?: number) => (a && b ? Math.round((a / b) * 100) / 100 : undefined);
  const tails = [...of('action'), ...of('actionTuned'), ...of('actionSelfManaged')].map((x) => x.copyTailPct);
  const summary = {
    bench: 'e2e',
    machine: {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      awsCli: execFileSync('aws', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim(),
      loadAverageAtEnd: Math.round(loadavg()[0]! * 10) / 10,
    },
    mib: MIB,
    sourceBytes: source?.bytes,
    sourceDocuments: source?.indices.reduce((n, i) => n + i.documents, 0),
    indices: source?.indices.length,
    shards: source?.indices.reduce((n, i) => n + i.shards, 0),
    rounds: ROUNDS,
    snapshotRate: SNAPSHOT_RATE,
    samples,
    allVerified: samples.every((x) => x.verified),
    recipeMs,
    actionMs,
    actionTunedMs,
    actionSelfManagedMs,
    speedup: ratio(recipeMs, actionMs),
    speedupTuned: ratio(recipeMs, actionTunedMs),
    speedupSelfManaged: ratio(recipeMs, actionSelfManagedMs),
    copyTailPct: tails.length ? Math.max(...tails) : undefined,
  };
  log(`\n${JSON.stringify(summary)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
