// The preflight's first question: which indices move. The rules: user indices only, names that exist,
// open, and distinct after renaming.
import type { SideName } from '../constants.js';
import type { RunContext } from '../context.js';
import { selectIndices, renameCollisions, type IndexSelection } from '../indices.js';
import { formatCount, plural } from '../util/format.js';
import type { Checks } from './checks.js';
import { explainDomainError } from './domains.js';
import { resolveStreams } from '../search/streams.js';
import { backingIndicesOf, planStreams, type ResolvedStream } from '../streams/plan.js';

export const principalFor = (ctx: RunContext, label: SideName) =>
  ctx[label].config.roleToAssume ?? ctx.config.credentials.roleToAssume ?? `the ${label} credentials`;

/** Which indices move: the existing rules (user indices only, names must exist, open, distinct after renaming). */
export async function indexSelection(
  ctx: RunContext,
  checks: Checks,
): Promise<{ selection: IndexSelection; aliases: string[] } | undefined> {
  const { config, source } = ctx;
  const id = 'source.indices';
  const check = 'Indices to migrate';
  let resolved: Array<{ index: string; open: boolean }>;
  let aliases: string[];
  let streams: ResolvedStream[];
  try {
    ({ indices: resolved, aliases } = await source.domain.resolveIndices(config.indices));
    ({ streams } = await resolveStreams(source.domain, config.indices));
  } catch (err) {
    const { found, fix } = explainDomainError(err, source, 'source', principalFor(ctx, 'source'));
    checks.fail(id, check, found, fix);
    return undefined;
  }
  // A data stream moves by its name, its backing indices with it: they are neither indices of their own nor system ones.
  const selectedStreams = planStreams(streams, config.rename);
  const backing = backingIndicesOf(selectedStreams.streams);
  resolved = resolved.filter((r) => !backing.has(r.index));
  const selection = selectIndices(
    resolved.map((r) => r.index),
    config.rename,
  );
  selection.streams = selectedStreams.streams;
  selection.excluded.push(...selectedStreams.excluded);
  if (selection.migrate.length === 0 && selection.streams.length === 0) {
    checks.fail(
      id,
      check,
      `\`indices\` (${config.indices.join(',')}) matches no user index on the source` +
        (selection.excluded.length
          ? ` (only system indices, which are never migrated: ${selection.excluded.join(', ')})`
          : ''),
      'List the indices or patterns to migrate, e.g. `indices: "orders-*,products"`.',
    );
    return undefined;
  }
  const missing = config.indices.filter(
    (p) =>
      !p.startsWith('-') &&
      !p.includes('*') &&
      !resolved.some((r) => r.index === p) &&
      !aliases.includes(p) &&
      !streams.some((s) => s.name === p),
  );
  if (missing.length) {
    checks.fail(
      id,
      check,
      `\`indices\` names ${missing.join(', ')}, which the source does not have (neither an index, an alias nor a data stream)`,
      'Fix the name or use a pattern.',
    );
    return undefined;
  }
  const closed = resolved.filter((r) => !r.open && !selection.excluded.includes(r.index));
  if (closed.length) {
    checks.fail(
      id,
      check,
      `closed source indices cannot be snapshotted: ${closed.map((c) => c.index).join(', ')}`,
      `Open them or exclude them in \`indices\` (e.g. "-${closed[0]!.index}").`,
    );
    return undefined;
  }
  const collisions = renameCollisions({
    ...selection,
    migrate: [...selection.migrate, ...selection.streams.map((s) => ({ source: s.source, target: s.target }))],
  });
  if (collisions.length) {
    checks.fail(
      id,
      check,
      `\`rename-pattern\` maps several indices to one name: ${collisions.map((c) => `${c.sources.join(' + ')} → ${c.target}`).join('; ')}`,
      'Use a capture group in the pattern so every name stays distinct.',
    );
    return undefined;
  }
  const renamed = selection.migrate.filter((m) => m.source !== m.target).length;
  checks.pass(
    id,
    check,
    `${plural(selection.migrate.length, 'index', 'indices')}${
      selection.streams.length
        ? ` and ${plural(selection.streams.length, 'data stream')} (${plural(
            selection.streams.reduce((n, s) => n + s.backingIndices.length, 0),
            'backing index',
            'backing indices',
          )})`
        : ''
    }${renamed ? ` (${formatCount(renamed)} renamed, e.g. ${selection.migrate.find((m) => m.source !== m.target)!.source} → ${selection.migrate.find((m) => m.source !== m.target)!.target})` : ''}${selection.excluded.length ? `; ${plural(selection.excluded.length, 'system index', 'system indices')} left out` : ''}`,
  );
  return { selection, aliases };
}
