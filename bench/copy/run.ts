// npm run bench:copy — our copy engine against `aws s3 sync`, on moto, straight and through a
// latency proxy; then a rerun on an unchanged repository, and a 100,000-object memory run.
// See bench/README.md for the figures, the model and the results. The last line printed is one
// JSON object with every figure, to compare from run to run.
//
// Environment: BENCH_MODE=all|compare|memory, BENCH_RUNS (3), BENCH_SCALE (1), BENCH_RTT_MS (80),
// BENCH_COPY_FIXED_MS (75), BENCH_COPY_MIB_S (40), BENCH_CONCURRENCY (the engine's default), BENCH_MEMORY_OBJECTS (100000),
// BENCH_ENDPOINT (use a running moto instead of starting one), BENCH_MOTO_PORT (19690),
// BENCH_MOTO_SERVER (stack: the stack's moto program; werkzeug: plain moto_server), BENCH_PROXY_PORT
// (19691), BENCH_PATHS (straight,proxy,ceiling).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_CONCURRENCY } from '../../src/aws/copy/index.js';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.js';
import { startMoto, type Moto, type MotoServer } from './moto.js';
import {
  countObjects,
  createBucket,
  dropBucket,
  planRepository,
  shapeFor,
  writeObjects,
  type RepositoryObject,
} from './repository.js';
import { mib, round, seconds, summarize, type Summary } from './stats.js';
import { targets, type Target } from './targets.js';
import {
  compileEngine,
  ensureRclone,
  runCli,
  runEngine,
  runRclone,
  type CliTool,
  type RcloneTool,
  type Side,
  type Tool,
  type ToolRun,
} from './tools.js';

const env = process.env;
const MODE = env.BENCH_MODE ?? 'all';
const RUNS = Number(env.BENCH_RUNS ?? 3);
const SCALE = Number(env.BENCH_SCALE ?? 1);
const RTT_MS = Number(env.BENCH_RTT_MS ?? 80);
const COPY_MIB_S = Number(env.BENCH_COPY_MIB_S ?? 40);
const COPY_FIXED_MS = Number(env.BENCH_COPY_FIXED_MS ?? 75);
const CONCURRENCY = Number(env.BENCH_CONCURRENCY ?? DEFAULT_CONCURRENCY);
const MEMORY_OBJECTS = Number(env.BENCH_MEMORY_OBJECTS ?? 100_000);
const PROXY_PORT = Number(env.BENCH_PROXY_PORT ?? 19691);
const PREFIX = 'snapshots/bench';
const ALL_TOOLS: Tool[] = ['engine', 'cli-default', 'cli-tuned', 'rclone-default', 'rclone-tuned'];
/** The engine always runs: every ratio is against it. */
const TOOLS: Tool[] = [
  'engine',
  ...((env.BENCH_TOOLS?.split(',') as Tool[]) ?? ALL_TOOLS).filter((t) => t !== 'engine'),
];
type Path = 'straight' | 'proxy' | 'ceiling';
const PATHS = (env.BENCH_PATHS ?? 'straight,proxy,ceiling').split(',') as Path[];
const MOTO_SERVER = (env.BENCH_MOTO_SERVER ?? 'stack') as MotoServer;
const SOURCE_REGION = 'us-east-1';
const DESTINATION_REGION = 'eu-west-1';

const log = (line: string) => console.log(line);
const stamp = Date.now().toString(36);
let bucketSeq = 0;
const bucketName = (what: string) => `bench-${what}-${stamp}-${bucketSeq++}`;

function admin(endpoint: string, region: string): S3Client {
  return new S3Client({
    region,
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 5,
  });
}

interface Sample {
  tool: Tool;
  wallMs: number;
  maxRssKb?: number;
  cpuS?: number;
  motoCpuS?: number;
  requests?: Record<string, number>;
  bytesThroughRunner?: number;
  objectPayloadBytes?: number;
  engine?: ToolRun['engine'];
}

async function runOnce(tool: Tool, endpoint: string, source: Side, destination: Side): Promise<ToolRun> {
  if (tool === 'engine') return runEngine(endpoint, source, destination, { concurrency: CONCURRENCY });
  if (tool.startsWith('rclone')) return runRclone(tool as RcloneTool, endpoint, source, destination, CONCURRENCY);
  return runCli(tool as CliTool, endpoint, source, destination, CONCURRENCY);
}

