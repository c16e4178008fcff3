// npm run bench:cutover — how long the source is read-only: the same migration of the seeded data,
// one-phase (write-block from the snapshot to the end of verify) against two-phase (phase 1 and catch-up
// passes while the source takes writes, then the write-blocked catch-up), with an application writing
// into the source until the write block refuses it. Prints each run, the write-blocked windows (median),
// their ratios, and as its last line one JSON object.
//
// Each run migrates fresh clones of the seeded indices (BENCH_SCALE copies of each) into its own
// repository and base path, so no run reuses another's snapshot files, and the seeded data stay as they
// are. Three writer profiles:
//   burst   3% of the documents (updates of existing ones and new ones, over every index) written as
//           the migration starts — a batch job, a busy hour — then quiet;
//   append  a steady stream of new documents into the current time-based indices (orders-2024.02,
//           logs-app) until the write block refuses it: the shape of most domains' traffic;
//   update  a steady stream of updates and new documents over every index until the write block.
// (Steady streams run at BENCH_OPS_PER_SECOND and touch a few percent of the documents over a run.)
// Every write the source acknowledged is then looked up on the target by id and value.
//
// Environment: BENCH_RUNS (3 per mode and profile), BENCH_PROFILES (burst,append,update), BENCH_SCALE (1),
// BENCH_OPS_PER_SECOND (300), BENCH_POLL_SECONDS (0.1, both modes), STACK_DIR / STACK_PORT_BASE (which
// stack; one is started and stopped when none runs), OSDM_DIST_DIR (the bundle to run; dist/ by default).
import { Client } from '@opensearch-project/opensearch';
import { ensureSeeded, ensureStack, stackDown } from '../../stack/stack.js';
import { runAction, stackInputs } from '../../stack/runner.js';
import { startWriter, type WriterReport } from './writer.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PROFILES = (process.env.BENCH_PROFILES ?? 'burst,append,update').split(',') as Profile[];
const BURST_SHARE = 0.03;
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const OPS_PER_SECOND = Number(process.env.BENCH_OPS_PER_SECOND ?? 300);
const POLL_SECONDS = process.env.BENCH_POLL_SECONDS ?? '0.1';
const BATCH = 20;
type Mode = 'one-phase' | 'two-phase';
type Profile = 'burst' | 'append' | 'update';
/** The indices an append workload writes into: the current month's orders and the application log. */
const CURRENT_INDICES = ['orders-2024.02', 'logs-app'];

const log = (line: string) => console.log(line);
const stamp = Date.now().toString(36);

