// Time runs out: the whole run's budget (timeout-minutes, decimals allowed) or one phase's wait. Each run
// is write-blocked; each ends with a message naming the phase that ran out and the input to raise, and
// with the write block lifted, as the node itself reports.
import { startStackFaultProxies, type StackFaultProxies } from '../../stack/faults/index.js';
import { stackInputs } from '../support/action.js';
import { unique } from '../support/stack.js';
import {
  createIndex,
  deleteIndices,
  deleteSnapshot,
  gateway,
  ownDestination,
  recordFigure,
  runChecked,
  source,
  stackEnvironment as env,
  target,
  writeBlocked,
} from './support.js';

let proxies: StackFaultProxies;

beforeAll(async () => {
  proxies = await startStackFaultProxies(env);
});

afterAll(async () => {
  await proxies?.close();
  await gateway('source', 'control', { method: 'POST', body: { automatedSnapshotInProgress: false } });
});

/** A small source index and a destination of its own for one run; both removed afterwards. */
async function withIndex(
  name: string,
  fn: (index: string, destination: Record<string, string>) => Promise<void>,
): Promise<void> {
  const index = unique(`t-time-${name}`);
  const destination = ownDestination(index);
  await createIndex(index, 200);
  try {
    await fn(index, destination.inputs);
  } finally {
    await deleteIndices(source, index);
    await deleteIndices(target, index);
    await destination.remove();
  }
}

function errorOf(log: string): string {
  return log
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .join('\n');
}

/** An hourly automated snapshot that never ends: the snapshot phase waits for it. */
async function automatedSnapshotRunning(on: boolean): Promise<void> {
  await gateway('source', 'control', { method: 'POST', body: { automatedSnapshotInProgress: on } });
}

interface Expectation {
  phase: string;
  input: string;
}

async function expectRanOut(run: Awaited<ReturnType<typeof runChecked>>, index: string, e: Expectation): Promise<void> {
  const error = errorOf(run.log);
  // The input itself, not a longer name ending in it (timeout-minutes inside snapshot-timeout-minutes).
  expect({ code: run.code, error }).toEqual({
    code: 1,
    error: expect.stringMatching(new RegExp(`(?<![a-z-])${e.input}`)),
  });
  expect(error.toLowerCase()).toContain(e.phase);
  expect(run.summary).toMatch(new RegExp(`Migration failed in ${e.phase}`, 'i'));
  expect(run.log).toMatch(/write block lifted/);
  expect(await writeBlocked(index)).toBe(false);
  expect(run.leaks).toEqual([]);
  await deleteSnapshot(run.outputs.snapshot);
  recordFigure('timeout', {
    phase: e.phase,
    input: e.input,
    liftedWriteBlock: !(await writeBlocked(index)),
    message: error.slice(0, 300),
  });
}

test('the whole budget runs out while the snapshot waits: the message names the phase, the block is lifted', async () => {
  await withIndex('budget', async (index, destination) => {
    await automatedSnapshotRunning(true);
    try {
      const run = await runChecked(
        'timeouts',
        stackInputs({ indices: index, 'write-block': 'true', 'timeout-minutes': '0.25', ...destination }),
      );
      await expectRanOut(run, index, { phase: 'snapshot', input: 'timeout-minutes' });
    } finally {
      await automatedSnapshotRunning(false);
    }
  });
});

test('the snapshot wait runs out (snapshot-timeout-minutes): named, and the block is lifted', async () => {
  await withIndex('snapwait', async (index, destination) => {
    await automatedSnapshotRunning(true);
    try {
      const run = await runChecked(
        'timeouts',
        stackInputs({ indices: index, 'write-block': 'true', 'snapshot-timeout-minutes': '0.1', ...destination }),
      );
      await expectRanOut(run, index, { phase: 'snapshot', input: 'snapshot-timeout-minutes' });
    } finally {
      await automatedSnapshotRunning(false);
    }
  });
});

test('the restore wait runs out (restore-timeout-minutes) on a restore that cannot place its shards: named, block lifted', async () => {
  await withIndex('restorewait', async (index, destination) => {
    // Allocation switched off on the target node itself (where no preflight looks): the restore is accepted
    // and its primaries stay unassigned. (Throttling recovery instead would park the node's snapshot
    // threads in the rate limiter for minutes, stalling every later repository call.)
    const allocation = (value: string | null) =>
      target.cluster.putSettings({ body: { transient: { 'cluster.routing.allocation.enable': value } } });
    await allocation('none');
    try {
      const run = await runChecked(
        'timeouts',
        stackInputs({ indices: index, 'write-block': 'true', 'restore-timeout-minutes': '0.1', ...destination }),
      );
      await expectRanOut(run, index, { phase: 'restore', input: 'restore-timeout-minutes' });
    } finally {
      await deleteIndices(target, index);
      await allocation(null);
    }
  });
});

test('the whole budget runs out during a copy whose answers never come: named, block lifted', async () => {
  await withIndex('copybudget', async (index, destination) => {
    await proxies.resetAll();
    // Every copy is held far beyond the budget; the default request timeout (90 s) is longer than the budget too.
    await proxies.controls.s3.plan({
      seed: 1,
      rules: [{ kind: 'slow', rate: 1, ops: ['CopyObject', 'CreateMultipartUpload'], delayMs: 600_000 }],
    });
    const run = await runChecked(
      'timeouts',
      stackInputs({
        indices: index,
        'write-block': 'true',
        'timeout-minutes': '0.3',
        ...destination,
        ...proxies.inputs,
      }),
      { env: proxies.env },
    );
    await proxies.resetAll();
    await expectRanOut(run, index, { phase: 'copy', input: 'timeout-minutes' });
  });
});
