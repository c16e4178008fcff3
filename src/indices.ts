// Which indices a migration moves and what they are called on the target: pure rules, no I/O.
// System indices (see constants.ts) are never migrated: the managed domain owns them.
import { isSystemIndex } from './constants.js';

export interface IndexSelection {
  /** source index → target index, in source order. */
  migrate: Array<{ source: string; target: string }>;
  /** System indices the patterns reached, listed in the summary as excluded. */
  excluded: string[];
}

export function targetName(index: string, rename?: { pattern: string; replacement: string }): string {
  // OpenSearch applies rename_pattern with Java's replaceAll; a global JS replace gives the same names
  // for the patterns users write ($1-style groups included).
  return rename ? index.replace(new RegExp(rename.pattern, 'g'), rename.replacement) : index;
}

export function selectIndices(resolved: string[], rename?: { pattern: string; replacement: string }): IndexSelection {
  const migrate: IndexSelection['migrate'] = [];
  const excluded: string[] = [];
  for (const index of [...new Set(resolved)].sort()) {
    if (isSystemIndex(index)) excluded.push(index);
    else migrate.push({ source: index, target: targetName(index, rename) });
  }
  return { migrate, excluded };
}

/** Target names that two or more source indices would be restored to. */
export function renameCollisions(plan: IndexSelection): Array<{ target: string; sources: string[] }> {
  const byTarget = new Map<string, string[]>();
  for (const { source, target } of plan.migrate) byTarget.set(target, [...(byTarget.get(target) ?? []), source]);
  return [...byTarget].filter(([, s]) => s.length > 1).map(([target, sources]) => ({ target, sources }));
}
