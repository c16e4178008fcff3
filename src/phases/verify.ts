// Phase 6: proof. Both sides refreshed, then per index: the top-level document count; the definitions
// (aliases with filter, routing and write flag, mappings, settings after the restore's overrides); a
// content check of documents fetched by id from both sides; and, with the source write-blocked, each
// primary's max_seq_no. The patterns are resolved again at the end: an index that appeared during the
// run was not migrated, and fails the verification rather than go unseen. System indices appear in the
// table as excluded, never as silently missing.
import type { RunContext } from '../context.js';
import { selectIndices } from '../indices.js';
import type { CutoverFacts, IndexComparison, VerificationFacts } from '../record.js';
import { checkIndices, checksProblem } from '../verify/index-checks.js';
import { resolveStreams } from '../search/streams.js';

/** Counting is one request per index; a few at a time keeps a large domain from queueing them all. */
const COUNT_CONCURRENCY = 8;

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const countOrNull = (p: Promise<number>) => p.catch(() => null);

/**
 * Source indices (and, when the run migrates streams, data streams) matching the patterns now that were
 * not in the plan: they appeared during the run (a rollover, tomorrow's daily index) and were not migrated.
 */
async function appearedDuringRun(ctx: RunContext): Promise<string[]> {
  const { config, source } = ctx;
  const plan = ctx.selection!;
  const planned = new Set([...plan.migrate.map((m) => m.source), ...plan.excluded]);
  const now = selectIndices(
    (await source.domain.resolveIndices(config.indices)).indices.map((i) => i.index),
    config.rename,
  );
  const appeared = now.migrate.map((m) => m.source).filter((s) => !planned.has(s));
  if (plan.streams) {
    const known = new Set(plan.streams.map((s) => s.source));
    const { streams } = await resolveStreams(source.domain, config.indices);
    for (const d of streams) if (!known.has(d.name)) appeared.push(d.name);
  }
  return appeared;
}

