// The summary's two tables: how each phase went, and how each index compares between source and target.
// HTML rather than markdown tables: cells may hold `|`, line breaks and <details>, and escaping stays simple.

import type { IndexComparison, PhaseName, PhaseRecord, PhaseStatus, RunRecord, VerificationFacts } from '../record.js';
import { formatCount, formatDifference, formatDuration, inlineHtml, plural } from '../util/format.js';

export const PHASE_ORDER: readonly PhaseName[] = [
  'credentials',
  'preflight',
  'snapshot',
  'copy',
  'metadata',
  'restore',
  'cutover',
  'verify',
];

/** Phases only some runs have (cutover: two-phase): left out of the table when the run has no record of them. */
const OPTIONAL_PHASES: readonly PhaseName[] = ['cutover'];

export const PHASE_LABELS: Record<PhaseName, string> = {
  credentials: 'Credentials',
  preflight: 'Preflight',
  snapshot: 'Snapshot',
  copy: 'Copy',
  metadata: 'Cluster metadata',
  restore: 'Restore',
  cutover: 'Cut-over',
  verify: 'Verify',
};

export const PHASE_ICONS: Record<PhaseStatus | 'not-run', string> = {
  succeeded: '✅',
  failed: '❌',
  skipped: '⏭️',
  'not-run': '⚪',
};

/** Longest error shown inside a table cell; the whole text is in the headline and the log. */
const CELL_ERROR_CHARS = 1000;

