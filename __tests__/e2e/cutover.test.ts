// The two-phase cut-over on the stack: an application keeps writing into the source while phase 1
// snapshots, copies and restores; phase 2 blocks writes, moves only what changed, and verifies. Every
// write the source acknowledged must then be on the target, by id and value; the write-blocked window
// is reported; the source takes writes again afterwards. A kill inside the window is cleaned up by the
// post step.
import { runAction, stackInputs } from '../support/action.js';
import { nodeClient, unique } from '../support/stack.js';
import { DELETED, startWriter, type WriterReport } from '../../bench/cutover/writer.js';

const source = nodeClient('source');
const target = nodeClient('target');

async function createIndex(client: typeof source, index: string, docs: number, shards = 2): Promise<string[]> {
  await client.indices.create({ index, body: { settings: { number_of_shards: shards, number_of_replicas: 0 } } });
  const ids = Array.from({ length: docs }, (_, i) => `seed-${i}`);
  for (let start = 0; start < docs; start += 1000) {
    const body = ids
      .slice(start, start + 1000)
      .flatMap((id, i) => [{ index: { _index: index, _id: id } }, { n: start + i }]);
    await client.bulk({ body, refresh: true });
  }
  return ids;
}

/** Acknowledged writes the target does not hold (absent, another value, or present though deleted), by id. */
async function missingOnTarget(
  acknowledged: Map<string, number>,
  targetIndex: (source: string) => string,
): Promise<string[]> {
  const entries = [...acknowledged];
  const missing: string[] = [];
  for (let start = 0; start < entries.length; start += 500) {
    const slice = entries.slice(start, start + 500);
    const docs = slice.map(([key]) => {
      const [index, id] = key.split('/') as [string, string];
      return { _index: targetIndex(index), _id: id };
    });
    const res = await target.mget({ body: { docs } });
    res.body.docs.forEach((d: any, i: number) => {
      const expected = slice[i]![1];
      if (expected === DELETED ? d.found : !d.found || d._source?.touched !== expected) {
        missing.push(
          `${slice[i]![0]} (${d.found ? `touched=${d._source?.touched ?? 'unset'}` : 'absent'}, expected ${expected === DELETED ? 'deleted' : expected})`,
        );
      }
    });
  }
  return missing;
}

async function recoveredFrom(index: string): Promise<string[]> {
  const shards: any[] = (await target.indices.recovery({ index })).body[index].shards;
  return [...new Set(shards.filter((s) => s.primary).map((s) => String(s.source?.snapshot ?? s.type)))];
}

const writeBlocked = async (index: string) =>
  String(
    (await source.indices.getSettings({ index, name: 'index.blocks.write' })).body[index]?.settings?.index?.blocks
      ?.write,
  ) === 'true';

