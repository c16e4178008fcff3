// Re-runs continue: the action process is killed (SIGKILL, no chance to clean up) during the snapshot,
// the copy and the restore of a two-phase cut-over, then run again with the same GITHUB_RUN_ID, as
// GitHub's "re-run failed jobs" does. Each re-run reuses what the killed attempt left (the snapshot, in
// progress or done; the copied objects; the restored indices), ends verified, copies no object twice
// (counted in moto's request log), and leaves the source writable.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stackDir } from '../../stack/layout.js';
import { runAction, stackInputs, failureTail } from '../support/action.js';
import { nodeClient, stackEnv, unique } from '../support/stack.js';

const source = nodeClient('source');
const target = nodeClient('target');
const env = stackEnv();
const motoLog = join(stackDir, 'logs', 'moto.log');

/** CopyObject requests into the target bucket under a prefix, per key, from moto's request log. */
function copiesPerKey(prefix: string, fromByte: number): Map<string, number> {
  const text = readFileSync(motoLog).subarray(fromByte).toString('utf8');
  const pattern = new RegExp(`"PUT /${env.STACK_TARGET_BUCKET}/(${prefix}/[^? ]+)\\?x-id=CopyObject`, 'g');
  const counts = new Map<string, number>();
  for (const m of text.matchAll(pattern)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  return counts;
}

async function createIndex(index: string, docs: number, shards: number): Promise<void> {
  await source.indices.create({
    index,
    body: { settings: { number_of_shards: shards, number_of_replicas: 0, refresh_interval: '-1' } },
  });
  for (let start = 0; start < docs; start += 5000) {
    const body = Array.from({ length: Math.min(5000, docs - start) }, (_, i) => [
      { index: { _index: index, _id: `d-${start + i}` } },
      { n: start + i, text: `document ${start + i} of the resume fixture, long enough to make segments worth copying` },
    ]).flat();
    await source.bulk({ body });
  }
  await source.indices.refresh({ index });
}

/**
 * An index of many small segments (a refresh after every small bulk, merges held off): its snapshot
 * writes hundreds of files, long enough that a re-run starting right after the kill still finds the
 * snapshot running. 200 segments a shard take the stack's moto about 3 s; the re-run looks about 1 s
 * after the kill (80 were enough while moto answered slower, on a server that closed every connection).
 */
async function createSegmentedIndex(index: string, segmentsPerShard: number): Promise<void> {
  await source.indices.create({
    index,
    body: {
      settings: {
        number_of_shards: 2,
        number_of_replicas: 0,
        refresh_interval: '-1',
        'index.merge.policy.segments_per_tier': 500,
        'index.merge.policy.max_merge_at_once': 500,
      },
    },
  });
  for (let i = 0; i < segmentsPerShard; i++) {
    const body = Array.from({ length: 10 }, (_, k) => [
      { index: { _index: index, _id: `s-${i}-${k}` } },
      { n: k },
    ]).flat();
    await source.bulk({ body, refresh: true });
  }
}

const writeBlocked = async (index: string) =>
  String(
    (await source.indices.getSettings({ index, name: 'index.blocks.write' })).body[index]?.settings?.index?.blocks
      ?.write,
  ) === 'true';

describe('a killed run continues on a re-run with the same run id', () => {
  const prefix = unique('t-res');
  const sources = [`${prefix}-a`, `${prefix}-b`];
  const segmented = `${prefix}-many`;

  beforeAll(async () => {
    await createIndex(sources[0]!, 30_000, 3);
    await createIndex(sources[1]!, 8_000, 1);
    await createSegmentedIndex(segmented, 200);
  });

  afterAll(async () => {
    await source.indices.delete({ index: `${prefix}-*` });
    await target.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true } as any);
  });

  /** Kills the first attempt when `killWhen` says so, re-runs, and returns both attempts and the copies made. */
  async function killAndRerun(
    point: string,
    killWhen: (chunk: string) => boolean | Promise<boolean>,
    extra: Record<string, string> = {},
  ) {
    const place = `${prefix}-${point}`;
    const runId = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
    const inputs = stackInputs({
      indices: sources.join(','),
      cutover: 'two-phase',
      'source-repository': place,
      'target-repository': place,
      'source-base-path': place,
      'target-base-path': place,
      'rename-pattern': `^${prefix}-(.*)$`,
      'rename-replacement': `${place}-$1`,
      ...extra,
    });
    const logFrom = statSync(motoLog).size;
    const killed = await runAction(inputs, {
      runId,
      onOutput: (chunk, kill) => void Promise.resolve(killWhen(chunk)).then((now) => now && kill('SIGKILL')),
    });
    const rerun = await runAction(inputs, { runId });
    return {
      killed,
      rerun,
      copies: copiesPerKey(place, logFrom),
      targets: [`${place}-a`, `${place}-b`],
      snapshot: `migrate-${runId}`,
    };
  }

  async function expectFinished(r: Awaited<ReturnType<typeof killAndRerun>>) {
    expect(r.killed.signal).toBe('SIGKILL');
    expect({ code: r.rerun.code, tail: failureTail(r.rerun) }).toEqual({ code: 0, tail: '' });
    expect(r.rerun.outputs.verified).toBe('true');
    for (const [i, t] of r.targets.entries()) {
      expect({ t, count: (await target.count({ index: t })).body.count }).toEqual({
        t,
        count: (await source.count({ index: sources[i]! })).body.count,
      });
    }
    // No object copied twice across both attempts (nothing changed on the source, so phase 2 copies nothing).
    expect(r.copies.size).toBeGreaterThan(0);
    expect([...r.copies].filter(([, n]) => n > 1)).toEqual([]);
    for (const s of sources) expect(await writeBlocked(s)).toBe(false);
  }

  test('killed during the snapshot: the re-run follows the same snapshot to its end', async () => {
    const r = await killAndRerun('snap', (chunk) => /^snapshot: /m.test(chunk), {
      indices: [...sources, segmented].join(','),
    });
    await expectFinished(r);
    expect(r.killed.log).not.toContain('::group::Copy');
    expect(r.rerun.log).toContain(`snapshot ${r.snapshot} already exists (IN_PROGRESS): reusing it`);
    expect(r.rerun.summary).toContain(
      `continued an earlier attempt of this run: snapshot <code>${r.snapshot}</code> (found IN_PROGRESS)`,
    );
  });

  test('killed during the copy: the re-run copies only what is missing', async () => {
    // The copy logs nothing between objects, so watch moto's request log instead of the action's output:
    // objects land one at a time (copy-concurrency 1), and the kill comes once a few have. The copy starts
    // with the snapshot (its head start copies blobs as they appear), so the watch does too.
    let watcher: NodeJS.Timeout | undefined;
    const r = await killAndRerun(
      'copy',
      (chunk) => {
        if (watcher || !chunk.includes('::group::Snapshot')) return false;
        const from = statSync(motoLog).size;
        return new Promise<boolean>((resolve) => {
          watcher = setInterval(() => {
            const copied = (
              readFileSync(motoLog)
                .subarray(from)
                .toString('utf8')
                .match(/x-id=CopyObject/g) ?? []
            ).length;
            if (copied >= 3) {
              clearInterval(watcher);
              resolve(true);
            }
          }, 5);
        });
      },
      { 'copy-concurrency': '1' },
    );
    clearInterval(watcher);
    await expectFinished(r);
    const reusedObjects = Number(/(\d+) objects? already in the destination bucket/.exec(r.rerun.summary)?.[1]);
    expect(reusedObjects).toBeGreaterThanOrEqual(3);
    expect(Number(r.rerun.outputs['copied-objects'])).toBeGreaterThan(0);
    expect(Number(r.rerun.outputs['copied-objects']) + reusedObjects).toBe([...r.copies.keys()].length);
  });

  test('killed during the restore: the re-run keeps the indices being restored', async () => {
    const r = await killAndRerun('restore', (chunk) => /^restore: /m.test(chunk));
    await expectFinished(r);
    expect(r.rerun.log).toMatch(/already restored by an earlier attempt: /);
    expect(r.rerun.summary).toMatch(/restored ind(ex|ices) kept: <code>/);
    expect(Number(r.rerun.outputs['copied-objects'])).toBe(0);
  });
});
