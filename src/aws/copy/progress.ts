// Where the copy stands, and the one log line that says so.
import { formatBytes, formatCount, formatDuration } from '../../util/format.js';

export type CopyStage = 'copying' | 'snapshot-metadata' | 'generations' | 'latest' | 'manifest' | 'done';

export interface CopyProgress {
  stage: CopyStage;
  /** Objects copied or found already there. */
  objectsDone: number;
  /** Objects listed so far; final once listingComplete. */
  objectsTotal: number;
  listingComplete: boolean;
  bytesDone: number;
  bytesTotal: number;
  /** Bytes actually copied in this run (skipped objects excluded): the rate is measured on these. */
  bytesCopied: number;
  copied: number;
  skipped: number;
  elapsedMs: number;
}

export class ProgressTracker {
  private readonly started = Date.now();
  stage: CopyStage = 'copying';
  objectsDone = 0;
  objectsTotal = 0;
  listingComplete = false;
  bytesDone = 0;
  bytesTotal = 0;
  bytesCopied = 0;
  copied = 0;
  skipped = 0;

  listed(size: number): void {
    this.objectsTotal++;
    this.bytesTotal += size;
  }

  /** Bytes landed at the destination (a whole object, or one part as it completes). */
  bytes(n: number): void {
    this.bytesCopied += n;
    this.bytesDone += n;
  }

  copiedObject(): void {
    this.copied++;
    this.objectsDone++;
  }

  skippedObject(size: number): void {
    this.skipped++;
    this.objectsDone++;
    this.bytesDone += size;
  }

  snapshot(): CopyProgress {
    const { stage, objectsDone, objectsTotal, listingComplete, bytesDone, bytesTotal, bytesCopied, copied, skipped } =
      this;
    return {
      stage,
      objectsDone,
      objectsTotal,
      listingComplete,
      bytesDone,
      bytesTotal,
      bytesCopied,
      copied,
      skipped,
      elapsedMs: Date.now() - this.started,
    };
  }
}

/**
 * Time left, as the larger of two estimates: by objects (small blobs cost round trips, not
 * bytes) and by bytes (large blobs cost copy time). Either alone is badly optimistic on a
 * repository that mixes thousands of tiny blobs with a few huge ones. Undefined while unknowable.
 */
export function estimateRemainingMs(p: CopyProgress): number | undefined {
  if (!p.listingComplete || p.elapsedMs <= 0) return undefined;
  if (p.objectsDone >= p.objectsTotal) return 0;
  const estimates: number[] = [];
  if (p.objectsDone > 0) estimates.push(((p.objectsTotal - p.objectsDone) * p.elapsedMs) / p.objectsDone);
  if (p.bytesCopied > 0) estimates.push(((p.bytesTotal - p.bytesDone) * p.elapsedMs) / p.bytesCopied);
  return estimates.length ? Math.max(...estimates) : undefined;
}

/** e.g. `copy: 1,234/5,678 objects, 1.2 GiB/3.4 GiB (35%), 46 MiB/s, ETA 1 min 23 s` */
export function formatProgressLine(p: CopyProgress): string {
  const n = formatCount;
  const total = p.listingComplete ? n(p.objectsTotal) : `${n(p.objectsTotal)}+`;
  const percent = p.listingComplete && p.bytesTotal > 0 ? ` (${Math.floor((100 * p.bytesDone) / p.bytesTotal)}%)` : '';
  const rate = p.elapsedMs > 0 ? `${formatBytes(Math.round((p.bytesCopied * 1000) / p.elapsedMs))}/s` : '-';
  const parts = [
    `${n(p.objectsDone)}/${total} objects`,
    `${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}${p.listingComplete ? '' : '+'}${percent}`,
    rate,
  ];
  if (p.skipped > 0) parts.push(`${n(p.skipped)} already there`);
  if (p.stage === 'done') {
    parts.push(`done in ${formatDuration(p.elapsedMs)}`);
  } else {
    const eta = estimateRemainingMs(p);
    parts.push(`ETA ${eta === undefined ? '?' : formatDuration(eta)}`);
  }
  const stage = p.stage === 'copying' || p.stage === 'done' ? '' : ` [${p.stage}]`;
  return `copy${stage}: ${parts.join(', ')}`;
}
