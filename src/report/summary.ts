// The job summary, built from the run record alone (pure: no I/O, no clock unless given one).
// Written as HTML blocks without blank lines inside them, so GitHub never reads escaped text as markdown.

import { throughputTable } from './throughput.js';
import type { CopyFacts, PhaseRecord, RunRecord, SnapshotFacts, WriteBlockFacts } from '../record.js';
import { SUMMARY_MAX_BYTES } from '../constants.js';
import { escapeHtml, formatBytes, formatCount, formatDuration, inlineHtml, plural } from '../util/format.js';
import { migrationCheckBlocks, planBlocks, planFailedHeadline } from './plan.js';
import { cutoverLine, resumedLine, windowSpan } from './cutover.js';
import { metadataSection, streamTable } from './streams.js';
import { checksTable, differencesBlock } from './verification.js';
import {
  type ComparisonLimits,
  PHASE_ICONS,
  PHASE_LABELS,
  comparisonTable,
  isProblem,
  phaseDuration,
  phaseTable,
  sortComparisons,
} from './tables.js';

export type Outcome = 'verified' | 'mismatch' | 'failed' | 'cancelled' | 'plan' | 'incomplete';

/** How the run ended. A count mismatch is its own outcome even when main.ts also records it as the run's error. */
export function outcome(record: RunRecord): Outcome {
  // A run called off is never reported as verified, even when verification had finished before the cancel.
  if (record.cancelled) return 'cancelled';
  const failedPhase = record.phases.some((p) => p.status === 'failed');
  const v = record.verification;
  if (v && !failedPhase) return v.verified ? 'verified' : 'mismatch';
  if (failedPhase || record.error) return 'failed';
  return record.mode === 'plan' ? 'plan' : 'incomplete';
}

/** Milliseconds the source was write-blocked; an active block counts up to `now` (or the end of the run). */
export function writeBlockMs(wb: WriteBlockFacts | undefined, now?: number): number {
  if (!wb?.setAt) return 0;
  const end = wb.liftedAt ?? now ?? wb.setAt;
  return Math.max(0, end - wb.setAt);
}

/** The longest error text rendered in full; the log has the rest. */
const ERROR_CHARS = 20_000;

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const code = (s: string): string => `<code>${inlineHtml(s)}</code>`;

function sideLine(label: string, side: RunRecord['source']): string {
  const engine = [side.engine, side.version].filter(Boolean).join(' ');
  return `<b>${label}</b> ${code(side.endpoint)} (${[side.region, engine].filter(Boolean).map(escapeHtml).join(', ')})`;
}

export function snapshotLine(s: SnapshotFacts): string {
  const shards = s.shardsFailed
    ? `${plural(s.shardsTotal, 'shard')}, ${formatCount(s.shardsFailed)} failed`
    : plural(s.shardsTotal, 'shard');
  return `${code(s.repository)} / ${code(s.snapshot)} · ${escapeHtml(s.state)} · ${plural(s.indices.length, 'index', 'indices')}, ${shards}${s.reused ? ' · reused from an earlier attempt' : ''}`;
}

export function copyLine(c: CopyFacts): string {
  if (c.skipped) return `⏭️ skipped${c.reason ? ` (${inlineHtml(c.reason)})` : ''}`;
  const parts = [
    `${plural(c.copied, 'object')} (${formatBytes(c.bytesCopied)}) copied of ${formatCount(c.listed)} listed (${formatBytes(c.bytesTotal)})`,
    `${formatCount(c.reusedObjects)} already there`,
    `${formatCount(c.multipart)} multipart`,
    plural(c.retries, 'retry', 'retries'),
  ];
  return `${parts.join(', ')}; manifest ${c.manifestOk ? '✅ complete' : '❌ incomplete'}`;
}

/** Every retry the run needed, by service: "17 retries (S3 12, source domain 3, STS 2)". */
export function retriesLine(record: RunRecord): string | undefined {
  if (!record.retries) return undefined;
  const by = Object.entries(record.retries).filter(([, n]) => n > 0);
  const total = by.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return 'none: every request was answered at its first attempt';
  return `${plural(total, 'retry', 'retries')} (${by.map(([service, n]) => `${escapeHtml(service)} ${formatCount(n)}`).join(', ')})`;
}

export function writeBlockLine(wb: WriteBlockFacts, now?: number): string | undefined {
  const on = plural(wb.indices.length, 'source index', 'source indices');
  const held = formatDuration(writeBlockMs(wb, now));
  const span = windowSpan(wb);
  const howToLift = 'lift it with <code>PUT &lt;index&gt;/_settings {"index.blocks.write": null}</code>';
  switch (wb.state) {
    case 'none':
      return undefined;
    case 'active':
      return `🔒 writes blocked on ${on} for ${held} so far`;
    case 'lifted':
      return `🔓 writes were blocked on ${on} for ${held}, now lifted${span ? ` (${span})` : ''}`;
    case 'kept':
      return `🔒 writes stay blocked on ${on} (cut-over, blocked ${held} so far); ${howToLift}`;
    case 'left':
      return `⚠️ the write block on ${on} could not be lifted; the post step retries, otherwise ${howToLift}`;
  }
}

