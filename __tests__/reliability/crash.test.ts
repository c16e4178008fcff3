// Crash trials: the action process is killed (SIGKILL: no handler runs, no `finally`) at a seeded point of a
// write-blocked migration, then the job goes on as GitHub runs it: the post step, and later a re-run of the
// same workflow run (same run id, attempt 2). After each: the re-run completes and verifies, the source
// takes writes again, no object was copied twice, and the destination holds every object of the repository.
// `npm test` runs a few trials (CI proves the machinery); `npm run test:reliability` runs 24.
import { seededRandom, startStackFaultProxies, type StackFaultProxies } from '../../stack/faults/index.js';
import { stackInputs } from '../support/action.js';
import { unique } from '../support/stack.js';
import {
  FULL,
  compareRepositories,
  count,
  createIndex,
  deleteIndices,
  deleteSnapshot,
  objectsLost,
  openMultipartUploads,
  ownDestination,
  recordFigure,
  runChecked,
  source,
  stackEnvironment as env,
  target,
  writeBlocked,
} from './support.js';

const TRIALS = Number(process.env.RELIABILITY_CRASH_TRIALS ?? (FULL ? 24 : 3));
const DOCS = { a: 3000, b: 800 };
const runTag = unique('c').slice(2);

let proxies: StackFaultProxies;
/**
 * Kill points, stratified so every phase is hit: trial i waits for phase PHASES[i % 6] to start, then a
 * seeded share of that phase's length in a whole run measured here first. (Drawn from the whole run's
 * time instead, 21 of 24 kills landed in the copy, which takes most of the time.)
 */
const PHASES = ['Credentials', 'Preflight', 'Snapshot', 'Copy', 'Restore', 'Verify'];
const phaseMs = new Map<string, number>();

function trialInputs(i: number | 'base') {
  const destination = ownDestination(`crash-${runTag}-${i}`);
  const prefix = destination.prefix;
  const indices = { a: `t-crash-${runTag}-${i}-a`, b: `t-crash-${runTag}-${i}-b` };
  const inputs = stackInputs({
    indices: `t-crash-${runTag}-${i}-*`,
    'write-block': 'true',
    // A fresh destination per trial: the whole repository is copied, so kills land among many copies.
    ...destination.inputs,
    'multipart-threshold-mb': '5',
    ...proxies.inputs,
  });
  return { prefix, indices, inputs, destination };
}

async function prepare(i: number | 'base') {
  const t = trialInputs(i);
  await createIndex(t.indices.a, DOCS.a, 2);
  await createIndex(t.indices.b, DOCS.b, 1);
  return t;
}

async function cleanUp(t: ReturnType<typeof trialInputs>): Promise<void> {
  await deleteIndices(source, `${t.indices.a},${t.indices.b}`);
  await deleteIndices(target, `${t.indices.a},${t.indices.b}`);
  await t.destination.remove();
}

/** Completed copies per destination key, as the S3 proxy saw moto answer them (a killed client's included). */
async function copiesPerKey(prefix: string): Promise<Map<string, number>> {
  const copies = new Map<string, number>();
  for (const r of (await proxies.controls.s3.state(true)).log) {
    const done = (r.op === 'CopyObject' || r.op === 'CompleteMultipartUpload') && r.upstreamStatus === 200;
    if (done && r.key?.startsWith(`${prefix}/`)) copies.set(r.key, (copies.get(r.key) ?? 0) + 1);
  }
  return copies;
}

beforeAll(async () => {
  proxies = await startStackFaultProxies(env);
  const base = await prepare('base');
  try {
    let current: { group: string; at: number } | undefined;
    const run = await runChecked('crash', base.inputs, {
      env: proxies.env,
      onOutput: (chunk) => {
        for (const line of chunk.split('\n')) {
          const group = /^::group::(.+)$/.exec(line)?.[1];
          if (group) current = { group, at: Date.now() };
          else if (line === '::endgroup::' && current) phaseMs.set(current.group, Date.now() - current.at);
        }
      },
    });
    expect({ code: run.code, verified: run.outputs.verified }).toEqual({ code: 0, verified: 'true' });
    for (const group of PHASES) expect(phaseMs.has(group)).toBe(true);
    await deleteSnapshot(run.outputs.snapshot);
  } finally {
    await cleanUp(base);
  }
});

