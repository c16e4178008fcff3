// A re-run that cannot go stale. A one-phase, write-blocked attempt is killed; its post step lifts the
// block; the application writes (updates, a deletion and an insertion: the counts stay the same); the job
// is re-run. The snapshot the killed attempt took no longer holds the source, so the re-run must take it
// again and restore the new one over what the killed attempt restored, never verify the old data. And a
// block the killed attempt left (no post step ran) is recognised as the run's own and lifted at the end.
import { runAction, stackInputs, type ActionRun, failureTail } from '../support/action.js';
import { nodeClient, unique } from '../support/stack.js';

const source = nodeClient('source');
const target = nodeClient('target');

const writeBlocked = async (index: string) =>
  String(
    (await source.indices.getSettings({ index, name: 'index.blocks.write' })).body[index]?.settings?.index?.blocks
      ?.write,
  ) === 'true';

async function createIndex(index: string, docs: number) {
  await source.indices.create({ index, body: { settings: { number_of_shards: 2, number_of_replicas: 0 } } });
  const body = Array.from({ length: docs }, (_, i) => [
    { index: { _index: index, _id: `doc-${i}` } },
    { n: i, v: 1 },
  ]).flat();
  await source.bulk({ body, refresh: true });
}

async function dropEverywhere(prefix: string) {
  await source.indices
    .putSettings({ index: `${prefix}-*`, body: { index: { 'blocks.write': null } } as any })
    .catch(() => undefined);
  await source.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true } as any);
  await target.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true } as any);
}

describe('a one-phase attempt killed, the source written, the job re-run', () => {
  const prefix = unique('t-stale');
  const index = `${prefix}-a`;
  const runId = `${Date.now()}2`;
  const inputs = () => stackInputs({ indices: `${prefix}-*`, 'write-block': 'true' });
  let killed: ActionRun;
  let rerun: ActionRun;

  beforeAll(async () => {
    await createIndex(index, 50);
    // Killed once the restore is done and verification begins: the target holds the snapshot's data.
    killed = await runAction(inputs(), {
      runId,
      onOutput: (chunk, kill) => chunk.includes('::group::Verify') && kill('SIGKILL'),
    });
    const post = await runAction(inputs(), { runId, entry: 'post', dir: killed.dir });
    expect(post.log).toContain('post: lifted the write block');
    // The application goes on: an update, a deletion and an insertion; 50 documents before and after.
    await source.index({ index, id: 'doc-1', body: { n: 1, v: 2 } });
    await source.delete({ index, id: 'doc-2' });
    await source.index({ index, id: 'doc-new', body: { n: 50, v: 1 }, refresh: true });
    rerun = await runAction(inputs(), { runId });
  });

  afterAll(() => dropEverywhere(prefix));

  test('the re-run takes the stale snapshot again and verifies the source as it is now', async () => {
    expect(killed.signal).toBe('SIGKILL');
    expect((await target.count({ index })).body.count).toBe(50);
    expect({ code: rerun.code, tail: failureTail(rerun) }).toEqual({ code: 0, tail: '' });
    // What the target holds is the source now, document by document.
    await target.indices.refresh({ index });
    const docs = (await target.mget({ index, body: { ids: ['doc-1', 'doc-2', 'doc-new'] } })).body.docs;
    expect(docs.map((d: any) => [d._id, d.found, d._source?.v])).toEqual([
      ['doc-1', true, 2],
      ['doc-2', false, undefined],
      ['doc-new', true, 1],
    ]);
    expect(rerun.outputs.verified).toBe('true');
    expect(rerun.log).toContain(`the source has changed since snapshot migrate-${runId} was taken`);
    expect(rerun.log).toContain('restored by an earlier attempt from the stale snapshot, restored again');
    expect(rerun.summary).toContain('Snapshot taken again');
    expect(await writeBlocked(index)).toBe(false);
  });
});

describe('a write block an earlier attempt left behind', () => {
  const prefix = unique('t-inherit');
  const index = `${prefix}-a`;
  const users = `${prefix}-users`;
  const runId = `${Date.now()}3`;
  const inputs = () => stackInputs({ indices: `${prefix}-*`, 'write-block': 'true' });
  let rerun: ActionRun;

  beforeAll(async () => {
    await createIndex(index, 30);
    await createIndex(users, 10);
    // The user's own block, before any run: it must stay.
    await source.indices.putSettings({ index: users, body: { index: { 'blocks.write': true } } as any });
    const killed = await runAction(inputs(), {
      runId,
      onOutput: (chunk, kill) => chunk.includes('::group::Copy') && kill('SIGKILL'),
    });
    expect(killed.signal).toBe('SIGKILL');
    // No post step (the runner itself was lost): the block stays on the source.
    expect(await writeBlocked(index)).toBe(true);
    rerun = await runAction(inputs(), { runId });
  });

  afterAll(() => dropEverywhere(prefix));

  test('is recognised as the run’s own and lifted at the end; the user’s own block stays', async () => {
    expect({ code: rerun.code, tail: failureTail(rerun) }).toEqual({ code: 0, tail: '' });
    expect(await writeBlocked(index)).toBe(false);
    expect(await writeBlocked(users)).toBe(true);
    expect(rerun.outputs.verified).toBe('true');
    expect(rerun.log).toContain(
      `write block left by an earlier attempt of this run, taken as this run's own: ${index}`,
    );
    expect(rerun.log).toContain(`already write-blocked before the run, left as they are: ${users}`);
  });
});
