// Where the time went (pure): for each phase that moves the data — snapshot, copy, restore — its bytes,
// its rate and the limit that bound it, so a slow run says which throttle to raise (or that none can be).
import type { RunRecord } from '../record.js';
import { escapeHtml, formatBytes, formatDuration } from '../util/format.js';
import { PHASE_LABELS, row } from './tables.js';
import { DEFAULT_THROTTLE, rateText } from '../preflight/duration.js';

export interface PhaseThroughput {
  phase: 'snapshot' | 'copy' | 'restore';
  bytes?: number;
  ms: number;
  limit: string;
}

export function throughput(record: RunRecord): PhaseThroughput[] {
  const ms = (name: PhaseThroughput['phase']) => {
    const p = record.phases.find((x) => x.name === name && x.status === 'succeeded');
    return p ? p.endedAt - p.startedAt : undefined;
  };
  const out: PhaseThroughput[] = [];
  const snapshotMs = ms('snapshot');
  if (record.snapshot && snapshotMs !== undefined) {
    const rate = record.snapshot.rate
      ? rateText(record.snapshot.rate)
      : `${rateText(DEFAULT_THROTTLE)} (the engine's default; snapshot-rate raises it)`;
    out.push({
      phase: 'snapshot',
      bytes: record.snapshot.bytes,
      ms: snapshotMs,
      limit: `source snapshot rate: max_snapshot_bytes_per_sec ${rate} per node`,
    });
  }
  const copyMs = ms('copy');
  const copy = record.copy;
  if (copy && !copy.skipped && copyMs !== undefined) {
    const overlapped = copy.headStart
      ? `overlapped with the snapshot (${formatBytes(copy.headStart.bytes)} copied while it ran); after it ${formatDuration(copy.tailMs ?? copyMs)} for the rest — `
      : '';
    // The copy phase is what was left once the snapshot ended: its bytes and time are the tail's.
    out.push({
      phase: 'copy',
      bytes: copy.tailBytes ?? copy.bytesCopied,
      ms: copyMs,
      limit: `${overlapped}S3 server-side copy`,
    });
  }
  const restoreMs = ms('restore');
  if (record.restore && restoreMs !== undefined) {
    const t = record.restoreThrottles;
    const rate = t?.recoveryRate ? rateText(t.recoveryRate) : 'unknown';
    const limit =
      t?.state === 'refused'
        ? `target recovery: indices.recovery.max_bytes_per_sec ${rate} per node, the domain's own (it refused the run's)`
        : t
          ? `target recovery: indices.recovery.max_bytes_per_sec raised to ${rate} per node for the restore, then put back`
          : `target recovery: indices.recovery.max_bytes_per_sec per node`;
    out.push({ phase: 'restore', bytes: record.restore.bytes, ms: restoreMs, limit });
  }
  return out;
}

export function throughputTable(record: RunRecord): string | undefined {
  const rows = throughput(record);
  if (!rows.length) return undefined;
  const lines = ['<table>', row(['Phase', 'Bytes', 'Time', 'Rate', 'Bound by'], true)];
  for (const r of rows) {
    const rate = r.bytes && r.ms > 0 ? `${formatBytes((r.bytes * 1000) / r.ms)}/s` : '—';
    lines.push(
      row([
        PHASE_LABELS[r.phase],
        r.bytes ? formatBytes(r.bytes) : '—',
        formatDuration(r.ms),
        rate,
        escapeHtml(r.limit),
      ]),
    );
  }
  lines.push('</table>');
  return lines.join('\n');
}
