// Cluster metadata, between the copy and the restore: the source's templates, pipelines and stored
// scripts written to the target first, so a restored index finds its default pipeline and a restored data
// stream the template it rolls over with. What differs on the target stays as it is unless
// `metadata: overwrite`; every item is reported. An item the target refuses stops the run here, before
// the restore, naming each one.
import type { RunContext } from '../context.js';
import { applyMetadata, type MetadataFacts } from '../metadata/apply.js';
import { KIND_LABELS } from '../metadata/kinds.js';
import { plural } from '../util/format.js';

export class MetadataError extends Error {
  override name = 'MetadataError';
}

export async function metadataPhase(ctx: RunContext): Promise<{ facts: MetadataFacts }> {
  const { config, source, target, log } = ctx;
  if (config.metadata.mode === 'skip') return { facts: { mode: 'skip', items: [], filteredOut: 0, managed: 0 } };
  const facts = await applyMetadata(source.domain, target.domain, config.metadata);
  const by = (o: string) => facts.items.filter((i) => i.outcome === o);
  const failed = by('failed');
  if (failed.length)
    throw new MetadataError(
      `the target refused ${plural(failed.length, 'metadata item')}; nothing was restored:\n${failed
        .map((f) => `  - ${KIND_LABELS[f.kind]} ${f.name}: ${f.error}`)
        .join('\n')}\nFix them on the target, or leave them out with \`metadata-include: "-<name>"\`.`,
    );
  const differs = by('differs');
  if (differs.length)
    log.warning(
      `left as the target has them (metadata: create): ${differs.map((d) => `${KIND_LABELS[d.kind]} ${d.name}`).join(', ')} differ from the source's; set metadata: overwrite to replace them`,
    );
  return { facts };
}
