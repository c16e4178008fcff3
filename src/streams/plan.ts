// Which data streams a migration moves and what they are called on the target: pure rules, no I/O.
// A data stream is migrated by its name — the snapshot takes it with its backing indices, the restore
// re-creates it — so its `.ds-` backing indices are the stream's, never separate indices and never
// "system" ones. A restore renames a stream like an index, and its backing indices follow the new name
// (`.ds-<new name>-<generation>`, measured on OpenSearch 3.8).
import { targetName } from '../indices.js';

/** A data stream as the source's `_resolve/index` names it. */
export interface ResolvedStream {
  name: string;
  backingIndices: string[];
  timestampField: string;
}

/** One data stream the run migrates. */
export interface StreamPlanEntry {
  source: string;
  target: string;
  /** Backing indices on the source at plan time, oldest first (the last is the write index). */
  backingIndices: string[];
  timestampField: string;
}

/** Streams the patterns reached (names starting with a dot are the cluster's own, as for indices). */
export function planStreams(
  resolved: readonly ResolvedStream[],
  rename?: { pattern: string; replacement: string },
): { streams: StreamPlanEntry[]; excluded: string[] } {
  const streams: StreamPlanEntry[] = [];
  const excluded: string[] = [];
  const seen = new Set<string>();
  for (const s of [...resolved].sort((a, b) => a.name.localeCompare(b.name))) {
    if (seen.has(s.name)) continue;
    seen.add(s.name);
    if (s.name.startsWith('.')) excluded.push(s.name);
    else
      streams.push({
        source: s.name,
        target: targetName(s.name, rename),
        backingIndices: [...s.backingIndices],
        timestampField: s.timestampField,
      });
  }
  return { streams, excluded };
}

/** Every backing index of these streams: they travel with their stream, so they are no index of their own. */
export function backingIndicesOf(streams: readonly { backingIndices: readonly string[] }[]): Set<string> {
  return new Set(streams.flatMap((s) => s.backingIndices));
}

/** The name a restore gives a backing index when it restores its stream under another name. */
export function targetBackingIndex(backing: string, sourceStream: string, targetStream: string): string {
  const prefix = `.ds-${sourceStream}-`;
  return backing.startsWith(prefix) ? `.ds-${targetStream}-${backing.slice(prefix.length)}` : backing;
}

/** Streams named explicitly in `indices` (no wildcard, not an exclusion). */
export function namedStreams(patterns: readonly string[], resolved: readonly ResolvedStream[]): string[] {
  const names = new Set(resolved.map((s) => s.name));
  return patterns.filter((p) => !p.startsWith('-') && !p.includes('*') && names.has(p));
}