async function compare(moto: Moto, proxy: LatencyProxy) {
  const us = admin(moto.endpoint, SOURCE_REGION);
  const eu = admin(moto.endpoint, DESTINATION_REGION);
  const objects = planRepository(shapeFor(SCALE), PREFIX);
  const copied = objects.filter((o) => !o.key.slice(PREFIX.length + 1).startsWith('tests-'));
  const expected = { objects: copied.length, bytes: copied.reduce((n, o) => n + o.size, 0) };
  const sourceBucket = bucketName('src');
  const t = Date.now();
  await createBucket(us, sourceBucket, SOURCE_REGION);
  await writeObjects(us, sourceBucket, objects);
  const sizes = new Map(objects.map((o) => [o.key, o.size]));
  proxySizes = (bucket, key) => (bucket === sourceBucket ? sizes.get(key) : undefined);
  const shape = {
    objects: objects.length,
    bytes: objects.reduce((n, o) => n + o.size, 0),
    small: objects.filter((o) => o.size < 8 * 2 ** 20).length,
    tensOfMiB: objects.filter((o) => o.size >= 8 * 2 ** 20 && o.size <= 64 * 2 ** 20).length,
    aboveThreshold: objects.filter((o) => o.size > 64 * 2 ** 20).length,
  };
  log(
    `repository: ${shape.objects} objects, ${mib(shape.bytes)} (${shape.small} small, ${shape.tensOfMiB} of 8–64 MiB, ${shape.aboveThreshold} above 64 MiB) written in ${seconds(Date.now() - t)}`,
  );
  const source: Side = { bucket: sourceBucket, prefix: PREFIX, region: SOURCE_REGION };

  const report: Record<string, unknown> = {};
  for (const path of PATHS) {
    const endpoint = path === 'straight' ? moto.endpoint : proxy.url;
    // The ceiling: the proxy answers copy writes itself, so moto's CPU is out of the way.
    proxy.answerCopies = path === 'ceiling';
    const samples: Sample[] = [];
    const reruns: Sample[] = [];
    let cliRerunMs: number | undefined;
    // rclone checks every copy with a HEAD of the destination object, which the ceiling's answered-but-
    // unwritten copies cannot satisfy ("object not found"): it has no ceiling figure.
    const tools = path === 'ceiling' ? TOOLS.filter((t) => !t.startsWith('rclone')) : TOOLS;
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 0 ? tools : [...tools].reverse(); // alternate, so no tool always runs on a warmer moto
      for (const tool of order) {
        const destination: Side = { bucket: bucketName('dst'), prefix: PREFIX, region: DESTINATION_REGION };
        await createBucket(eu, destination.bucket, DESTINATION_REGION);
        proxy.reset();
        const cpu0 = moto.cpuSeconds();
        const result = await runOnce(tool, endpoint, source, destination);
        const cpu1 = moto.cpuSeconds();
        const stats = path === 'straight' ? undefined : structuredClone(proxy.stats);
        const landed = path === 'ceiling' ? expected : await countObjects(eu, destination.bucket);
        if (landed.objects !== expected.objects || landed.bytes !== expected.bytes) {
          throw new Error(
            `${tool} left ${landed.objects} objects / ${landed.bytes} bytes, expected ${expected.objects} / ${expected.bytes}`,
          );
        }
        const sample: Sample = {
          tool,
          wallMs: result.wallMs,
          maxRssKb: result.maxRssKb,
          cpuS: result.cpuS,
          motoCpuS: cpu0 !== undefined && cpu1 !== undefined ? round(cpu1 - cpu0) : undefined,
          requests: stats?.requests ?? result.engine?.result.requests,
          bytesThroughRunner: stats ? stats.requestBodyBytes + stats.responseBodyBytes : undefined,
          objectPayloadBytes: stats?.objectPayloadBytes,
          engine: result.engine,
        };
        samples.push(sample);
        const busy = sample.motoCpuS === undefined ? '?' : round(sample.motoCpuS / (result.wallMs / 1000));
        log(
          `[${path} ${run + 1}/${RUNS}] ${tool.padEnd(11)} ${seconds(result.wallMs).padStart(9)}  rss ${Math.round((result.maxRssKb ?? 0) / 1024)} MiB  cpu ${round(result.cpuS ?? NaN, 1)} s  moto cpu ${sample.motoCpuS ?? '?'} s (${busy} cores)  load ${round(os.loadavg()[0]!, 1)}`,
        );
        if (tool === 'engine' && path !== 'ceiling') {
          proxy.reset();
          const again = await runEngine(endpoint, source, destination, { concurrency: CONCURRENCY });
          reruns.push({
            tool,
            wallMs: again.wallMs,
            maxRssKb: again.maxRssKb,
            requests: path === 'proxy' ? structuredClone(proxy.stats.requests) : again.engine?.result.requests,
            engine: again.engine,
          });
          log(
            `[${path} ${run + 1}/${RUNS}] engine rerun ${seconds(again.engine!.result.durationMs)} in the engine (${seconds(again.wallMs)} as a process), ${again.engine!.result.copied} copied`,
          );
        }
        if (tool === 'cli-default' && run === 0 && path !== 'ceiling') {
          cliRerunMs = (await runCli('cli-default', endpoint, source, destination, CONCURRENCY)).wallMs;
          log(`[${path} ${run + 1}/${RUNS}] cli-default rerun ${seconds(cliRerunMs)}`);
        }
        await dropBucket(eu, destination.bucket);
      }
    }
    report[path] = summarizePath(tools, samples, reruns, cliRerunMs, expected.bytes);
  }
  proxy.answerCopies = false;
  await dropBucket(us, sourceBucket);
  us.destroy();
  eu.destroy();
  return {
    shape,
    rttMs: RTT_MS,
    copyFixedMs: COPY_FIXED_MS,
    copyMiBPerS: COPY_MIB_S,
    concurrency: CONCURRENCY,
    runs: RUNS,
    ...report,
  };
}

