// The preflight's rows for data streams and cluster metadata: which streams move and whether the target
// has room for their names, and what the metadata phase will create, leave alone or find different.
// GET only, like every check.
import type { RunContext } from '../context.js';
import type { IndexSelection } from '../indices.js';
import { KIND_LABELS } from '../metadata/kinds.js';
import { metadataPlan } from '../metadata/apply.js';
import type { MetadataPlan } from '../metadata/plan.js';
import type { Forecast } from '../record.js';
import { plural } from '../util/format.js';
import { dataStreams, streamCount, streamsOwnedByRun } from '../search/streams.js';
import type { Checks } from './checks.js';

/** The streams' rows in the plan, with their documents and generations on the source now. */
export async function streamFacts(ctx: RunContext, plan: IndexSelection): Promise<NonNullable<Forecast['streams']>> {
  const onSource = await dataStreams(
    ctx.source.domain,
    plan.streams.map((s) => s.source),
  );
  const rows: NonNullable<Forecast['streams']> = [];
  for (const s of plan.streams) {
    const info = onSource.get(s.source);
    rows.push({
      stream: s.source,
      target: s.target,
      documents: await streamCount(ctx.source.domain, s.source, false),
      generations: info?.backingIndices.length ?? s.backingIndices.length,
      writeIndex: info?.backingIndices.at(-1) ?? s.backingIndices.at(-1) ?? '',
    });
  }
  return rows;
}

/** Streams cannot take the two-phase catch-up (its replay writes by id into backing indices), and their names must be free. */
export async function streamChecks(
  ctx: RunContext,
  plan: IndexSelection,
  ourSnapshots: string[],
  checks: Checks,
): Promise<void> {
  if (plan.streams.length === 0) return;
  const { config, target } = ctx;
  if (config.cutover === 'two-phase')
    checks.fail(
      'streams.cutover',
      'Data streams and the cut-over',
      `a two-phase cut-over cannot catch up data streams (${plan.streams.map((s) => s.source).join(', ')})`,
      'Migrate the streams with `cutover: one-phase` (with `write-block: true` for an exact copy), or exclude them from `indices` (e.g. "-logs-stream").',
    );
  const id = 'target.streams';
  const check = 'Target data stream names free';
  await checks.guard(id, check, async () => {
    const existing = [
      ...(
        await dataStreams(
          target.domain,
          plan.streams.map((s) => s.target),
        )
      ).values(),
    ];
    const { ours, foreign } = await streamsOwnedByRun(target.domain, existing, ourSnapshots);
    if (foreign.length && !config.overwriteExisting)
      checks.fail(
        id,
        check,
        `the target already has data stream${foreign.length === 1 ? '' : 's'} ${foreign.join(', ')}`,
        'Set overwrite-existing-indices: true to replace them (with their backing indices), or restore under other names with rename-pattern/rename-replacement.',
      );
    else if (foreign.length)
      checks.warn(
        id,
        check,
        `${foreign.join(', ')} exist on the target and are replaced (overwrite-existing-indices)`,
        'These target data streams and their backing indices are deleted before the restore.',
      );
    else
      checks.pass(
        id,
        check,
        `${plural(plan.streams.length, 'data stream')} free${ours.length ? `; ${ours.length} restored by an earlier attempt of this run (kept)` : ''}`,
      );
  });
}

/** What the metadata phase will do; a warning when items differ and will be left as the target has them. */
export async function metadataCheck(ctx: RunContext, checks: Checks): Promise<MetadataPlan | undefined> {
  const { config, source, target } = ctx;
  const id = 'metadata';
  const check = 'Cluster metadata (templates, pipelines, scripts)';
  if (config.metadata.mode === 'skip') {
    checks.skip(id, check, '`metadata: skip`: templates, pipelines and stored scripts are not carried over');
    return undefined;
  }
  let plan: MetadataPlan | undefined;
  await checks.guard(id, check, async () => {
    plan = (await metadataPlan(source.domain, target.domain, config.metadata)).plan;
    const by = (a: string) => plan!.items.filter((i) => i.action === a);
    const differs = by('differs');
    const found = [
      `${by('create').length} to create`,
      by('overwrite').length ? `${by('overwrite').length} to overwrite` : '',
      `${by('unchanged').length} already the same`,
      differs.length ? `${differs.length} differ and stay as the target has them` : '',
    ]
      .filter(Boolean)
      .join(', ');
    if (differs.length)
      checks.warn(
        id,
        check,
        `${found}: ${differs.map((d) => `${KIND_LABELS[d.kind]} ${d.name}`).join(', ')}`,
        'Set `metadata: overwrite` to replace them with the source’s, or leave them out with `metadata-include: "-<name>"`.',
      );
    else checks.pass(id, check, found);
  });
  return plan;
}
