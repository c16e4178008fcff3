// The summary's data stream and cluster metadata sections, in the index table's style (pure, from the
// run record): one row per stream — documents on each side, generations, write index, status — and one
// row per metadata item with what the run did to it. A plan shows the same with what the run will do.
import type { MetadataFacts } from '../metadata/apply.js';
import { KIND_LABELS } from '../metadata/kinds.js';
import type { MetadataAction, MetadataOutcome } from '../metadata/plan.js';
import type { Forecast } from '../record.js';
import type { StreamComparison } from '../streams/verify.js';
import { formatCount, formatDifference, inlineHtml, plural } from '../util/format.js';

const code = (s: string): string => `<code>${inlineHtml(s)}</code>`;
const row = (cells: string[], tag = 'td'): string => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;

/** Rows beyond which a metadata list folds into <details>. */
const FOLD_ITEMS = 25;

function streamStatus(s: StreamComparison): string {
  const note = s.note ? ` (${inlineHtml(s.note)})` : '';
  if (s.status === 'missing') return `❌ missing${note}`;
  if (s.status === 'mismatch') return `❌ mismatch${note}`;
  return '✅ match';
}

/** Verification, one row per data stream; problems first. */
export function streamTable(rows: readonly StreamComparison[]): string {
  const renamed = rows.some((r) => r.sourceStream !== r.targetStream);
  const sorted = [...rows].sort(
    (a, b) =>
      Number(a.status === 'match') - Number(b.status === 'match') || a.sourceStream.localeCompare(b.sourceStream),
  );
  const generations = (r: StreamComparison) =>
    r.sourceGenerations === r.targetGenerations
      ? formatCount(r.sourceGenerations)
      : `${formatCount(r.sourceGenerations)} → ${formatCount(r.targetGenerations)}`;
  return [
    '<table>',
    row(
      [
        'Data stream',
        ...(renamed ? ['Target stream'] : []),
        'Source docs',
        'Target docs',
        'Difference',
        'Generations',
        'Write index (target)',
        'Status',
      ],
      'th',
    ),
    ...sorted.map((r) =>
      row([
        code(r.sourceStream),
        ...(renamed ? [code(r.targetStream)] : []),
        formatCount(r.sourceCount),
        formatCount(r.targetCount),
        formatDifference(r.sourceCount, r.targetCount),
        generations(r),
        r.targetWriteIndex ? code(r.targetWriteIndex) : '—',
        streamStatus(r),
      ]),
    ),
    '</table>',
  ].join('\n');
}

/** Plan: the streams the run will migrate, as the source has them now. */
export function planStreamTable(rows: NonNullable<Forecast['streams']>): string {
  const renamed = rows.some((r) => r.stream !== r.target);
  return [
    '<table>',
    row(['Data stream', ...(renamed ? ['Restored as'] : []), 'Documents', 'Generations', 'Write index'], 'th'),
    ...rows.map((r) =>
      row([
        code(r.stream),
        ...(renamed ? [code(r.target)] : []),
        formatCount(r.documents),
        formatCount(r.generations),
        code(r.writeIndex),
      ]),
    ),
    '</table>',
  ].join('\n');
}

const OUTCOME: Record<MetadataOutcome, string> = {
  created: '✅ created',
  overwritten: '✅ overwritten (metadata: overwrite)',
  unchanged: '✅ already the same',
  differs: '⚠️ differs: left as the target has it',
  failed: '❌ refused by the target',
};

const ACTION: Record<MetadataAction, string> = {
  create: '➕ missing: will be created',
  overwrite: '✏️ differs: will be overwritten',
  unchanged: '✅ already the same',
  differs: '⚠️ differs: will be left as the target has it',
};

function itemTable(
  items: Array<{ kind: keyof typeof KIND_LABELS; name: string; cell: string }>,
  title: string,
): string {
  const table = [
    '<table>',
    row(['Kind', 'Name', 'On the target'], 'th'),
    ...items.map((i) => row([inlineHtml(KIND_LABELS[i.kind]), code(i.name), i.cell])),
    '</table>',
  ].join('\n');
  return items.length > FOLD_ITEMS
    ? ['<details>', `<summary>${title}</summary>`, table, '</details>'].join('\n')
    : table;
}

function leftOut(filteredOut: number, managed: number): string {
  const parts = [
    filteredOut ? `${plural(filteredOut, 'item')} left out by <code>metadata-include</code>` : '',
    managed ? `${plural(managed, 'item')} of the cluster’s own (names starting with a dot) never carried over` : '',
  ].filter(Boolean);
  return parts.length
    ? `<p>${parts.join('; ')}. ISM policies are not carried over.</p>`
    : '<p>ISM policies are not carried over.</p>';
}

/** After a migration: what happened to each item; differing and refused ones first. */
export function metadataSection(facts: MetadataFacts): string[] {
  if (facts.mode === 'skip')
    return ['<p><code>metadata: skip</code>: no templates, pipelines or stored scripts were carried over.</p>'];
  const rank: Record<MetadataOutcome, number> = { failed: 0, differs: 1, created: 2, overwritten: 2, unchanged: 3 };
  const sorted = [...facts.items].sort((a, b) => rank[a.outcome] - rank[b.outcome]);
  const counts = (o: MetadataOutcome) => facts.items.filter((i) => i.outcome === o).length;
  return [
    itemTable(
      sorted.map((i) => ({
        kind: i.kind,
        name: i.name,
        cell: i.error ? `${OUTCOME[i.outcome]}: ${inlineHtml(i.error)}` : OUTCOME[i.outcome],
      })),
      `${counts('created')} created, ${counts('unchanged')} already the same, ${counts('differs')} differ`,
    ),
    leftOut(facts.filteredOut, facts.managed),
  ];
}

/** Plan: what the metadata phase will do with each item. */
export function planMetadataSection(plan: NonNullable<Forecast['metadata']>): string[] {
  if (plan.items.length === 0)
    return [`<p>No cluster metadata to carry over.</p>`, leftOut(plan.filteredOut, plan.managed)];
  const rank: Record<MetadataAction, number> = { differs: 0, overwrite: 1, create: 2, unchanged: 3 };
  const sorted = [...plan.items].sort((a, b) => rank[a.action] - rank[b.action]);
  return [
    itemTable(
      sorted.map((i) => ({ kind: i.kind, name: i.name, cell: ACTION[i.action] })),
      plural(plan.items.length, 'item'),
    ),
    leftOut(plan.filteredOut, plan.managed),
  ];
}

/** The phase table's line for the metadata phase. */
export function metadataDetails(facts: MetadataFacts): string[] {
  if (facts.mode === 'skip') return ['metadata: skip — templates, pipelines and stored scripts were not carried over'];
  const n = (o: MetadataOutcome) => facts.items.filter((i) => i.outcome === o).length;
  return [
    [
      `${n('created')} created`,
      n('overwritten') ? `${n('overwritten')} overwritten` : '',
      `${n('unchanged')} already the same`,
      n('differs') ? `${n('differs')} differ (left as they are)` : '',
    ]
      .filter(Boolean)
      .join(', '),
  ];
}