function summarizePath(
  tools: Tool[],
  samples: Sample[],
  reruns: Sample[],
  cliRerunMs: number | undefined,
  objectBytes: number,
) {
  const of = (tool: Tool) => samples.filter((s) => s.tool === tool);
  const wall: Record<Tool, Summary> = Object.fromEntries(
    tools.map((tool) => [tool, summarize(of(tool).map((s) => s.wallMs))]),
  ) as Record<Tool, Summary>;
  const engineRuns = of('engine');
  const engineMs = summarize(engineRuns.map((s) => s.engine!.result.durationMs));
  const rerunMs = reruns.length ? summarize(reruns.map((s) => s.engine!.result.durationMs)) : undefined;
  const rerunCopyRequests = Math.max(
    0,
    ...reruns.map((s) =>
      ['CopyObject', 'UploadPartCopy', 'CreateMultipartUpload', 'PutObject'].reduce(
        (n, k) => n + (s.requests?.[k] ?? 0),
        0,
      ),
    ),
  );
  return {
    wallMs: Object.fromEntries(
      tools.map((tool) => [
        tool,
        {
          median: round(wall[tool].median, 0),
          min: round(wall[tool].min, 0),
          max: round(wall[tool].max, 0),
          spreadPct: wall[tool].spreadPct,
        },
      ]),
    ),
    // How many times faster the engine is than each peer (median wall against median wall).
    ratio: {
      vsDefault: round(wall['cli-default']?.median / wall.engine.median),
      vsTuned: round(wall['cli-tuned']?.median / wall.engine.median),
      vsRcloneDefault: round(wall['rclone-default']?.median / wall.engine.median),
      vsRcloneTuned: round(wall['rclone-tuned']?.median / wall.engine.median),
    },
    engineInternalMs: round(engineMs.median, 0),
    requests: Object.fromEntries(tools.map((tool) => [tool, of(tool)[0]?.requests ?? {}])),
    peakRssMiB: Object.fromEntries(
      tools.map((tool) => [tool, round(Math.max(...of(tool).map((s) => s.maxRssKb ?? 0)) / 1024, 1)]),
    ),
    cpuS: Object.fromEntries(
      tools.map((tool) => [tool, round(summarize(of(tool).map((s) => s.cpuS ?? NaN)).median, 1)]),
    ),
    motoCpuS: Object.fromEntries(
      tools.map((tool) => [tool, round(summarize(of(tool).map((s) => s.motoCpuS ?? NaN)).median, 1)]),
    ),
    // moto's CPU seconds per second of the tool's run: near 1.0 (one core, its GIL's limit) means moto,
    // not the tool, set the pace.
    motoBusyCores: Object.fromEntries(
      tools.map((tool) => [
        tool,
        round(summarize(of(tool).map((s) => (s.motoCpuS ?? NaN) / (s.wallMs / 1000))).median),
      ]),
    ),
    bytesThroughRunner: engineRuns[0]?.bytesThroughRunner,
    objectPayloadThroughRunner: engineRuns[0]?.objectPayloadBytes,
    objectBytes,
    rerun: rerunMs && {
      engineMs: round(rerunMs.median, 0),
      processMs: round(summarize(reruns.map((s) => s.wallMs)).median, 0),
      ofFirstCopyPct: round((100 * rerunMs.median) / engineMs.median, 1),
      copyRequests: rerunCopyRequests,
      requests: reruns[0]?.requests ?? {},
      cliDefaultMs: cliRerunMs === undefined ? undefined : round(cliRerunMs, 0),
    },
  };
}