describe('two-phase cut-over with a writer on the source', () => {
  const prefix = unique('t-cut');
  // hot takes updates and new documents, churn also deletions, cold nothing.
  const hot = `${prefix}-hot`;
  const churn = `${prefix}-churn`;
  const cold = `${prefix}-cold`;
  const runId = String(Date.now());
  let run: Awaited<ReturnType<typeof runAction>>;
  let writes: WriterReport;
  let copyStartedAt = 0;

  beforeAll(async () => {
    const hotIds = await createIndex(source, hot, 3000);
    const churnIds = await createIndex(source, churn, 1000, 1);
    await createIndex(source, cold, 500, 1);
    const writer = startWriter(source, {
      indices: [hot, churn],
      existingIds: new Map([
        [hot, hotIds],
        [churn, churnIds],
      ]),
      deleteIn: [churn],
      deleteShare: 0.1,
      batch: 40,
      pauseMs: 15,
      idPrefix: 'live',
    });
    run = await runAction(stackInputs({ indices: `${prefix}-*`, cutover: 'two-phase' }), {
      runId,
      onOutput: (chunk) => {
        if (!copyStartedAt && chunk.includes('::group::Copy')) copyStartedAt = Date.now();
      },
    });
    writes = await writer.stop();
  });

  afterAll(async () => {
    await source.indices.delete({ index: `${prefix}-*` });
    await target.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true } as any);
  });

  test('the run succeeds and verifies', () => {
    expect({ code: run.code, tail: run.code === 0 ? '' : run.log.split('\n').slice(-30).join('\n') }).toEqual({
      code: 0,
      tail: '',
    });
    expect(run.outputs.verified).toBe('true');
  });

  test('the writer was acknowledged after the phase-1 snapshot and was stopped only by the write block', () => {
    expect(writes.otherFailures).toEqual([]);
    expect(writes.ackTimes.filter((t) => t > copyStartedAt).length).toBeGreaterThan(0);
    expect(writes.blockedAt).toBeDefined();
  });

  test('every acknowledged write is on the target, by id and value, and every acknowledged deletion is not', async () => {
    expect(writes.acknowledged.size).toBeGreaterThan(100);
    expect([...writes.acknowledged.values()].filter((v) => v === DELETED).length).toBeGreaterThan(0);
    await target.indices.refresh({ index: `${prefix}-*` });
    expect(await missingOnTarget(writes.acknowledged, (i) => i)).toEqual([]);
  });

  test('only the indices the writer changed moved again: catch-up passes, then replay or restore inside the window', async () => {
    const snapshot = `migrate-${runId}`;
    expect(await recoveredFrom(cold)).toEqual([snapshot]);
    expect(run.log).toContain(`unchanged since phase 1: ${cold}`);
    // Before the block, catch-up passes moved what the writer kept changing, and only that.
    expect(run.log).toMatch(new RegExp(`catch-up 1: (${hot}, ${churn}|${churn}, ${hot}) moved on`));
    expect(run.log).not.toMatch(new RegExp(`catch-up \\d: .*${cold}`));
    // Inside the window: hot's new documents replayed onto its catch-up copy; churn had deletions, which
    // a replay cannot carry, so it was restored from the final snapshot.
    expect(run.log).toMatch(new RegExp(`replayed \\d+ documents into ${hot}`));
    expect(await recoveredFrom(hot)).toEqual([expect.stringMatching(new RegExp(`^${snapshot}-catchup-\\d$`))]);
    expect(run.log).toContain(
      `restoring ${churn} from ${snapshot}-final instead: documents were deleted since its target copy`,
    );
    expect(await recoveredFrom(churn)).toEqual([`${snapshot}-final`]);
    expect(run.summary).toMatch(
      new RegExp(
        `2 of 3 indices had changed once writes were blocked: .*replayed: <code>${hot}</code> \\([\\d,]+ documents?\\); restored again: <code>${churn}</code>`,
      ),
    );
  });

  test('the target indices take writes (the source’s write block did not travel with the final snapshot)', async () => {
    for (const index of [hot, churn, cold]) await target.index({ index, id: 'on-target', body: { touched: 0 } });
  });

  test('the write-blocked window is reported with its start, end and duration', () => {
    const seconds = Number(run.outputs['write-block-seconds']);
    expect(seconds).toBeGreaterThan(0);
    expect(run.summary).toMatch(
      /writes were blocked on 3 source indices for [\d.]+ (ms|s), now lifted \(from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC to \d\d:\d\d:\d\d\.\d{3} UTC\)/,
    );
    expect(run.summary).toMatch(/inside the window: write block set \d+ ms/);
    // The window opened after phase 1: the writer's last acknowledgement came after the copy began.
    expect(writes.blockedAt! - copyStartedAt).toBeGreaterThan(0);
  });

  test('the source takes writes again', async () => {
    for (const index of [hot, churn, cold]) expect(await writeBlocked(index)).toBe(false);
    await source.index({ index: hot, id: 'after-cutover', body: { touched: -1 } });
  });
});

