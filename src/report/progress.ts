// One-line progress reports for the log while a snapshot, a restore's recovery or a cut-over runs;
// main.ts hands them to the phases as the run context's `progress`.

import { formatProgressLine } from '../aws/copy/index.js';
import type { Log, Progress, RecoveryProgress, TransferProgress } from '../context.js';
import { formatBytes, formatDuration } from '../util/format.js';

function line(label: string, p: TransferProgress, extra: string[] = []): string {
  // Bytes say more about time left than shards do (shards differ in size); fall back to shards before sizes are known.
  const fraction = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p.shardsTotal > 0 ? p.shardsDone / p.shardsTotal : 0;
  const pct = Math.min(100, Math.floor(fraction * 100));
  const parts = [`${label}: ${pct}%`, `${p.shardsDone}/${p.shardsTotal} shards`, ...extra];
  if (p.bytesTotal > 0) parts.push(`${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`);
  if (p.elapsedMs > 0 && p.bytesDone > 0) parts.push(`${formatBytes((p.bytesDone * 1000) / p.elapsedMs)}/s`);
  parts.push(`${formatDuration(p.elapsedMs)} elapsed`);
  if (fraction >= 0.01 && fraction < 1 && p.elapsedMs > 0)
    parts.push(`~${formatDuration((p.elapsedMs * (1 - fraction)) / fraction)} left`);
  return parts.join(', ');
}

/** e.g. "snapshot: 30%, 12/40 shards, 1.2 GiB of 4.0 GiB, 45 MiB/s, 27.0 s elapsed, ~1 min 3 s left" */
export function snapshotProgressLine(p: TransferProgress): string {
  return line('snapshot', p);
}

/** e.g. "restore: 80%, 32/40 shards, 3/5 indices, 3.2 GiB of 4.0 GiB, …" */
export function recoveryProgressLine(p: RecoveryProgress): string {
  const indices = p.indicesTotal !== undefined ? [`${p.indicesDone ?? 0}/${p.indicesTotal} indices`] : [];
  return line('restore', p, indices);
}

/** e.g. "cut-over: write block set in 120 ms" */
export function cutoverStepLine(name: string, ms: number): string {
  return `cut-over: ${name} in ${formatDuration(ms)}`;
}

/** The run's progress callbacks (RunContext.progress), each writing its line to the log. */
export function progressToLog(log: Pick<Log, 'info'>): Progress {
  return {
    snapshot: (p) => log.info(snapshotProgressLine(p)),
    restore: (p) => log.info(recoveryProgressLine(p)),
    copy: (p) => log.info(formatProgressLine(p)),
    step: (name, ms) => log.info(cutoverStepLine(name, ms)),
  };
}