async function memory(moto: Moto) {
  const us = admin(moto.endpoint, SOURCE_REGION);
  const eu = admin(moto.endpoint, DESTINATION_REGION);
  const source: Side = { bucket: bucketName('mem-src'), prefix: PREFIX, region: SOURCE_REGION };
  const destination: Side = { bucket: bucketName('mem-dst'), prefix: PREFIX, region: DESTINATION_REGION };
  await createBucket(us, source.bucket, SOURCE_REGION);
  await createBucket(eu, destination.bucket, DESTINATION_REGION);
  const t = Date.now();
  function* tiny(): Generator<RepositoryObject> {
    for (let i = 0; i < MEMORY_OBJECTS - 3; i++) {
      yield {
        key: `${PREFIX}/indices/idx${String(i % 50).padStart(2, '0')}/${i % 5}/__${i.toString(36).padStart(8, '0')}`,
        size: 64,
      };
    }
    yield { key: `${PREFIX}/index-0`, size: 64 };
    yield { key: `${PREFIX}/snap-a.dat`, size: 64 };
    yield { key: `${PREFIX}/index.latest`, size: 8 };
  }
  await writeObjects(us, source.bucket, tiny(), 48);
  log(`memory: ${MEMORY_OBJECTS} objects written in ${seconds(Date.now() - t)}`);
  const run = await runEngine(moto.endpoint, source, destination, { concurrency: CONCURRENCY });
  const result = run.engine!.result;
  log(
    `memory: copied ${result.copied} objects in ${seconds(run.wallMs)}, peak RSS ${Math.round((run.maxRssKb ?? 0) / 1024)} MiB, manifest ${result.manifest.ok ? 'ok' : 'NOT ok'}`,
  );
  await dropBucket(eu, destination.bucket);
  await dropBucket(us, source.bucket);
  us.destroy();
  eu.destroy();
  return {
    objects: MEMORY_OBJECTS,
    copied: result.copied,
    wallMs: round(run.wallMs, 0),
    peakRssMiB: round((run.maxRssKb ?? 0) / 1024, 1),
    peakRssFromNodeMiB: round(run.engine!.maxRssKb / 1024, 1),
    manifestOk: result.manifest.ok,
    requests: result.requests,
  };
}

let proxySizes: ((bucket: string, key: string) => number | undefined) | undefined;

function machine() {
  const version = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .trim()
        .split('\n')[0];
    } catch {
      return undefined;
    }
  };
  return {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    awsCli: version('aws', ['--version']),
    rclone: version('rclone', ['version']),
    moto: version('python', ['-c', 'import moto; print(moto.__version__)']),
  };
}