export function cleanupLine(steps: NonNullable<RunRecord['cleanup']>): string {
  const icon = { done: '✅', failed: '❌', skipped: '⏭️' } as const;
  return steps.map((s) => `${icon[s.result]} ${inlineHtml(s.step)}: ${inlineHtml(s.detail)}`).join('; ');
}

/** Headline blocks. Each is its own HTML block: a <pre> only keeps blank lines inside it when it starts a block. */
function headline(record: RunRecord): string[] {
  const v = record.verification;
  const failed = record.phases.find((p) => p.status === 'failed');
  switch (outcome(record)) {
    case 'verified':
      return [
        '<h2>✅ Migration verified</h2>',
        `<p>${plural(v!.indices.filter((c) => c.status !== 'excluded').length, 'index', 'indices')}${v!.streams?.length ? `, ${plural(v!.streams.length, 'data stream')}` : ''} and ${plural(v!.targetTotal + (v!.streams ?? []).reduce((n, s) => n + (s.targetCount ?? 0), 0), 'document')} match on source and target.</p>`,
      ];
    case 'mismatch': {
      const migrated = v!.indices.filter((c) => c.status !== 'excluded').length;
      const differing = v!.indices.filter(isProblem).length;
      return [
        '<h2>❌ Migration finished with differences</h2>',
        `<p>${formatCount(differing)} of ${plural(migrated, 'index', 'indices')} differ: source ${formatCount(v!.sourceTotal)} documents, target ${formatCount(v!.targetTotal)}.</p>`,
      ];
    }
    case 'failed': {
      if (record.mode === 'plan') return planFailedHeadline(record);
      const where = failed ? ` in ${PHASE_LABELS[failed.name].toLowerCase()}` : '';
      const error = record.error ?? failed?.error;
      return [
        `<h2>❌ Migration failed${where}</h2>`,
        ...(error ? [`<pre>${escapeHtml(clip(error, ERROR_CHARS))}</pre>`] : []),
      ];
    }
    case 'cancelled':
      return [
        '<h2>🛑 Migration cancelled</h2>',
        `<p>The run was cancelled${record.verification ? ' after verification: its result does not stand for a finished migration' : ''}.</p>`,
        ...(record.error ? [`<pre>${escapeHtml(clip(record.error, ERROR_CHARS))}</pre>`] : []),
      ];
    case 'plan':
      return ['<h2>📋 Plan checked: nothing was changed</h2>'];
    case 'incomplete':
      return ['<h2>⚠️ Migration did not finish</h2>'];
  }
}

function factsBlock(record: RunRecord, now?: number): string {
  const lines = [sideLine('Source', record.source), sideLine('Target', record.target)];
  if (record.snapshot) lines.push(`<b>Snapshot</b> ${snapshotLine(record.snapshot)}`);
  if (record.copy) lines.push(`<b>Copy</b> ${copyLine(record.copy)}`);
  const retries = retriesLine(record);
  if (retries) lines.push(`<b>Retries</b> ${retries}`);
  const wb = record.writeBlock && writeBlockLine(record.writeBlock, now ?? record.endedAt);
  if (wb) lines.push(`<b>Write block</b> ${wb}`);
  if (record.cutover) lines.push(`<b>Cut-over</b> two-phase: ${cutoverLine(record.cutover)}`);
  if (record.resumed) lines.push(`<b>Resumed</b> ${resumedLine(record.resumed)}`);
  if (record.snapshot?.replaced) lines.push(`<b>Snapshot taken again</b> ${inlineHtml(record.snapshot.replaced)}`);
  if (record.snapshot?.stale)
    lines.push(`<b>Stale snapshot reused</b> ${inlineHtml(record.snapshot.stale)}; the cut-over moved what changed`);
  if (record.inheritedWriteBlock?.length)
    lines.push(
      `<b>Inherited write block</b> left by an earlier attempt of this run on ${record.inheritedWriteBlock.map(code).join(', ')}: lifted as the run's own`,
    );
  if (record.cleanup) lines.push(`<b>Clean-up</b> ${cleanupLine(record.cleanup)}`);
  if (record.endedAt !== undefined) lines.push(`<b>Duration</b> ${formatDuration(record.endedAt - record.startedAt)}`);
  return `<p>${lines.join('<br>\n')}</p>`;
}

