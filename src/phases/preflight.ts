// Phase 2: everything that can be known before the first write. Both domains answer; the patterns name
// user indices; renames don't collide; the target does not already hold those names (unless the user
// allows replacing them); both buckets exist. A failure here has touched nothing.
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { RunContext } from '../context.js';
import { planIndices, renameCollisions, type IndexPlan } from '../indices.js';

export class PreflightError extends Error {
  override name = 'PreflightError';
}

export interface PreflightOutcome {
  plan: IndexPlan;
  details: string[];
}

export async function preflightPhase(ctx: RunContext): Promise<PreflightOutcome> {
  const { config, source, target } = ctx;
  const [sourceInfo, targetInfo] = await Promise.all([source.domain.info(), target.domain.info()]);
  ctx.record.source.engine = sourceInfo.engine;
  ctx.record.source.version = sourceInfo.version;
  ctx.record.target.engine = targetInfo.engine;
  ctx.record.target.version = targetInfo.version;

  const { indices: resolved, aliases } = await source.domain.resolveIndices(config.indices);
  const plan = planIndices(
    resolved.map((r) => r.index),
    config.rename,
  );
  if (plan.migrate.length === 0) {
    throw new PreflightError(
      `\`indices\` (${config.indices.join(',')}) matches no user index on the source` +
        (plan.excluded.length ? ` (only system indices, which are never migrated: ${plan.excluded.join(', ')})` : '') +
        '. List the indices or patterns to migrate, e.g. `indices: "orders-*,products"`.',
    );
  }
  const missing = config.indices.filter((p) => !p.startsWith('-') && !p.includes('*') && !resolved.some((r) => r.index === p) && !aliases.includes(p));
  if (missing.length) {
    throw new PreflightError(`\`indices\` names ${missing.join(', ')}, which the source does not have (neither an index nor an alias). Fix the name or use a pattern.`);
  }
  const closed = resolved.filter((r) => !r.open && !plan.excluded.includes(r.index));
  if (closed.length) {
    throw new PreflightError(`closed source indices cannot be snapshotted: ${closed.map((c) => c.index).join(', ')}. Open them or exclude them in \`indices\` (e.g. "-${closed[0].index}").`);
  }
  const collisions = renameCollisions(plan);
  if (collisions.length) {
    throw new PreflightError(
      `\`rename-pattern\` maps several indices to one name: ${collisions.map((c) => `${c.sources.join(' + ')} → ${c.target}`).join('; ')}. Use a capture group in the pattern so every name stays distinct.`,
    );
  }

  const existing = await target.domain.existingIndices(plan.migrate.map((m) => m.target));
  const details = [
    `source ${sourceInfo.engine} ${sourceInfo.version}, target ${targetInfo.engine} ${targetInfo.version}`,
    `${plan.migrate.length} indices to migrate${plan.excluded.length ? `, ${plan.excluded.length} system indices excluded` : ''}`,
  ];
  if (existing.length) {
    details.push(`target already has ${existing.map((e) => e.index).join(', ')} (checked again before the restore)`);
  }

  for (const s of [source, target]) {
    await s.s3.send(new HeadBucketCommand({ Bucket: s.config.bucket })).catch((err: { name?: string; $metadata?: { httpStatusCode?: number } }) => {
      const status = err.$metadata?.httpStatusCode;
      const why = status === 404 ? 'does not exist' : status === 403 ? 'is not readable with these credentials' : `cannot be reached (${err.name})`;
      throw new PreflightError(`bucket ${s.config.bucket} (${s === source ? 'source-bucket' : 'target-bucket'}) ${why}.`);
    });
  }
  return { plan, details };
}