async function main() {
  await compileEngine();
  if (TOOLS.some((t) => t.startsWith('rclone'))) ensureRclone(log);
  const moto = await startMoto(Number(env.BENCH_MOTO_PORT ?? 19690), env.BENCH_ENDPOINT, MOTO_SERVER);
  const proxy = await startLatencyProxy({
    target: moto.endpoint,
    port: PROXY_PORT,
    rttMs: RTT_MS,
    copyFixedMs: COPY_FIXED_MS,
    copyBytesPerSecond: COPY_MIB_S * 2 ** 20,
    sizeOf: (bucket, key) => proxySizes?.(bucket, key),
  });
  // Stopped from outside: take moto and the proxy down with us rather than leave them running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.allSettled([proxy.close(), moto.stop()]).then(() => process.exit(130));
    });
  }
  const figures: Record<string, unknown> = {
    machine: machine(),
    mode: MODE,
    motoServer: env.BENCH_ENDPOINT ? 'external' : MOTO_SERVER,
    loadAverageAtStart: round(os.loadavg()[0]!, 1),
  };
  log(
    `moto ${moto.endpoint}, latency proxy ${proxy.url} (${RTT_MS} ms round trip; copies +${COPY_FIXED_MS} ms and ${COPY_MIB_S} MiB/s each), engine concurrency ${CONCURRENCY}`,
  );
  try {
    if (MODE === 'all' || MODE === 'compare') figures.compare = await compare(moto, proxy);
    if (MODE === 'all' || MODE === 'memory') figures.memory = await memory(moto);
  } finally {
    await proxy.close();
    await moto.stop();
  }
  figures.loadAverageAtEnd = round(os.loadavg()[0]!, 1);
  figures.targets = targets(figures, CONCURRENCY);
  printSummary(figures);
  console.log(JSON.stringify(figures));
}

function printSummary(figures: Record<string, unknown>) {
  const c = figures.compare as (Record<string, any> & { straight: any; proxy: any }) | undefined;
  if (c) {
    const titles: Record<Path, string> = {
      straight: 'straight to moto',
      proxy: `through the latency proxy (${RTT_MS} ms round trip; copies +${COPY_FIXED_MS} ms and ${COPY_MIB_S} MiB/s each)`,
      ceiling: 'ceiling: same proxy, copy writes answered by the proxy (moto only lists), nothing written',
    };
    for (const path of PATHS) {
      const p = c[path];
      if (!p) continue;
      log(`\n${titles[path]}:`);
      for (const tool of TOOLS) {
        const w = p.wallMs[tool];
        if (!w) continue;
        log(
          `  ${tool.padEnd(11)} median ${seconds(w.median).padStart(9)}  (min ${seconds(w.min)}, max ${seconds(w.max)}, spread ${w.spreadPct}%)  peak RSS ${p.peakRssMiB[tool]} MiB  cpu ${p.cpuS[tool]} s  moto cpu ${p.motoCpuS[tool]} s (${p.motoBusyCores[tool]} cores)`,
        );
        log(`              requests ${JSON.stringify(p.requests[tool])}`);
      }
      log(
        `  engine is ${p.ratio.vsDefault}× faster than aws s3 sync (defaults), ${p.ratio.vsTuned}× than tuned (${CONCURRENCY} concurrent requests)`,
      );
      if (Number.isFinite(p.ratio.vsRcloneDefault))
        log(
          `  engine is ${p.ratio.vsRcloneDefault}× faster than rclone sync (defaults: 4 transfers), ${p.ratio.vsRcloneTuned}× than tuned (${CONCURRENCY} transfers and checkers)`,
        );
      if (p.rerun)
        log(
          `  rerun on the unchanged repository: ${seconds(p.rerun.engineMs)} (${p.rerun.ofFirstCopyPct}% of the first copy), ${p.rerun.copyRequests} copy requests; aws s3 sync rerun ${p.rerun.cliDefaultMs === undefined ? '?' : seconds(p.rerun.cliDefaultMs)}`,
        );
      if (p.bytesThroughRunner !== undefined)
        log(
          `  bytes through the runner: ${p.bytesThroughRunner} (listing and result XML), object payload ${p.objectPayloadThroughRunner}, of ${mib(p.objectBytes)} copied`,
        );
    }
  }
  const m = figures.memory as Record<string, any> | undefined;
  if (m)
    log(
      `\nmemory: ${m.objects} objects copied in ${seconds(m.wallMs)}, peak RSS ${m.peakRssMiB} MiB, manifest ${m.manifestOk ? 'ok' : 'NOT ok'}`,
    );
  const t = figures.targets as Target[];
  if (t.length) {
    log('\ntargets (bench/README.md):');
    for (const target of t)
      log(`  ${target.met ? 'met   ' : 'MISSED'} ${target.name}: ${target.measured} (target ${target.target})`);
  }
}

await main();