export function row(cells: string[], header = false): string {
  const tag = header ? 'th' : 'td';
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Phase, status, duration, details; phases the run never reached are listed as not run. */
export function phaseTable(record: RunRecord): string {
  const lines = ['<table>', row(['Phase', 'Status', 'Duration', 'Details'], true)];
  for (const name of PHASE_ORDER) {
    const phase = record.phases.find((p) => p.name === name);
    if (!phase && OPTIONAL_PHASES.includes(name)) continue;
    if (!phase) {
      lines.push(
        row([
          PHASE_LABELS[name],
          `${PHASE_ICONS['not-run']} not run`,
          '—',
          record.mode === 'plan' && name !== 'credentials' && name !== 'preflight' ? 'plan mode' : '',
        ]),
      );
      continue;
    }
    const details = phase.details.map(inlineHtml);
    if (phase.error) details.push(`❌ <code>${inlineHtml(clip(phase.error, CELL_ERROR_CHARS))}</code>`);
    lines.push(
      row([
        PHASE_LABELS[name],
        `${PHASE_ICONS[phase.status]} ${phase.status}`,
        formatDuration(phase.endedAt - phase.startedAt),
        details.join('<br>'),
      ]),
    );
  }
  lines.push('</table>');
  return lines.join('\n');
}

export function phaseDuration(phase: PhaseRecord): string {
  return formatDuration(phase.endedAt - phase.startedAt);
}

// --- index comparison ------------------------------------------------------------------------------------

/** A row that needs attention: counts differ, the index is missing, or its aliases differ. */
export function isProblem(c: IndexComparison): boolean {
  return (
    c.status === 'mismatch' ||
    c.status === 'missing' ||
    c.status === 'appeared' ||
    (c.status === 'match' && !c.aliasesMatch)
  );
}

const RANK: Record<IndexComparison['status'], number> = {
  missing: 0,
  appeared: 0.5,
  mismatch: 1,
  match: 2,
  excluded: 3,
};

/** Problems first (missing, then count mismatches, then alias-only differences), then matches, then excluded. */
export function sortComparisons(rows: readonly IndexComparison[]): IndexComparison[] {
  const rank = (c: IndexComparison): number => (c.status === 'match' && !c.aliasesMatch ? 1.5 : RANK[c.status]);
  return [...rows].sort((a, b) => rank(a) - rank(b) || a.sourceIndex.localeCompare(b.sourceIndex));
}

function statusCell(c: IndexComparison): string {
  const note = c.note ? ` (${inlineHtml(c.note)})` : '';
  switch (c.status) {
    case 'missing':
      return `❌ missing${note}`;
    case 'mismatch':
      return `❌ mismatch${note}`;
    case 'appeared':
      return `❌ appeared during the run${note}`;
    case 'excluded':
      return `⚪ excluded${c.note ? note : ' (system index)'}`;
    case 'match':
      return c.aliasesMatch ? '✅ match' : `⚠️ aliases differ${note}`;
  }
}

function names(list: readonly string[]): string {
  return list.length ? list.map((a) => `<code>${inlineHtml(a)}</code>`).join(', ') : 'none';
}

function aliasesCell(c: IndexComparison): string {
  if (c.status === 'excluded') return '—';
  if (c.aliasesMatch) return c.sourceAliases.length ? `✅ ${names(c.sourceAliases)}` : '—';
  return `❌ source: ${names(c.sourceAliases)}<br>target: ${names(c.targetAliases)}`;
}

export interface ComparisonLimits {
  /** Most matching rows to show; the rest are counted in a note. */
  maxMatched?: number;
  maxExcluded?: number;
  maxProblems?: number;
}

/** Rows beyond which matches and excluded indices fold into <details> instead of the main table. */
const FOLD_MATCHED = 25;
const FOLD_EXCLUDED = 10;

/**
 * Index comparison: index, target index (only when a rename is in play), counts, difference, aliases, status.
 * Problems first, then matches, then excluded system indices; a totals row; long groups folded.
 */
export function comparisonTable(v: VerificationFacts, limits: ComparisonLimits = {}): string {
  const sorted = sortComparisons(v.indices);
  const problems = sorted.filter(isProblem);
  const matched = sorted.filter((c) => c.status === 'match' && c.aliasesMatch);
  const excluded = sorted.filter((c) => c.status === 'excluded');
  const renamed = sorted.some((c) => c.status !== 'excluded' && c.targetIndex !== c.sourceIndex);

  const header = row(
    ['Index', ...(renamed ? ['Target index'] : []), 'Source docs', 'Target docs', 'Difference', 'Aliases', 'Status'],
    true,
  );
  const toRow = (c: IndexComparison): string =>
    row([
      `<code>${inlineHtml(c.sourceIndex)}</code>`,
      ...(renamed ? [c.status === 'excluded' ? '—' : `<code>${inlineHtml(c.targetIndex)}</code>`] : []),
      formatCount(c.sourceCount),
      c.status === 'excluded' ? '—' : formatCount(c.targetCount),
      c.status === 'excluded' || c.status === 'appeared' ? '—' : formatDifference(c.sourceCount, c.targetCount),
      aliasesCell(c),
      statusCell(c),
    ]);
  const width = renamed ? 7 : 6;
  const noteRow = (text: string): string => `<tr><td colspan="${width}"><i>${text}</i></td></tr>`;
  const take = (rows: IndexComparison[], max: number | undefined, what: string): string[] => {
    const shown = max === undefined ? rows : rows.slice(0, Math.max(0, max));
    const out = shown.map(toRow);
    const left = rows.length - shown.length;
    if (left > 0)
      out.push(
        noteRow(
          `… ${formatCount(left)} ${what} ${left === 1 ? 'index' : 'indices'} not shown to keep the summary under GitHub's 1 MiB limit`,
        ),
      );
    return out;
  };

  const migrated = v.indices.length - excluded.length;
  const totalIcon = v.verified
    ? '✅ verified'
    : `❌ ${plural(v.mismatched.length, 'index', 'indices')} ${v.mismatched.length === 1 ? 'differs' : 'differ'}`;
  const totals = row([
    `<b>Total (${plural(migrated, 'index', 'indices')})</b>`,
    ...(renamed ? [''] : []),
    `<b>${formatCount(v.sourceTotal)}</b>`,
    `<b>${formatCount(v.targetTotal)}</b>`,
    `<b>${formatDifference(v.sourceTotal, v.targetTotal)}</b>`,
    '',
    `<b>${totalIcon}</b>`,
  ]);

  const foldMatched = matched.length > FOLD_MATCHED;
  const foldExcluded = excluded.length > FOLD_EXCLUDED;
  const main = [
    '<table>',
    header,
    ...take(problems, limits.maxProblems, 'differing'),
    ...(foldMatched ? [] : take(matched, limits.maxMatched, 'matching')),
    ...(foldExcluded ? [] : take(excluded, limits.maxExcluded, 'excluded')),
    totals,
    '</table>',
  ];
  const folded = (summary: string, rows: string[]): string[] => [
    '<details>',
    `<summary>${summary}</summary>`,
    '<table>',
    header,
    ...rows,
    '</table>',
    '</details>',
  ];
  return [
    ...main,
    ...(foldMatched
      ? folded(`✅ ${plural(matched.length, 'index', 'indices')} match`, take(matched, limits.maxMatched, 'matching'))
      : []),
    ...(foldExcluded
      ? folded(
          `⚪ ${plural(excluded.length, 'index', 'indices')} excluded (system indices are never migrated)`,
          take(excluded, limits.maxExcluded, 'excluded'),
        )
      : []),
  ].join('\n');
}
