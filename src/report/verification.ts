// The verification beyond counts, in the index table's style: per index what was compared besides the
// count (definitions, documents by id, shard history) and how it came out; then every difference found,
// by alias, mapping path, setting or document id. Long groups fold into <details> (pure: no I/O).
import type { IndexComparison, VerificationFacts } from '../record.js';
import type { IndexChecks } from '../verify/index-checks.js';
import { formatCount, inlineHtml, plural } from '../util/format.js';

const FOLD_ROWS = 25;
/** Differences listed per index before the rest is only counted. */
const LISTED_PER_INDEX = 20;

function row(cells: string[], header = false): string {
  const tag = header ? 'th' : 'td';
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
}

const code = (s: string) => `<code>${inlineHtml(s)}</code>`;

function definitionsCell(c: IndexChecks): string {
  if (c.definitions.length === 0) return '✅ aliases, mappings, settings';
  const by = (k: string) => c.definitions.filter((d) => d.kind === k).length;
  const parts = [
    ['alias', 'alias', 'aliases'],
    ['mapping', 'mapping path', 'mapping paths'],
    ['setting', 'setting', 'settings'],
  ]
    .filter(([k]) => by(k!) > 0)
    .map(([k, one, many]) => plural(by(k!), one!, many));
  return `❌ ${parts.join(', ')} ${c.definitions.length === 1 ? 'differs' : 'differ'}`;
}

function contentCell(c: IndexChecks): string {
  const k = c.content;
  if (k.sample === 0) return '⚪ not checked (verify-sample: 0)';
  const what = `${plural(k.compared, 'document')}${k.sample === 'all' ? ' (all)' : ''}`;
  const disabled = k.sourceDisabled ? ' (no _source: id and routing only)' : '';
  return k.mismatchCount
    ? `❌ ${formatCount(k.mismatchCount)} of ${what} differ${disabled}`
    : `✅ ${what} equal${disabled}`;
}

function historyCell(c: IndexChecks): string {
  const h = c.history;
  if (!h.compared) return `⚪ not compared: ${inlineHtml(h.why)}`;
  return h.differs ? `❌ ${inlineHtml(h.differs)}` : '✅ max_seq_no equal on every primary';
}

const failed = (c: IndexChecks) =>
  c.definitions.length > 0 || c.content.mismatchCount > 0 || (c.history.compared && !!c.history.differs);

/** One row per index with checks: definitions, content, history. */
export function checksTable(v: VerificationFacts): string {
  const rows = v.indices.filter((c): c is IndexComparison & { checks: IndexChecks } => c.checks !== undefined);
  if (rows.length === 0) return '';
  const header = row(['Index', 'Definitions', 'Documents by id', 'History'], true);
  const toRow = (c: IndexComparison & { checks: IndexChecks }) =>
    row([code(c.sourceIndex), definitionsCell(c.checks), contentCell(c.checks), historyCell(c.checks)]);
  const bad = rows.filter((c) => failed(c.checks));
  const good = rows.filter((c) => !failed(c.checks));
  const fold = good.length > FOLD_ROWS;
  const out = ['<table>', header, ...bad.map(toRow), ...(fold ? [] : good.map(toRow)), '</table>'];
  if (fold)
    out.push(
      '<details>',
      `<summary>✅ ${plural(good.length, 'index', 'indices')} pass every check</summary>`,
      '<table>',
      header,
      ...good.map(toRow),
      '</table>',
      '</details>',
    );
  return out.join('\n');
}

function differenceLines(c: IndexChecks): string[] {
  const lines = c.definitions.map(
    (d) => `${d.kind} ${code(d.name)}: expected ${code(d.expected)}, found ${code(d.found)}`,
  );
  for (const m of c.content.mismatches)
    lines.push(`document ${code(m.id)}${m.routing !== undefined ? ` (routing ${code(m.routing)})` : ''}: ${m.problem}`);
  const unlisted = c.content.mismatchCount - c.content.mismatches.length;
  if (unlisted > 0) lines.push(`… ${plural(unlisted, 'more document')} differ`);
  if (c.history.compared && c.history.differs) lines.push(`history: ${inlineHtml(c.history.differs)}`);
  return lines;
}

/** Every difference, per index; an index with many is folded. Empty when there are none. */
export function differencesBlock(v: VerificationFacts): string {
  const blocks: string[] = [];
  for (const c of v.indices) {
    if (!c.checks || !failed(c.checks)) continue;
    const lines = differenceLines(c.checks);
    const shown = lines.slice(0, LISTED_PER_INDEX);
    const rest = lines.length - shown.length;
    const list = `<ul>${shown.map((l) => `<li>${l}</li>`).join('')}${rest > 0 ? `<li><i>… ${formatCount(rest)} more</i></li>` : ''}</ul>`;
    const title = `${code(c.sourceIndex)}${c.targetIndex !== c.sourceIndex ? ` → ${code(c.targetIndex)}` : ''}: ${plural(lines.length, 'difference')}`;
    blocks.push(
      lines.length > 5 ? `<details>\n<summary>${title}</summary>\n${list}\n</details>` : `<p>${title}</p>\n${list}`,
    );
  }
  return blocks.join('\n');
}
