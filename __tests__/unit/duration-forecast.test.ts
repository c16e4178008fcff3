// The plan's duration forecast: each phase from its bytes, its nodes and the throttle per node, the copy
// overlapped with the snapshot, and the time-budget check that warns before a run that cannot fit.
import type { MigrationConfig } from '../../src/config.js';
import { Checks } from '../../src/preflight/checks.js';
import {
  bytesPerSecond,
  durationText,
  forecastDuration,
  timeBudgetCheck,
  type DurationFacts,
} from '../../src/preflight/duration.js';
import type { Forecast } from '../../src/record.js';

const TB = 1e12;
const HOUR = 3_600_000;

/** The reference migration: 1 TB of primaries on three data nodes a side, every engine default. */
const terabyte: DurationFacts = {
  snapshotBytes: TB,
  primaryShards: 30,
  sourceDataNodes: 3,
  snapshotRate: '40mb',
  copyMs: 20 * 60_000,
  copyBytes: TB,
  copyRootMs: 10,
  restoreBytes: TB,
  replicaBytes: 0,
  targetDataNodes: 3,
  recoveryRate: '40mb',
};

describe('duration forecast', () => {
  test('byte rates are read as the engines read them', () => {
    expect(bytesPerSecond('40mb')).toBe(40 * 1024 * 1024);
    expect(bytesPerSecond('1.5gb')).toBe(1.5 * 1024 ** 3);
    expect(bytesPerSecond('41943040b')).toBe(40 * 1024 * 1024);
    expect(bytesPerSecond('0')).toBe(Infinity);
    expect(bytesPerSecond('-1')).toBe(Infinity);
    expect(bytesPerSecond('fast')).toBeUndefined();
  });

  test('1 TB on three nodes at 40mb: about 2.2 h to snapshot and 2.2 h to restore; the copy hides in the snapshot', () => {
    const d = forecastDuration(terabyte);
    expect(d.snapshot.ms / HOUR).toBeCloseTo(2.2, 1);
    expect(d.restore.ms / HOUR).toBeCloseTo(2.2, 1);
    // A 20-minute copy overlaps a 2-hour snapshot: only its root blobs are left after it.
    expect(d.copy.ms).toBe(10);
    expect(d.copy.overlappedMs).toBe(20 * 60_000 - 10);
    expect(d.totalMs).toBe(d.snapshot.ms + d.copy.ms + d.restore.ms);
    expect(d.snapshot.bound).toBe('max_snapshot_bytes_per_sec 40 MiB/s per node × 3 nodes');
  });

  test('snapshot-rate raised, more nodes, replicas: each moves the figure the way it should', () => {
    const base = forecastDuration(terabyte);
    expect(forecastDuration({ ...terabyte, snapshotRate: '80mb' }).snapshot.ms).toBeCloseTo(base.snapshot.ms / 2, -2);
    expect(forecastDuration({ ...terabyte, sourceDataNodes: 6 }).snapshot.ms).toBeCloseTo(base.snapshot.ms / 2, -2);
    // Fewer primaries than nodes: the idle nodes do not help.
    expect(forecastDuration({ ...terabyte, primaryShards: 1, sourceDataNodes: 6 }).snapshot.ms).toBeCloseTo(
      base.snapshot.ms * 3,
      -2,
    );
    expect(forecastDuration({ ...terabyte, replicaBytes: TB }).restore.ms).toBeCloseTo(base.restore.ms * 2, -2);
    const unthrottled = forecastDuration({ ...terabyte, snapshotRate: '0' });
    expect(unthrottled.snapshot.bound).toMatch(/^no max_snapshot_bytes_per_sec throttle/);
    expect(unthrottled.snapshot.ms).toBeLessThan(base.snapshot.ms);
    // A throttle above what a node moves does not make the node faster: 1gb forecasts as no throttle.
    const raised = forecastDuration({ ...terabyte, snapshotRate: '1gb' });
    expect(raised.snapshot.ms).toBe(unthrottled.snapshot.ms);
    expect(raised.snapshot.bound).toMatch(/^max_snapshot_bytes_per_sec 1\.0 GiB\/s per node, above the nodes' disks/);
    // A copy longer than the snapshot leaves its excess after it.
    const slowCopy = forecastDuration({ ...terabyte, copyMs: base.snapshot.ms + 60_000 });
    expect(slowCopy.copy.ms).toBe(60_000 + 10);
  });

  test('the time-budget check warns, naming each timeout the forecast exceeds', () => {
    const duration = forecastDuration(terabyte);
    const config = (totalMin: number, phaseMin: number) =>
      ({
        timeouts: {
          totalMs: totalMin * 60_000,
          snapshotMs: phaseMin * 60_000,
          restoreMs: phaseMin * 60_000,
          requestMs: 1,
        },
      }) as MigrationConfig;
    const short = new Checks();
    timeBudgetCheck(config(240, 120), { duration } as Forecast, short);
    expect(short.rows[0]).toMatchObject({ id: 'time-budget', result: 'warn' });
    expect(short.rows[0]!.found).toContain('the run ≈ 265 min > timeout-minutes 240');
    expect(short.rows[0]!.found).toMatch(/the snapshot ≈ 133 min > snapshot-timeout-minutes 120/);
    expect(short.rows[0]!.found).toMatch(/the restore ≈ 133 min > restore-timeout-minutes 120/);
    expect(short.rows[0]!.fix).toContain('6 hours');
    const roomy = new Checks();
    timeBudgetCheck(config(600, 300), { duration } as Forecast, roomy);
    expect(roomy.rows[0]).toMatchObject({ result: 'pass' });
    expect(roomy.rows[0]!.found).toBe(`${durationText(duration)} (estimate), within timeout-minutes 600`);
  });
});
