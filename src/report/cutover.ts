// Summary lines for the two-phase cut-over and for a resumed run (pure: run record facts in, HTML out).

import type { CutoverFacts, ResumeFacts, WriteBlockFacts } from '../record.js';
import { formatClock, formatCount, formatDuration, inlineHtml, plural } from '../util/format.js';

const code = (s: string): string => `<code>${inlineHtml(s)}</code>`;

/** "from 2026-11-25 15:38:16.123 UTC to 15:38:16.935 UTC": the write-blocked window's two ends. */
export function windowSpan(wb: WriteBlockFacts): string | undefined {
  if (!wb.setAt) return undefined;
  const end = wb.liftedAt === undefined ? 'now' : formatClock(wb.liftedAt).slice(11);
  return `from ${formatClock(wb.setAt)} to ${end}`;
}

/** What phase 2 found and moved, and where the window's time went. */
export function cutoverLine(c: CutoverFacts): string {
  const total = c.changed.length + c.unchanged.length;
  const catchUp = c.catchUp?.length
    ? [
        `${plural(c.catchUp.length, 'catch-up pass', 'catch-up passes')} before the write block (${c.catchUp.map((p) => `${plural(p.changed.length, 'index', 'indices')} in ${formatDuration(p.ms)}`).join(', ')})`,
      ]
    : [];
  const parts = [
    ...catchUp,
    c.changed.length
      ? `${formatCount(c.changed.length)} of ${plural(total, 'index', 'indices')} had changed once writes were blocked: ${c.changed.map((x) => `${code(x.source)} (${inlineHtml(x.reason)})`).join(', ')}`
      : `none of ${plural(total, 'index', 'indices')} had changed once writes were blocked`,
  ];
  if (c.replayed?.length)
    parts.push(
      `replayed: ${c.replayed.map((r) => `${code(r.source)} (${plural(r.documents, 'document')})`).join(', ')}`,
    );
  if (c.restoredInWindow?.length)
    parts.push(
      `restored again: ${c.restoredInWindow.map((r) => `${code(r.source)} (${inlineHtml(r.why)})`).join(', ')}`,
    );
  if (c.snapshot) parts.push(`incremental snapshot ${code(c.snapshot.snapshot)}`);
  if (c.copy && !c.copy.skipped)
    parts.push(`${plural(c.copy.copied, 'new object')} copied, ${formatCount(c.copy.reusedObjects)} already there`);
  if (c.staleSnapshotsDeleted)
    parts.push(`stale ${c.staleSnapshotsDeleted.map(code).join(', ')} from an earlier attempt taken again`);
  if (c.steps.length)
    parts.push(`inside the window: ${c.steps.map((s) => `${inlineHtml(s.step)} ${formatDuration(s.ms)}`).join(', ')}`);
  return parts.join('; ');
}

/** What an earlier attempt of this workflow run left that this one reused. */
export function resumedLine(r: ResumeFacts): string {
  const parts = [
    ...r.snapshots.map((s) => `snapshot ${code(s.name)} (found ${inlineHtml(s.state)})`),
    `${plural(r.objects, 'object')} already in the destination bucket`,
  ];
  if (r.indices.length)
    parts.push(
      `${plural(r.indices.length, 'restored index', 'restored indices')} kept: ${r.indices.map(code).join(', ')}`,
    );
  return `♻️ continued an earlier attempt of this run: ${parts.join(', ')}`;
}
