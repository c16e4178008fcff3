// Crash trials: the action process is killed (SIGKILL: no handler runs, no `finally`) at a seeded point of a
// write-blocked migration, then the job goes on as GitHub runs it: the post step, and later a re-run of the
// same workflow run (same run id, attempt 2). After each: the re-run completes and verifies, the source
// takes writes again, no object was copied twice, and the destination holds every object of the repository.
// `npm test` runs a few trials (CI proves the machinery); `npm run test:reliability` runs 24.
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { seededRandom, startStackFaultProxies, type StackFaultProxies } from '../../stack/faults/index.js';
import { stackInputs } from '../support/action.js';
import { adminS3, unique } from '../support/stack.js';
import {
  FULL,
  compareRepositories,
  count,
  createIndex,
  deleteIndices,
  listObjects,
  objectsLost,
  openMultipartUploads,
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
/** How long a whole run of this shape takes here: kill points are drawn from it. */
let baselineMs = 0;

function trialInputs(i: number | 'base') {
  const prefix = `crash-${runTag}-${i}`;
  const indices = { a: `t-crash-${runTag}-${i}-a`, b: `t-crash-${runTag}-${i}-b` };
  const inputs = stackInputs({
    indices: `t-crash-${runTag}-${i}-*`,
    'write-block': 'true',
    // A fresh destination per trial: the whole repository is copied, so kills land among many copies.
    'target-base-path': prefix,
    'target-repository': prefix,
    'multipart-threshold-mb': '5',
    ...proxies.inputs,
  });
  return { prefix, indices, inputs };
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
  await target.snapshot.deleteRepository({ repository: t.prefix }).catch(() => undefined);
  const s3 = adminS3(env.STACK_TARGET_REGION!);
  const keys = [...(await listObjects(s3, env.STACK_TARGET_BUCKET!, t.prefix)).keys()].map((k) => ({ Key: `${t.prefix}/${k}` }));
  for (let j = 0; j < keys.length; j += 1000) await s3.send(new DeleteObjectsCommand({ Bucket: env.STACK_TARGET_BUCKET!, Delete: { Objects: keys.slice(j, j + 1000) } }));
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
    const started = Date.now();
    const run = await runChecked('crash', base.inputs, { env: proxies.env });
    baselineMs = Date.now() - started;
    expect({ code: run.code, verified: run.outputs.verified }).toEqual({ code: 0, verified: 'true' });
  } finally {
    await cleanUp(base);
  }
});

afterAll(async () => {
  await proxies?.close();
});

test.each(Array.from({ length: TRIALS }, (_, i) => i))('trial %i: killed, post step, re-run: verified, writable, nothing copied twice or lost', async (i) => {
  // A seeded point between 2% and 85% of a whole run's time: phases are hit as often as they take time,
  // and kills land inside requests as well as between them.
  const killAtMs = Math.round((0.02 + 0.83 * seededRandom(1000 + i)()) * baselineMs);
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
        if (!scheduled) {
          scheduled = true; // timed from the first output: the process is up
          setTimeout(() => {
            phaseAtKill = phase;
            kill('SIGKILL');
          }, killAtMs);
        }
        for (const line of chunk.split('\n')) {
          const group = /^::group::(.+)$/.exec(line);
          if (group) phase = group[1]!;
        }
      },
    });
    const wasKilled = killed.signal === 'SIGKILL';

    // The runner runs the post step after a killed main step: it lifts a write block left behind.
    const post = await runChecked('crash', t.inputs, { runId, entry: 'post', dir: killed.dir, env: proxies.env });
    expect(post.code).toBe(0);
    expect({ a: await writeBlocked(t.indices.a), b: await writeBlocked(t.indices.b) }).toEqual({ a: false, b: false });
    const openUploads = await openMultipartUploads(t.prefix);

    const rerun = await runChecked('crash', t.inputs, { runId, env: { ...proxies.env, GITHUB_RUN_ATTEMPT: '2' } });
    const failure = rerun.log.split('\n').filter((l) => l.startsWith('::error')).join('\n');
    expect({ code: rerun.code, failure, verified: rerun.outputs.verified }).toEqual({ code: 0, failure: '', verified: 'true' });
    expect([...killed.leaks, ...post.leaks, ...rerun.leaks]).toEqual([]);

    // The source takes writes again.
    expect({ a: await writeBlocked(t.indices.a), b: await writeBlocked(t.indices.b) }).toEqual({ a: false, b: false });
    await source.index({ index: t.indices.a, id: 'after-the-trial', body: { n: -1 }, refresh: true });

    // Nothing copied twice, nothing lost, every document on the target.
    const copies = await copiesPerKey(t.prefix);
    const twice = [...copies].filter(([, n]) => n > 1).map(([key]) => key);
    expect(twice).toEqual([]);
    const comparison = await compareRepositories('opensearch-domain-migrate', t.prefix);
    expect({ missing: comparison.missing, wrongSize: comparison.wrongSize, wrongEtag: comparison.wrongEtag }).toEqual({ missing: [], wrongSize: [], wrongEtag: [] });
    expect({ a: await count(target, t.indices.a), b: await count(target, t.indices.b) }).toEqual(DOCS);

    recordFigure('crash-trial', {
      trial: i,
      seed: 1000 + i,
      killAtMs,
      baselineMs,
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
    await cleanUp(t);
  }
});
