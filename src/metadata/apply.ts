// The metadata phase's work: the source's items read again (they may have changed since the plan),
// planned against the target, and written to the target in dependency order — before the restore, so a
// restored index finds its default pipeline and a restored data stream the template it rolls over with.
// Every item is tried; the ones that fail are named together.
import { readMetadata, writeItem, type MetadataItem, type MetadataKind } from './kinds.js';
import { planMetadata, type MetadataMode, type MetadataOutcome, type MetadataPlan } from './plan.js';
import type { Transport } from '../search/transport.js';

export interface MetadataResult {
  kind: MetadataKind;
  name: string;
  outcome: MetadataOutcome;
  error?: string;
}

export interface MetadataFacts {
  mode: MetadataMode;
  items: MetadataResult[];
  filteredOut: number;
  managed: number;
}

/** Reads both sides and plans (GET only): what the preflight shows and the metadata phase then does. */
export async function metadataPlan(
  source: Transport,
  target: Transport,
  opts: { mode: MetadataMode; include: readonly string[] },
): Promise<{ plan: MetadataPlan; sourceItems: MetadataItem[] }> {
  if (opts.mode === 'skip') return { plan: planMetadata([], [], opts), sourceItems: [] };
  const [sourceItems, targetItems] = await Promise.all([readMetadata(source), readMetadata(target)]);
  return { plan: planMetadata(sourceItems, targetItems, opts), sourceItems };
}

export async function applyMetadata(
  source: Transport,
  target: Transport,
  opts: { mode: MetadataMode; include: readonly string[] },
): Promise<MetadataFacts> {
  const { plan, sourceItems } = await metadataPlan(source, target, opts);
  const bodies = new Map(sourceItems.map((i) => [`${i.kind}\u0000${i.name}`, i]));
  const items: MetadataResult[] = [];
  // In order, one at a time: an index template names component templates written just before it.
  for (const p of plan.items) {
    if (p.action === 'unchanged' || p.action === 'differs') {
      items.push({ kind: p.kind, name: p.name, outcome: p.action });
      continue;
    }
    try {
      await writeItem(target, bodies.get(`${p.kind}\u0000${p.name}`)!);
      items.push({ kind: p.kind, name: p.name, outcome: p.action === 'create' ? 'created' : 'overwritten' });
    } catch (err) {
      items.push({ kind: p.kind, name: p.name, outcome: 'failed', error: (err as Error).message });
    }
  }
  return { mode: plan.mode, items, filteredOut: plan.filteredOut, managed: plan.managed };
}
