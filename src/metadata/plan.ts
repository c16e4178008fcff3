// What the migration does with each item of cluster metadata: pure rules, no I/O. An item the target
// lacks is created; one it has with the same definition is left as it is; one it has with another
// definition is replaced only with `metadata: overwrite` — by default it is left alone and reported, since
// the target's version may be someone's deliberate change. The cluster's own items (names starting with a
// dot, items marked `_meta.managed`) are never carried over.
import { KIND_ORDER, type MetadataItem, type MetadataKind } from './kinds.js';

export type MetadataMode = 'create' | 'overwrite' | 'skip';

/** What happens to one item: planned, then (after the metadata phase) done. */
export type MetadataAction = 'create' | 'overwrite' | 'unchanged' | 'differs';
export type MetadataOutcome = 'created' | 'overwritten' | 'unchanged' | 'differs' | 'failed';

export interface MetadataPlanItem {
  kind: MetadataKind;
  name: string;
  action: MetadataAction;
}

export interface MetadataPlan {
  mode: MetadataMode;
  items: MetadataPlanItem[];
  /** Items left out: by the name filter, or as the cluster's own. */
  filteredOut: number;
  managed: number;
}

/** OpenSearch's simple match: only `*` is special. */
function simpleMatch(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** `metadata-include`: names or `*` patterns, a leading `-` excludes; an item is in when it matches an inclusion and no exclusion. */
export function includedByName(patterns: readonly string[], name: string): boolean {
  const include = patterns.filter((p) => !p.startsWith('-'));
  const exclude = patterns.filter((p) => p.startsWith('-')).map((p) => p.slice(1));
  return (
    (include.length === 0 || include.some((p) => simpleMatch(p, name))) && !exclude.some((p) => simpleMatch(p, name))
  );
}

/** The cluster's own: dot names (as for indices) and items their owner marked managed. */
export function isManagedItem(item: MetadataItem): boolean {
  const meta = (item.body as { _meta?: { managed?: unknown } })?._meta;
  return item.name.startsWith('.') || meta?.managed === true;
}

/** JSON with object keys sorted at every level, so two definitions compare by content, not key order. */
export function canonical(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return JSON.stringify(sort(value));
}

const key = (i: { kind: MetadataKind; name: string }) => `${i.kind}\u0000${i.name}`;

export function sameDefinition(a: MetadataItem, b: MetadataItem): boolean {
  return canonical(a.body) === canonical(b.body);
}

export function planMetadata(
  source: readonly MetadataItem[],
  target: readonly MetadataItem[],
  opts: { mode: MetadataMode; include: readonly string[] },
): MetadataPlan {
  if (opts.mode === 'skip') return { mode: 'skip', items: [], filteredOut: 0, managed: 0 };
  const onTarget = new Map(target.map((t) => [key(t), t]));
  const items: MetadataPlanItem[] = [];
  let filteredOut = 0;
  let managed = 0;
  for (const item of source) {
    if (isManagedItem(item)) {
      managed++;
      continue;
    }
    if (!includedByName(opts.include, item.name)) {
      filteredOut++;
      continue;
    }
    const there = onTarget.get(key(item));
    const action: MetadataAction = !there
      ? 'create'
      : sameDefinition(item, there)
        ? 'unchanged'
        : opts.mode === 'overwrite'
          ? 'overwrite'
          : 'differs';
    items.push({ kind: item.kind, name: item.name, action });
  }
  items.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
  return { mode: opts.mode, items, filteredOut, managed };
}
