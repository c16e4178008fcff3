// The two metadata inputs, checked: `metadata` (create | overwrite | skip) and `metadata-include` (name
// patterns, `-` excludes). Pure: inputs.ts hands over the raw values and a way to record a problem.
import type { MetadataMode } from '../metadata/plan.js';

export interface MetadataOptions {
  mode: MetadataMode;
  /** Name patterns; an item is carried over when one matches and no `-` exclusion does. */
  include: string[];
}

const MODES: readonly MetadataMode[] = ['create', 'overwrite', 'skip'];

export function metadataOptions(
  raw: { mode: string; include: string[] },
  defaults: { mode: MetadataMode; include: string },
  names: { mode: string; include: string },
  problem: (input: string, wrong: string, fix: string) => void,
): MetadataOptions {
  const value = raw.mode.trim().toLowerCase();
  let mode = defaults.mode;
  if (value !== '') {
    if ((MODES as readonly string[]).includes(value)) mode = value as MetadataMode;
    else
      problem(
        names.mode,
        `${JSON.stringify(raw.mode)} is not a metadata mode`,
        'write create (add what the target lacks, the default), overwrite (also replace what differs) or skip',
      );
  }
  const include: string[] = [];
  for (const entry of raw.include) {
    const pattern = entry.startsWith('-') ? entry.slice(1).trim() : entry;
    if (pattern === '' || /[\\/?"<>| ,#]/.test(pattern))
      problem(
        names.include,
        `${JSON.stringify(entry)} is not a name pattern`,
        'write names or * patterns like logs-*, orders-pipeline, -test-* (default *)',
      );
    else include.push(entry.startsWith('-') ? `-${pattern}` : pattern);
  }
  if (!include.some((p) => !p.startsWith('-'))) include.unshift(defaults.include);
  return { mode, include };
}
