// The plan's part of the job summary (pure, from the run record): the preflight's checks as a table,
// what a migration will do (snapshot, copy, restore, verify), and the IAM documents this run needs as
// JSON to copy. A plan shows all of it open; a migration folds it under its own results.
import type { CheckRecord, CheckResult, Forecast, RunRecord } from '../record.js';
import type { IamDocumentSet } from '../iam/run-documents.js';
import { planMetadataSection, planStreamTable } from './streams.js';
import { durationText } from '../preflight/duration.js';
import { escapeHtml, formatBytes, formatCount, formatDuration, inlineHtml, plural } from '../util/format.js';

export const CHECK_ICONS: Record<CheckResult, string> = { pass: '✅', warn: '⚠️', fail: '❌', skip: '⏭️' };

const code = (s: string): string => `<code>${inlineHtml(s)}</code>`;
const row = (cells: string[], tag = 'td'): string => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;

/** Most index rows the plan lists before folding the rest into a count. */
const MAX_PLAN_ROWS = 100;

export function checkCounts(checks: readonly CheckRecord[]): Record<CheckResult, number> {
  const counts: Record<CheckResult, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.result]++;
  return counts;
}

function countsText(checks: readonly CheckRecord[]): string {
  const n = checkCounts(checks);
  return [
    `${n.pass} passed`,
    n.warn ? `${n.warn} warned` : '',
    n.fail ? `${n.fail} failed` : '',
    n.skip ? `${n.skip} skipped` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** Check, result, what was found, what to do (for the rows that did not pass). Failures first. */
export function checksTable(checks: readonly CheckRecord[]): string {
  const rank: Record<CheckResult, number> = { fail: 0, warn: 1, skip: 2, pass: 3 };
  const sorted = [...checks].sort((a, b) => rank[a.result] - rank[b.result]);
  return [
    '<table>',
    row(['Check', 'Result', 'Found', 'What to do'], 'th'),
    ...sorted.map((c) =>
      row([
        inlineHtml(c.check),
        `${CHECK_ICONS[c.result]} ${c.result}`,
        inlineHtml(c.found),
        c.result === 'pass' ? '' : inlineHtml(c.fix ?? ''),
      ]),
    ),
    '</table>',
  ].join('\n');
}

/** Where the copy estimate comes from: the repository as listed now, and the snapshot still to be taken. */
function copySplit(copy: Forecast['copy']): string {
  if (!copy.inRepository || !copy.newSnapshot) return '';
  const part = (x: { objects: number; bytes: number }) => `${plural(x.objects, 'object')}, ${formatBytes(x.bytes)}`;
  return `: ${part(copy.inRepository)} already in the source repository and not yet at the destination, ≈ ${part(copy.newSnapshot)} the new snapshot writes`;
}

function planList(p: Forecast): string {
  const s = p.snapshot;
  const lines = [
    `<b>Snapshot</b> ${plural(s.indices.length, 'index', 'indices')} (${plural(s.documents, 'document')}, ${formatBytes(s.primaryBytes)} in primaries) into ${code(s.repository)} / ${code(s.snapshot)}${s.reuses ? ' · already taken by an earlier attempt: reused' : ''}`,
    p.copy.skipped
      ? `<b>Copy</b> ⏭️ none: both domains use ${code(p.copy.from)}`
      : `<b>Copy</b> ${code(p.copy.from)} → ${code(p.copy.to)}: ≈ ${plural(p.copy.objectsEstimate, 'object')}, ${formatBytes(p.copy.bytesEstimate)}, about ${formatDuration(p.copy.estimatedMs)} (estimate${copySplit(p.copy)})`,
    `<b>Restore</b> from ${code(p.restore.repository)} (read-only)${Object.keys(p.restore.indexSettings).length ? `, index-settings ${code(JSON.stringify(p.restore.indexSettings))}` : ''}${p.restore.ignoreIndexSettings.length ? `, dropping ${p.restore.ignoreIndexSettings.map(code).join(', ')}` : ''}, aliases ${p.restore.includeAliases ? 'included' : 'left out'}; needs ≈ ${formatBytes(p.restore.bytesNeeded)}${p.restore.bytesFree !== undefined ? ` of ${formatBytes(p.restore.bytesFree)} free` : ''}${p.restore.replaces.length ? `; replaces ${p.restore.replaces.map(code).join(', ')}` : ''}`,
    ...(p.duration ? [`<b>Duration</b> ${inlineHtml(durationText(p.duration))} (estimate)`] : []),
    `<b>Verify</b> document counts of ${plural(p.verify.indices, 'index', 'indices')} (${formatCount(p.verify.documents)} now on the source)${p.verify.aliases ? ` and ${plural(p.verify.aliases, 'alias', 'aliases')}` : ''} on both sides`,
  ];
  return `<p>${lines.join('<br>\n')}</p>`;
}

function planIndexTable(p: Forecast): string {
  const renamed = p.restore.indices.some((i) => i.source !== i.target);
  const targetOf = new Map(p.restore.indices.map((i) => [i.source, i.target]));
  const shown = p.snapshot.indices.slice(0, MAX_PLAN_ROWS);
  const header = row(
    [
      'Index',
      ...(renamed ? ['Restored as'] : []),
      'Documents',
      'Primaries',
      'Shards',
      'Replicas on target',
      'Created by',
    ],
    'th',
  );
  const rows = shown.map((i) =>
    row([
      code(i.index),
      ...(renamed ? [code(targetOf.get(i.index) ?? i.index)] : []),
      formatCount(i.documents),
      formatBytes(i.primaryBytes),
      formatCount(i.shards),
      formatCount(i.replicas),
      inlineHtml(i.created ?? '—'),
    ]),
  );
  const left = p.snapshot.indices.length - shown.length;
  if (left > 0)
    rows.push(`<tr><td colspan="${renamed ? 7 : 6}"><i>… ${plural(left, 'more index', 'more indices')}</i></td></tr>`);
  const table = ['<table>', header, ...rows, '</table>'].join('\n');
  return shown.length > 25
    ? [
        '<details>',
        `<summary>${plural(p.snapshot.indices.length, 'index', 'indices')}</summary>`,
        table,
        '</details>',
      ].join('\n')
    : table;
}

const json = (doc: unknown): string => `<pre>${escapeHtml(JSON.stringify(doc, null, 2))}</pre>`;

/** One folded section per role: its trust relationship and its permissions policy, as JSON to paste. */
export function iamSection(docs: IamDocumentSet, open: boolean): string[] {
  const blocks = [
    `<p>Generated for this run (also in the <code>iam-documents</code> output). Workflow identity: ${code(docs.subject)} (${docs.subjectFrom === 'token' ? "this job's OIDC token" : 'GITHUB_REPOSITORY and GITHUB_REF'}).</p>`,
  ];
  for (const role of docs.roles) {
    blocks.push(
      [
        open ? '<details open>' : '<details>',
        `<summary>${code(role.principal)}: ${inlineHtml(role.purpose)}</summary>`,
        ...(role.trustPolicy ? ['<p>Trust relationship</p>', json(role.trustPolicy)] : []),
        '<p>Permissions policy</p>',
        json(role.permissionsPolicy),
        '</details>',
      ].join('\n'),
    );
  }
  if (docs.notes.length) blocks.push(`<p>${docs.notes.map(inlineHtml).join('<br>\n')}</p>`);
  return blocks;
}

/** The headline of a plan that found problems (a plan that passed keeps the summary's own). */
export function planFailedHeadline(record: RunRecord): string[] {
  const checks = record.checks ?? [];
  const failed = checks.filter((c) => c.result === 'fail');
  if (failed.length === 0)
    return [`<h2>❌ Plan stopped: ${inlineHtml((record.error ?? 'an error').split('\n')[0]!)}</h2>`];
  return [
    `<h2>❌ Plan: ${plural(failed.length, 'check')} failed, nothing was changed</h2>`,
    `<p>${failed.map((f) => `❌ <b>${inlineHtml(f.check)}</b>: ${inlineHtml(f.fix ?? f.found)}`).join('<br>\n')}</p>`,
  ];
}

/** Plan mode: checks, what will happen, IAM documents — all open, before the phase table. */
export function planBlocks(record: RunRecord): string[] {
  if (record.mode !== 'plan') return [];
  const blocks: string[] = [];
  if (record.checks?.length) blocks.push(`<h3>Checks (${countsText(record.checks)})</h3>`, checksTable(record.checks));
  if (record.forecast)
    blocks.push('<h3>What the migration will do</h3>', planList(record.forecast), planIndexTable(record.forecast));
  if (record.forecast?.streams?.length) blocks.push('<h3>Data streams</h3>', planStreamTable(record.forecast.streams));
  if (record.forecast?.metadata)
    blocks.push('<h3>Cluster metadata (before the restore)</h3>', ...planMetadataSection(record.forecast.metadata));
  if (record.iamDocuments) blocks.push('<h3>IAM documents</h3>', ...iamSection(record.iamDocuments, false));
  return blocks;
}

/** A migration: the same checks folded (open when one did not pass), then the IAM documents folded. */
export function migrationCheckBlocks(record: RunRecord): string[] {
  if (record.mode === 'plan') return [];
  const blocks: string[] = [];
  const checks = record.checks ?? [];
  if (checks.length) {
    const attention = checks.some((c) => c.result === 'fail' || c.result === 'warn');
    blocks.push(
      [
        attention ? '<details open>' : '<details>',
        `<summary>Preflight checks: ${countsText(checks)}</summary>`,
        checksTable(checks),
        '</details>',
      ].join('\n'),
    );
  }
  if (record.iamDocuments)
    blocks.push(
      [
        '<details>',
        '<summary>IAM documents for this run</summary>',
        ...iamSection(record.iamDocuments, false),
        '</details>',
      ].join('\n'),
    );
  return blocks;
}