describe('a main step killed inside the write-blocked window', () => {
  const prefix = unique('t-cutkill');
  const index = `${prefix}-a`;
  const runId = String(Date.now() + 1);
  const inputs = () => stackInputs({ indices: `${prefix}-*`, cutover: 'two-phase' });

  beforeAll(async () => {
    await createIndex(source, index, 1000);
  });

  afterAll(async () => {
    await source.indices
      .putSettings({ index, body: { index: { 'blocks.write': null } } as any })
      .catch(() => undefined);
    await source.indices.delete({ index: `${prefix}-*` });
    await target.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true } as any);
  });

  test('leaves the block; the post step lifts it; a re-run finishes the cut-over', async () => {
    // A write after phase 1's snapshot, so phase 2 has something to move when the kill comes.
    let wrote = false;
    const killed = await runAction(inputs(), {
      runId,
      onOutput: (chunk, kill) => {
        if (!wrote && chunk.includes('::group::Copy')) {
          wrote = true;
          void source.index({ index, id: 'late', body: { touched: 1 } });
        }
        if (chunk.includes('cut-over: write block set')) kill('SIGKILL');
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(await writeBlocked(index)).toBe(true);
    expect(JSON.parse(killed.state['write-block'])).toEqual({ indices: [index], state: 'active' });

    const post = await runAction(inputs(), { runId, entry: 'post', dir: killed.dir });
    expect(post.code).toBe(0);
    expect(post.log).toContain('post: lifted the write block');
    expect(await writeBlocked(index)).toBe(false);

    // The source took writes between the attempts: the re-run must carry them too.
    await source.index({ index, id: 'between-attempts', body: { touched: 2 }, refresh: true });
    const rerun = await runAction(inputs(), { runId });
    expect({ code: rerun.code, tail: rerun.code === 0 ? '' : rerun.log.split('\n').slice(-30).join('\n') }).toEqual({
      code: 0,
      tail: '',
    });
    expect(rerun.outputs.verified).toBe('true');
    expect(rerun.summary).toContain('continued an earlier attempt of this run');
    // The killed attempt's catch-up snapshot predates the writes since: taken again, not reused.
    expect(rerun.log).toContain(
      `snapshot migrate-${runId}-catchup-1 from an earlier attempt (SUCCESS) is stale: deleting it`,
    );
    expect(
      await missingOnTarget(
        new Map([
          [`${index}/late`, 1],
          [`${index}/between-attempts`, 2],
        ]),
        (i) => i,
      ),
    ).toEqual([]);
    expect(await writeBlocked(index)).toBe(false);
  });
});

describe('a cancelled main step (SIGTERM, as GitHub sends on cancel)', () => {
  const prefix = unique('t-cutcancel');
  const index = `${prefix}-a`;

  beforeAll(async () => {
    await createIndex(source, index, 500);
  });

  afterAll(async () => {
    await source.indices
      .putSettings({ index, body: { index: { 'blocks.write': null } } as any })
      .catch(() => undefined);
    await source.indices.delete({ index: `${prefix}-*` });
    await target.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true } as any);
  });

  test('lifts its write block itself and says it was cancelled', async () => {
    let wrote = false;
    const run = await runAction(stackInputs({ indices: `${prefix}-*`, cutover: 'two-phase' }), {
      onOutput: (chunk, kill) => {
        // A write after phase 1's snapshot, so the window has an incremental snapshot to wait for.
        if (!wrote && chunk.includes('::group::Copy')) {
          wrote = true;
          void source.index({ index, id: 'late', body: { touched: 1 } });
        }
        if (chunk.includes('cut-over: write block set')) kill('SIGTERM');
      },
    });
    expect(run.code).not.toBe(0);
    expect(run.log).toContain('received SIGTERM: stopping the run and lifting the write block');
    // The signal lands inside the window; on a busy machine the run may already be verifying by then.
    expect(run.summary).toMatch(/the run was cancelled \(SIGTERM\) during the (cutover|verify) phase/);
    expect(run.summary).toMatch(/writes were blocked on 1 source index for [\d.]+ (ms|s), now lifted/);
    expect(JSON.parse(run.state['write-block'])).toEqual({ indices: [index], state: 'lifted' });
    expect(await writeBlocked(index)).toBe(false);
  });
});
