// Phase 6: proof. Both sides refreshed, then per index the top-level document count and the alias names,
// source against target. System indices appear in the table as excluded, never as silently missing.
import type { RunContext } from '../context.js';
import type { IndexComparison, VerificationFacts } from '../record.js';

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

export async function verifyPhase(ctx: RunContext): Promise<{ facts: VerificationFacts; details: string[] }> {
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

  const rows = await mapLimit(plan.migrate, COUNT_CONCURRENCY, async (m): Promise<IndexComparison> => {
    const onTarget = presentOnTarget.has(m.target);
    const [sourceCount, targetCount] = await Promise.all([
      countOrNull(source.domain.count(m.source)),
      onTarget ? countOrNull(target.domain.count(m.target)) : Promise.resolve(null),
    ]);
    const sa = sourceAliases.get(m.source) ?? [];
    const ta = targetAliases.get(m.target) ?? [];
    // Without include-aliases the target is expected to have none of the source's aliases.
    const expectedAliases = config.includeAliases ? sa : [];
    const aliasesMatch = onTarget && JSON.stringify(expectedAliases) === JSON.stringify(ta);
    const status = !onTarget
      ? 'missing'
      : sourceCount !== null && sourceCount === targetCount && aliasesMatch
        ? 'match'
        : 'mismatch';
    return {
      sourceIndex: m.source,
      targetIndex: m.target,
      sourceCount,
      targetCount,
      status,
      sourceAliases: sa,
      targetAliases: ta,
      aliasesMatch,
      note: !onTarget
        ? 'not on the target'
        : !aliasesMatch
          ? `aliases differ: source [${expectedAliases.join(', ')}], target [${ta.join(', ')}]`
          : undefined,
    };
  });
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

  const compared = rows.filter((r) => r.status !== 'excluded');
  const mismatched = compared.filter((r) => r.status !== 'match').map((r) => r.sourceIndex);
  const sourceTotal = compared.reduce((n, r) => n + (r.sourceCount ?? 0), 0);
  const targetTotal = compared.reduce((n, r) => n + (r.targetCount ?? 0), 0);
  return {
    facts: { verified: mismatched.length === 0, indices: rows, sourceTotal, targetTotal, mismatched },
    details: [
      mismatched.length === 0
        ? `${compared.length} indices match: ${sourceTotal} documents on each side, aliases equal`
        : `${mismatched.length} of ${compared.length} indices differ: ${mismatched.slice(0, 10).join(', ')}${mismatched.length > 10 ? ', …' : ''}`,
    ],
  };
}