function build(record: RunRecord, limits: ComparisonLimits, now?: number): string {
  const blocks = [
    ...headline(record),
    factsBlock(record, now),
    ...planBlocks(record),
    '<h3>Phases</h3>',
    phaseTable(record),
  ];
  const where = throughputTable(record);
  if (where) blocks.push('<h3>Where the time went</h3>', where);
  if (record.verification) {
    blocks.push('<h3>Indices</h3>', comparisonTable(record.verification, limits));
    const checks = checksTable(record.verification);
    if (checks) blocks.push('<h3>Definitions, documents and history</h3>', checks);
    const differences = differencesBlock(record.verification);
    if (differences) blocks.push('<h3>Differences</h3>', differences);
  }
  if (record.verification?.streams?.length)
    blocks.push('<h3>Data streams</h3>', streamTable(record.verification.streams));
  if (record.metadata) blocks.push('<h3>Cluster metadata</h3>', ...metadataSection(record.metadata));
  blocks.push(...migrationCheckBlocks(record));
  return `${blocks.join('\n\n')}\n`;
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * The full job summary. When it would pass `maxBytes` (GitHub refuses step summaries over 1 MiB), matching rows
 * are dropped first, then excluded ones, then differing ones, each with a note saying how many were left out.
 */
export function renderSummary(record: RunRecord, opts: { maxBytes?: number; now?: number } = {}): string {
  const max = opts.maxBytes ?? SUMMARY_MAX_BYTES;
  const render = (limits: ComparisonLimits): string => build(record, limits, opts.now);
  let limits: ComparisonLimits = {};
  let out = render(limits);
  const v = record.verification;
  if (bytes(out) <= max || !v) return bytes(out) <= max ? out : cutBytes(out, max);

  const sizes: Record<keyof ComparisonLimits, number> = {
    maxMatched: v.indices.filter((c) => c.status === 'match' && c.aliasesMatch).length,
    maxExcluded: v.indices.filter((c) => c.status === 'excluded').length,
    maxProblems: v.indices.filter(isProblem).length,
  };
  for (const key of ['maxMatched', 'maxExcluded', 'maxProblems'] as const) {
    const fits = (k: number): boolean => bytes(render({ ...limits, [key]: k })) <= max;
    if (!fits(0)) {
      limits = { ...limits, [key]: 0 };
      continue;
    }
    // Largest k that still fits: the summary grows monotonically with k.
    let lo = 0;
    let hi = sizes[key];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    return render({ ...limits, [key]: lo });
  }
  out = render(limits);
  return bytes(out) <= max ? out : cutBytes(out, max);
}

/** Last resort when even the tables without rows are too long: cut on a character boundary and say so. */
function cutBytes(s: string, max: number): string {
  const note = '\n\n<p><i>… summary cut to stay under GitHub’s 1 MiB limit; the log has everything.</i></p>\n';
  const room = Math.max(0, max - bytes(note));
  const cut = Buffer.from(s, 'utf8')
    .subarray(0, room)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
  return cut + note;
}

/** A short section per phase, written as the phase ends, so a run that dies later still shows what it did. */
export function renderPhaseSummary(phase: PhaseRecord, record: RunRecord): string {
  const lines = phase.details.map(inlineHtml);
  if (phase.name === 'snapshot' && record.snapshot) lines.push(snapshotLine(record.snapshot));
  if (phase.name === 'copy' && record.copy) lines.push(copyLine(record.copy));
  if (phase.name === 'restore' && record.restore) {
    const r = record.restore;
    const renamed = r.restored.filter((x) => x.source !== x.target).length;
    lines.push(
      `${plural(r.restored.length, 'index', 'indices')} restored${renamed ? `, ${formatCount(renamed)} under new names` : ''} from ${code(r.repository)}`,
    );
    if (r.deletedBeforeRestore.length) lines.push(`replaced existing: ${r.deletedBeforeRestore.map(code).join(', ')}`);
  }
  if (phase.name === 'cutover' && record.cutover) lines.push(cutoverLine(record.cutover));
  if (phase.name === 'verify' && record.verification) {
    const v = record.verification;
    const problems = sortComparisons(v.indices).filter(isProblem); // the table's order
    const migrated = v.indices.filter((c) => c.status !== 'excluded').length;
    lines.push(
      problems.length
        ? `❌ ${formatCount(problems.length)} of ${plural(migrated, 'index', 'indices')} differ: ${problems
            .slice(0, 10)
            .map((c) => code(c.sourceIndex))
            .join(', ')}${problems.length > 10 ? ', …' : ''}`
        : `✅ ${plural(migrated, 'index', 'indices')}, ${plural(v.targetTotal, 'document')} match`,
    );
  }
  const title = `<h3>${PHASE_ICONS[phase.status]} ${PHASE_LABELS[phase.name]}: ${phase.status} in ${phaseDuration(phase)}</h3>`;
  const body = lines.length ? [`<p>${lines.join('<br>\n')}</p>`] : [];
  const error = phase.error ? [`<pre>${escapeHtml(clip(phase.error, ERROR_CHARS))}</pre>`] : [];
  return `${[title, ...body, ...error].join('\n\n')}\n\n`;
}

/** The summary of a run whose inputs were refused: every problem, and the fact that nothing was touched. */
export function renderInputProblems(problems: readonly string[]): string {
  const items = problems.map((p) => `<li>${inlineHtml(p)}</li>`).join('\n');
  return (
    [
      `<h2>❌ ${problems.length === 1 ? '1 input needs' : `${formatCount(problems.length)} inputs need`} fixing: nothing was touched</h2>`,
      `<ul>\n${items}\n</ul>`,
      '<p>Each line names the input, what is wrong with it and what to write instead; every input is documented in <code>action.yml</code>.</p>',
    ].join('\n\n') + '\n'
  );
}