afterAll(async () => {
  await proxies?.close();
});

test.each(Array.from({ length: TRIALS }, (_, i) => i))(
  'trial %i: killed, post step, re-run: verified, writable, nothing copied twice or lost',
  async (i) => {
    const aim = PHASES[i % PHASES.length]!;
    const delayMs = Math.round(seededRandom(1000 + i)() * 0.9 * phaseMs.get(aim)!);
    const t = await prepare(i);
    await proxies.resetAll();
    const runId = `${Date.now()}${i}`;
    try {
      let phase = 'start';
      let phaseAtKill: string | undefined;
      let scheduled = false;
      const killed = await runChecked('crash', t.inputs, {
        runId,
        env: proxies.env,
        onOutput: (chunk, kill) => {
          for (const line of chunk.split('\n')) {
            const group = /^::group::(.+)$/.exec(line);
            if (group) phase = group[1]!;
          }
          if (!scheduled && phase === aim) {
            scheduled = true;
            setTimeout(() => {
              phaseAtKill = phase;
              kill('SIGKILL');
            }, delayMs);
          }
        },
      });
      const wasKilled = killed.signal === 'SIGKILL';

      // The runner runs the post step after a killed main step: it lifts a write block left behind.
      const post = await runChecked('crash', t.inputs, { runId, entry: 'post', dir: killed.dir, env: proxies.env });
      expect(post.code).toBe(0);
      expect({ a: await writeBlocked(t.indices.a), b: await writeBlocked(t.indices.b) }).toEqual({
        a: false,
        b: false,
      });
      const openUploads = await openMultipartUploads(t.prefix);

      const rerun = await runChecked('crash', t.inputs, { runId, env: { ...proxies.env, GITHUB_RUN_ATTEMPT: '2' } });
      const failure = rerun.log
        .split('\n')
        .filter((l) => l.startsWith('::error'))
        .join('\n');
      expect({ code: rerun.code, failure, verified: rerun.outputs.verified }).toEqual({
        code: 0,
        failure: '',
        verified: 'true',
      });
      expect([...killed.leaks, ...post.leaks, ...rerun.leaks]).toEqual([]);

      // The source takes writes again.
      expect({ a: await writeBlocked(t.indices.a), b: await writeBlocked(t.indices.b) }).toEqual({
        a: false,
        b: false,
      });
      await source.index({ index: t.indices.a, id: 'after-the-trial', body: { n: -1 }, refresh: true });

      // Nothing copied twice, nothing lost, every document on the target.
      const copies = await copiesPerKey(t.prefix);
      const twice = [...copies].filter(([, n]) => n > 1).map(([key]) => key);
      expect(twice).toEqual([]);
      const comparison = await compareRepositories('opensearch-domain-migrate', t.prefix);
      expect({ missing: comparison.missing, wrongSize: comparison.wrongSize, wrongEtag: comparison.wrongEtag }).toEqual(
        { missing: [], wrongSize: [], wrongEtag: [] },
      );
      expect({ a: await count(target, t.indices.a), b: await count(target, t.indices.b) }).toEqual(DOCS);

      recordFigure('crash-trial', {
        trial: i,
        seed: 1000 + i,
        aimedAt: aim,
        delayMs,
        killed: wasKilled,
        phaseAtKill: wasKilled ? phaseAtKill : 'finished first',
        completed: rerun.code === 0 && rerun.outputs.verified === 'true',
        copies: [...copies.values()].reduce((a, b) => a + b, 0),
        copiedTwice: twice.length,
        objects: comparison.objects,
        lost: objectsLost(comparison),
        openMultipartUploads: openUploads,
        rerunReusedSnapshot: /snapshot \S+ already exists/.test(rerun.log),
        rerunCopied: Number(rerun.outputs['copied-objects'] ?? 0),
      });
    } finally {
      await deleteSnapshot(`migrate-${runId}`);
      await cleanUp(t);
    }
  },
);
