// Where a migration's hours go, on the real stack through dist/index.js: the copy overlaps the snapshot
// (blobs copied while the snapshot runs, the root blobs last, the manifest checked), `snapshot-rate`
// sets the run's source repository throttle, and the target's restore throttles are lifted for the
// restore and put back exactly — or, on a managed domain that refuses them, named as the bound.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, stackInputs } from '../support/action.js';
import { nodeClient, stackEnv, unique } from '../support/stack.js';
import { gatewayControl } from '../../stack/gateway/control-client.js';

const source = nodeClient('source');
const target = nodeClient('target');
const env = stackEnv();

async function persistentSettings(): Promise<Record<string, string>> {
  const res = await target.cluster.getSettings({ flat_settings: true } as any);
  return (res.body as { persistent: Record<string, string> }).persistent;
}

async function freshTarget(index: string): Promise<void> {
  await target.indices.delete({ index, ignore_unavailable: true } as any);
}

describe('the copy overlaps the snapshot; snapshot-rate throttles the run’s source repository', () => {
  const name = unique('speed');
  let run: Awaited<ReturnType<typeof runAction>>;

  beforeAll(async () => {
    await freshTarget('products');
    // A slow snapshot (the seeded products index at 512 KiB/s) gives the head start time to copy blobs.
    run = await runAction(
      stackInputs({
        indices: 'products',
        'source-repository': name,
        'target-repository': name,
        'source-base-path': name,
        'target-base-path': name,
        'snapshot-rate': '512kb',
      }),
    );
  });

  // The restored copy (with the seed's aliases) goes again: later plans must not meet its aliases.
  afterAll(() => freshTarget('products'));

  test('the run succeeds and verifies', () => {
    expect({ code: run.code, verified: run.outputs.verified }).toEqual({ code: 0, verified: 'true' });
  });

  test('the source repository carries max_snapshot_bytes_per_sec from snapshot-rate', async () => {
    const repo = (await source.snapshot.getRepository({ repository: name } as any)).body[name] as any;
    expect(repo.settings.max_snapshot_bytes_per_sec).toBe('512kb');
  });

  test('blobs were copied while the snapshot ran, and the tail after it is a share of the copy', () => {
    const head = /copy head start: (\d+) objects? \(([^)]*)\) copied while the snapshot ran/.exec(run.log);
    expect(head?.[0]).toBeDefined();
    expect(Number(head![1])).toBeGreaterThan(0);
    const tail = /copy tail after the snapshot ended: ([\d.]+) s, ([\d.]+)% of the bytes/.exec(run.log);
    expect(tail?.[0]).toBeDefined();
    expect(Number(tail![2])).toBeLessThan(100);
  });

  test('the summary says each phase’s bytes, rate and what bound it', () => {
    expect(run.summary).toMatch(/Where the time went/);
    expect(run.summary).toMatch(/: SUCCESS, 3 shards, 1 index</); // not "1 indices"

    expect(run.summary).toMatch(
      /<tr><td>Snapshot<\/td><td>[\d.]+ [KMG]i?B<\/td>[^\n]*max_snapshot_bytes_per_sec 512 KiB\/s/,
    );
    expect(run.summary).toMatch(/<tr><td>Copy<\/td>[^\n]*overlapped with the snapshot/);
    expect(run.summary).toMatch(
      /<tr><td>Restore<\/td><td>[\d.]+ [KMG]i?B<\/td>[^\n]*indices\.recovery\.max_bytes_per_sec/,
    );
  });

  test('the managed target refused the recovery throttles, and the run says the restore is bound by them', async () => {
    expect(run.log).toMatch(
      /restore throttles: the target domain refused[^\n]*the restore is bound by indices\.recovery\.max_bytes_per_sec/,
    );
    expect(Object.keys(await persistentSettings()).filter((k) => k.startsWith('indices.recovery'))).toEqual([]);
  });
});

describe('a self-managed target: the restore throttles are lifted for the restore and put back exactly', () => {
  const name = unique('throttle');
  let before: Record<string, string>;
  let run: Awaited<ReturnType<typeof runAction>>;

  beforeAll(async () => {
    await freshTarget('customers');
    await gatewayControl(env.STACK_TARGET_ENDPOINT, { selfManagedClusterSettings: true });
    // A value of the operator's own, which must come back as it was; the others were never set.
    await target.cluster.putSettings({ body: { persistent: { 'indices.recovery.max_bytes_per_sec': '30mb' } } });
    before = await persistentSettings();
    run = await runAction(
      stackInputs({
        indices: 'customers',
        'source-repository': name,
        'target-repository': name,
        'source-base-path': name,
        'target-base-path': name,
      }),
    );
  });

  afterAll(async () => {
    await freshTarget('customers');
    await gatewayControl(env.STACK_TARGET_ENDPOINT, { selfManagedClusterSettings: false });
    await target.cluster.putSettings({ body: { persistent: { 'indices.recovery.max_bytes_per_sec': null } } });
  });

  test('the run raised them for the restore', () => {
    expect(run.code).toBe(0);
    expect(run.log).toMatch(
      /restore throttles raised on the target: [^\n]*indices\.recovery\.max_bytes_per_sec=2000mb/,
    );
  });

  test('afterwards the target has exactly the settings it had', async () => {
    expect(await persistentSettings()).toEqual(before);
    expect(run.log).toMatch(/restore throttles put back on the target/);
  });

  test('what to put back was saved for the post step before the change', () => {
    expect(JSON.parse(run.state['restore-throttles'])).toEqual({
      state: 'restored',
      previous: expect.objectContaining({ 'indices.recovery.max_bytes_per_sec': '30mb' }),
    });
  });
});

describe('the post step puts back the restore throttles a killed main step left raised', () => {
  afterAll(async () => {
    await gatewayControl(env.STACK_TARGET_ENDPOINT, { selfManagedClusterSettings: false });
    await target.cluster.putSettings({
      body: {
        persistent: {
          'indices.recovery.max_bytes_per_sec': null,
          'cluster.routing.allocation.node_concurrent_recoveries': null,
        },
      },
    });
  });

  test('from the saved state alone', async () => {
    await gatewayControl(env.STACK_TARGET_ENDPOINT, { selfManagedClusterSettings: true });
    // What a main step killed in the middle of its restore leaves: its raised values, and the state it saved first.
    await target.cluster.putSettings({
      body: {
        persistent: {
          'indices.recovery.max_bytes_per_sec': '2000mb',
          'cluster.routing.allocation.node_concurrent_recoveries': '8',
        },
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'osdm-post-'));
    const saved = {
      state: 'raised',
      previous: {
        'indices.recovery.max_bytes_per_sec': '25mb',
        'cluster.routing.allocation.node_concurrent_recoveries': null,
      },
    };
    writeFileSync(join(dir, 'state'), `restore-throttles<<EOF_STATE\n${JSON.stringify(saved)}\nEOF_STATE\n`);
    writeFileSync(join(dir, 'outputs'), '');
    const post = await runAction(stackInputs(), { entry: 'post', dir });
    expect({ code: post.code, log: post.log }).toEqual({
      code: 0,
      log: expect.stringContaining('post: put back the target'),
    });
    const after = await persistentSettings();
    expect(after['indices.recovery.max_bytes_per_sec']).toBe('25mb');
    expect(after['cluster.routing.allocation.node_concurrent_recoveries']).toBeUndefined();
  });
});