interface Sample {
  mode: Mode;
  profile: Profile;
  windowMs: number;
  runMs: number;
  verified: boolean;
  acknowledged: number;
  lost: number;
  changed?: number;
  passes?: number;
  steps?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Clones of the seeded indices (`copies` of each): same segments, same documents, no aliases. */
async function cloneSeeded(client: Client, indices: string[], prefix: string, copies: number): Promise<string[]> {
  const clones: string[] = [];
  // _clone needs its source write-blocked for the moment of the clone (hard links, no copying).
  await client.indices.putSettings({ index: indices.join(','), body: { index: { 'blocks.write': true } } });
  try {
    for (let copy = 0; copy < copies; copy++) {
      for (const index of indices) {
        const clone = `${prefix}-c${copy}-${index}`;
        await client.indices.clone({
          index,
          target: clone,
          body: { settings: { 'index.blocks.write': null, 'index.number_of_replicas': 0 } } as any,
        });
        clones.push(clone);
      }
    }
  } finally {
    await client.indices.putSettings({ index: indices.join(','), body: { index: { 'blocks.write': null } } as any });
  }
  await client.cluster.health({ index: `${prefix}-*`, wait_for_status: 'green' });
  return clones;
}

async function idsOf(client: Client, index: string, max: number): Promise<string[]> {
  const res = await client.search({ index, body: { size: max, _source: false, query: { match_all: {} } } });
  return res.body.hits.hits.map((h: any) => h._id);
}

async function lostWrites(target: Client, acknowledged: Map<string, number>): Promise<number> {
  const entries = [...acknowledged];
  let lost = 0;
  for (let start = 0; start < entries.length; start += 1000) {
    const slice = entries.slice(start, start + 1000);
    const docs = slice.map(([key]) => ({
      _index: key.slice(0, key.indexOf('/')),
      _id: key.slice(key.indexOf('/') + 1),
    }));
    const res = await target.mget({ body: { docs } });
    res.body.docs.forEach((d: any, i: number) => {
      if (!d.found || d._source?.touched !== slice[i]![1]) lost++;
    });
  }
  return lost;
}

async function runOnce(
  mode: Mode,
  profile: Profile,
  n: number,
  seeded: string[],
  source: Client,
  target: Client,
): Promise<Sample> {
  const prefix = `bench-${stamp}-${mode === 'one-phase' ? '1p' : '2p'}-${profile}-${n}`;
  const clones = await cloneSeeded(source, seeded, prefix, SCALE);
  const written =
    profile === 'append'
      ? clones.filter((c) => c.startsWith(`${prefix}-c0-`) && CURRENT_INDICES.some((i) => c.endsWith(`-${i}`)))
      : clones;
  const existingIds = new Map<string, string[]>();
  if (profile !== 'append') for (const c of clones) existingIds.set(c, await idsOf(source, c, 2000));
  const documents = (await source.count({ index: `${prefix}-*` })).body.count as number;
  const writer = startWriter(source, {
    indices: written,
    existingIds,
    updateShare: profile === 'append' ? 0 : 0.7,
    ...(profile === 'burst'
      ? { batch: 100, pauseMs: 10, maxOperations: Math.round(documents * BURST_SHARE) }
      : // Steady traffic: the pause that gives about OPS_PER_SECOND (the bulk itself takes a few ms).
        { batch: BATCH, pauseMs: Math.max(1, Math.round((1000 * BATCH) / OPS_PER_SECOND) - 10) }),
    idPrefix: 'bench',
  });
  const started = Date.now();
  const run = await runAction(
    stackInputs({
      indices: `${prefix}-*`,
      cutover: mode,
      'write-block': 'true',
      'source-repository': prefix,
      'target-repository': prefix,
      'source-base-path': prefix,
      'target-base-path': prefix,
      'poll-interval-seconds': POLL_SECONDS,
    }),
  );
  const runMs = Date.now() - started;
  const writes: WriterReport = await writer.stop();
  if (run.code !== 0)
    throw new Error(
      `${mode} ${profile} run ${n} failed:\n${run.log
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask'))
        .slice(-25)
        .join('\n')}`,
    );
  await target.indices.refresh({ index: `${prefix}-*` });
  const lost = await lostWrites(target, writes.acknowledged);
  const changed = /(\d+) of \d+ indices changed since phase 1/.exec(run.log)?.[1];
  const passes = /(\d+) catch-up pass/.exec(run.log)?.[1];
  const steps = /inside the write block: (.*)$/m.exec(run.log)?.[1];
  await source.indices.delete({ index: `${prefix}-*` });
  await target.indices.delete({ index: `${prefix}-*` });
  return {
    mode,
    profile,
    windowMs: Number(run.outputs['write-block-seconds']) * 1000,
    runMs,
    verified: run.outputs.verified === 'true',
    acknowledged: writes.acknowledged.size,
    lost,
    ...(mode === 'two-phase' ? { changed: Number(changed ?? 0), passes: Number(passes ?? 0) } : {}),
    ...(steps ? { steps } : {}),
  };
}

async function main(): Promise<void> {
  const { env, started } = await ensureStack();
  try {
    const seeded = await ensureSeeded(env);
    const source = new Client({ node: env.STACK_SOURCE_NODE });
    const target = new Client({ node: env.STACK_TARGET_NODE });
    const docs = seeded.reduce((n, s) => n + s.documents, 0) * SCALE;
    log(
      `data: ${seeded.length * SCALE} indices, ${docs} documents (seeded data × ${SCALE}); writer ${OPS_PER_SECOND} operations/s until blocked; ${RUNS} runs per mode and profile; poll ${POLL_SECONDS} s`,
    );
    const samples: Sample[] = [];
    const plan: Array<[Mode, Profile]> = PROFILES.flatMap((p) => [
      ['one-phase', p] as [Mode, Profile],
      ['two-phase', p] as [Mode, Profile],
    ]);
    for (let n = 0; n < RUNS; n++) {
      // Alternate the order so no mode always runs on a warmer stack.
      for (const [mode, profile] of n % 2 === 0 ? plan : [...plan].reverse()) {
        const s = await runOnce(
          mode,
          profile,
          n,
          seeded.map((x) => x.index),
          source,
          target,
        );
        samples.push(s);
        log(
          `[${n + 1}/${RUNS}] ${profile.padEnd(6)} ${mode.padEnd(9)} window ${(s.windowMs / 1000).toFixed(3).padStart(7)} s  run ${(s.runMs / 1000).toFixed(1).padStart(5)} s  ` +
            `acknowledged writes ${s.acknowledged} (${((100 * s.acknowledged) / docs).toFixed(1)}% of documents), lost ${s.lost}, verified ${s.verified}` +
            `${s.passes !== undefined ? `, ${s.passes} catch-up passes, ${s.changed} indices changed in the window` : ''}${s.steps ? `\n      inside the window: ${s.steps}` : ''}`,
        );
      }
    }
    const windowOf = (mode: Mode, profile: Profile) =>
      median(samples.filter((s) => s.mode === mode && s.profile === profile).map((s) => s.windowMs));
    const figures: Record<string, { onePhaseWindowMs: number; twoPhaseWindowMs: number; ratio: number }> = {};
    for (const profile of PROFILES) {
      const one = windowOf('one-phase', profile);
      const two = windowOf('two-phase', profile);
      figures[profile] = {
        onePhaseWindowMs: Math.round(one),
        twoPhaseWindowMs: Math.round(two),
        ratio: Math.round((two / one) * 1000) / 1000,
      };
      log(
        `${profile}: write-blocked window, median of ${RUNS}: one-phase ${(one / 1000).toFixed(3)} s, two-phase ${(two / 1000).toFixed(3)} s, two-phase / one-phase = ${((two / one) * 100).toFixed(1)}% (target ≤ 10%)`,
      );
    }
    log(
      JSON.stringify({
        bench: 'cutover',
        scale: SCALE,
        documents: docs,
        opsPerSecond: OPS_PER_SECOND,
        runs: RUNS,
        ...figures,
        lostWrites: samples.reduce((n, s) => n + s.lost, 0),
        allVerified: samples.every((s) => s.verified),
        samples: samples.map((s) => ({
          mode: s.mode,
          profile: s.profile,
          windowMs: Math.round(s.windowMs),
          runMs: s.runMs,
          acknowledged: s.acknowledged,
          lost: s.lost,
          passes: s.passes,
          changed: s.changed,
        })),
      }),
    );
  } finally {
    if (started) await stackDown();
  }
}

await main();
