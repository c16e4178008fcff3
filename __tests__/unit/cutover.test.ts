// The two-phase cut-over's pure parts: which indices moved on since the target's copy was taken, and
// how the cut-over and a resumed run read in the summary.
import { changesSincePhaseOne, whyChanged } from '../../src/phases/cutover-changes.js';
import { cutoverLine, resumedLine, windowSpan } from '../../src/report/cutover.js';
import type { IndexSeqNos } from '../../src/search/domain.js';

const stats = (maxSeqNo: number[], docs: number, settled = true): IndexSeqNos => ({
  maxSeqNo,
  processed: settled ? maxSeqNo : maxSeqNo.map((n) => n - 1),
  docs,
  settled,
});

describe('which indices changed since phase 1', () => {
  test('the same sequence numbers and documents on both sides: unchanged', () => {
    expect(whyChanged(stats([10, 12], 25), stats([10, 12], 25))).toBeUndefined();
  });

  test('a shard that took writes on the source: changed, with the totals', () => {
    expect(whyChanged(stats([10, 15], 28), stats([10, 12], 25))).toBe(
      'written after phase 1 (max_seq_no 22 on the target, 25 on the source)',
    );
  });

  test('equal sums but different shards still differ (a shard never goes back)', () => {
    expect(whyChanged(stats([11, 11], 24), stats([10, 12], 24))).toMatch(/^written after phase 1/);
  });

  test('an index closed or missing on the target must be restored again', () => {
    expect(whyChanged(stats([3], 4), undefined)).toBe('not open on the target');
  });

  test('the baseline catches an operation in flight during the phase-1 snapshot that the target comparison cannot see', () => {
    // The snapshot's commit recorded max_seq_no 12, but the operation numbered 12 was not in it yet:
    // target and source show the same numbers and counts, the baseline shows it was not settled.
    expect(whyChanged(stats([12], 10), stats([12], 10), stats([12], 9, false))).toBe(
      'writes were in flight when phase 1 began',
    );
    // Or it was numbered after the baseline was read.
    expect(whyChanged(stats([12], 10), stats([12], 10), stats([11], 10))).toBe(
      'written while phase 1 snapshot was taken',
    );
    expect(whyChanged(stats([12], 10), stats([12], 10), stats([12], 10))).toBeUndefined();
  });

  test('the plan splits into changed (with target names and reasons) and unchanged', () => {
    const plan = [
      { source: 'orders', target: 'new-orders' },
      { source: 'logs', target: 'new-logs' },
    ];
    const source = new Map([
      ['orders', stats([5, 9], 14)],
      ['logs', stats([3], 4)],
    ]);
    const target = new Map([
      ['new-orders', stats([5, 7], 12)],
      ['new-logs', stats([3], 4)],
    ]);
    expect(changesSincePhaseOne(plan, { source, target })).toEqual({
      changed: [
        {
          source: 'orders',
          target: 'new-orders',
          reason: 'written after phase 1 (max_seq_no 12 on the target, 14 on the source)',
        },
      ],
      unchanged: ['logs'],
    });
    // With a baseline that lacks an index, nothing proves it unchanged.
    expect(
      changesSincePhaseOne(plan, { source, target, baseline: new Map([['orders', stats([5, 9], 14)]]) }).changed.map(
        (c) => c.reason,
      ),
    ).toEqual(['written after phase 1 (max_seq_no 12 on the target, 14 on the source)', 'no phase-1 baseline for it']);
  });
});

describe('summary lines', () => {
  const T0 = Date.UTC(2026, 10, 25, 15, 38, 16, 123);

  test('the window has a start and an end to the millisecond', () => {
    expect(windowSpan({ indices: ['a'], setAt: T0, liftedAt: T0 + 812, state: 'lifted' })).toBe(
      'from 2026-11-25 15:38:16.123 UTC to 15:38:16.935 UTC',
    );
    expect(windowSpan({ indices: ['a'], setAt: T0, state: 'active' })).toBe('from 2026-11-25 15:38:16.123 UTC to now');
  });

  test('the cut-over names the catch-up passes, what changed and why, and where the window went', () => {
    const line = cutoverLine({
      catchUp: [{ snapshot: 'm-1-catchup-1', changed: ['orders', 'logs'], copiedObjects: 12, ms: 2100 }],
      changed: [
        {
          source: 'orders',
          target: 'orders',
          reason: 'written after phase 1 (max_seq_no 1 on the target, 2 on the source)',
        },
        { source: 'users', target: 'users', reason: 'documents differ (source 4, target 5)' },
      ],
      unchanged: ['logs'],
      replayed: [{ source: 'orders', documents: 1 }],
      restoredInWindow: [{ source: 'users', why: 'documents were deleted since its target copy' }],
      copy: {
        skipped: false,
        listed: 40,
        copied: 4,
        reusedObjects: 36,
        bytesCopied: 100,
        bytesTotal: 1000,
        multipart: 0,
        retries: 0,
        manifestOk: true,
      },
      steps: [
        { step: 'write block set', ms: 21 },
        { step: 'restore of 1 index', ms: 640 },
      ],
    });
    expect(line).toBe(
      '1 catch-up pass before the write block (2 indices in 2.1 s); 2 of 3 indices had changed once writes were blocked: ' +
        '<code>orders</code> (written after phase 1 (max_seq_no 1 on the target, 2 on the source)), <code>users</code> (documents differ (source 4, target 5)); ' +
        'replayed: <code>orders</code> (1 document); restored again: <code>users</code> (documents were deleted since its target copy); ' +
        '4 new objects copied, 36 already there; inside the window: write block set 21 ms, restore of 1 index 640 ms',
    );
  });

  test('a resumed run lists what it reused', () => {
    expect(
      resumedLine({ snapshots: [{ name: 'migrate-7', state: 'IN_PROGRESS' }], objects: 31, indices: ['a', 'b'] }),
    ).toBe(
      '♻️ continued an earlier attempt of this run: snapshot <code>migrate-7</code> (found IN_PROGRESS), 31 objects already in the destination bucket, 2 restored indices kept: <code>a</code>, <code>b</code>',
    );
  });
});