/** `found.replayed`: indices the cut-over replayed documents into (their history is the target's own). */
export async function verifyPhase(
  ctx: RunContext,
  found: { replayed?: CutoverFacts['replayed'] } = {},
): Promise<{ facts: VerificationFacts; details: string[] }> {
  const { source, target, config } = ctx;
  const plan = ctx.selection!;
  const sources = plan.migrate.map((m) => m.source);
  const targets = plan.migrate.map((m) => m.target);
  const presentOnTarget = new Set((await target.domain.existingIndices(targets)).map((r) => r.index));

  await Promise.all([
    source.domain.refresh(sources),
    presentOnTarget.size ? target.domain.refresh([...presentOnTarget]) : undefined,
  ]);
  const [sourceAliases, targetAliases] = await Promise.all([
    source.domain.aliases(sources),
    target.domain.aliases([...presentOnTarget]),
  ]);
  const checks = await checkIndices({
    source: source.domain,
    target: target.domain,
    entries: plan.migrate.filter((m) => presentOnTarget.has(m.target)),
    overrides: {
      indexSettings: config.indexSettings,
      ignoreIndexSettings: config.ignoreIndexSettings,
      includeAliases: config.includeAliases,
      writeBlock: config.writeBlock,
    },
    sample: config.verifySample,
    seed: Math.floor(Math.random() * 2 ** 31),
    replayed: new Map((found.replayed ?? []).map((r) => [r.source, r.since])),
    signal: ctx.signal,
  });

  const rows = await mapLimit(plan.migrate, COUNT_CONCURRENCY, async (m): Promise<IndexComparison> => {
    const onTarget = presentOnTarget.has(m.target);
    const [sourceCount, targetCount] = await Promise.all([
      countOrNull(source.domain.count(m.source)),
      onTarget ? countOrNull(target.domain.count(m.target)) : Promise.resolve(null),
    ]);
    const sa = sourceAliases.get(m.source) ?? [];
    const ta = targetAliases.get(m.target) ?? [];
    const c = checks.get(m.source);
    // Without include-aliases the target is expected to have none of the source's aliases.
    const expectedAliases = config.includeAliases ? sa : [];
    const aliasesMatch =
      onTarget &&
      JSON.stringify(expectedAliases) === JSON.stringify(ta) &&
      !(c?.definitions ?? []).some((d) => d.kind === 'alias');
    const problem = c && checksProblem(c);
    const status = !onTarget
      ? 'missing'
      : sourceCount !== null && sourceCount === targetCount && aliasesMatch && !problem
        ? 'match'
        : 'mismatch';
    const notes = [
      ...(!onTarget ? ['not on the target'] : []),
      ...(onTarget && sourceCount !== targetCount ? ['counts differ'] : []),
      ...(problem ? [problem] : !aliasesMatch && onTarget ? ['aliases differ'] : []),
    ];
    return {
      sourceIndex: m.source,
      targetIndex: m.target,
      sourceCount,
      targetCount,
      status,
      sourceAliases: sa,
      targetAliases: ta,
      aliasesMatch,
      ...(notes.length ? { note: notes.join('; ') } : {}),
      ...(c ? { checks: c } : {}),
    };
  });
  // Data streams get their own rows (documents, generations, write index, template) from streams/verify.ts,
  // joined to these facts by main (withStreams); here they only count as patterns resolved again below.
  const streams: IndexComparison[] = [];
  for (const index of plan.excluded) {
    rows.push({
      sourceIndex: index,
      targetIndex: index,
      sourceCount: null,
      targetCount: null,
      status: 'excluded',
      sourceAliases: [],
      targetAliases: [],
      aliasesMatch: true,
      note: 'system index: never migrated',
    });
  }
  const appeared = await appearedDuringRun(ctx);
  for (const index of appeared) {
    rows.push({
      sourceIndex: index,
      targetIndex: index,
      sourceCount: await countOrNull(source.domain.count(index)),
      targetCount: null,
      status: 'appeared',
      sourceAliases: [],
      targetAliases: [],
      aliasesMatch: true,
      note: 'appeared on the source during the run: not migrated; run again to include it',
    });
  }

  const compared = rows.filter((r) => r.status !== 'excluded');
  const mismatched = [...compared, ...streams].filter((r) => r.status !== 'match').map((r) => r.sourceIndex);
  rows.push(...streams);
  // Totals are the migrated indices' documents: an index that appeared was not migrated.
  const migrated = compared.filter((r) => r.status !== 'appeared');
  const sourceTotal = migrated.reduce((n, r) => n + (r.sourceCount ?? 0), 0);
  const targetTotal = migrated.reduce((n, r) => n + (r.targetCount ?? 0), 0);
  const documents = [...checks.values()].reduce((n, c) => n + c.content.compared, 0);
  const differing = [...checks.values()].reduce((n, c) => n + c.content.mismatchCount, 0);
  const historyCompared = [...checks.values()].filter((c) => c.history.compared).length;
  return {
    facts: {
      verified: mismatched.length === 0,
      indices: rows,
      sourceTotal,
      targetTotal,
      mismatched,
      sample: config.verifySample,
      appeared,
    },
    details: [
      mismatched.length === 0
        ? `${migrated.length} indices${streams.length ? ` and ${streams.length} data streams` : ''} match: ${sourceTotal} documents on each side; aliases, mappings and settings as expected`
        : `${mismatched.length} of ${compared.length + streams.length} indices${streams.length ? ' and streams' : ''} differ or appeared: ${mismatched.slice(0, 10).join(', ')}${mismatched.length > 10 ? ', …' : ''}`,
      `content: ${documents} documents compared by id and hash${differing ? `, ${differing} differ` : ', all equal'}`,
      historyCompared
        ? `history: max_seq_no of every primary compared on ${historyCompared} write-blocked ${historyCompared === 1 ? 'index' : 'indices'}`
        : 'history: not compared (the source was not write-blocked)',
      ...(appeared.length ? [`appeared during the run, not migrated: ${appeared.slice(0, 10).join(', ')}`] : []),
    ],
  };
}
