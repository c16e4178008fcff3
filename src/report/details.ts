// The phase table's detail lines for the phases whose findings want sizes, counts and durations written
// for people: main renders them from what the phase returned, so phases stay free of formatting.
import type { IndexSelection } from '../indices.js';
import type { CopyFacts, CutoverFacts, PreflightFindings } from '../record.js';
import { formatBytes, formatCount, formatDuration } from './format.js';

export function preflightDetails(found: PreflightFindings, selection: IndexSelection): string[] {
  const { source, target } = found.engines;
  const rows = found.checks;
  const warned = rows.filter((r) => r.result === 'warn').length;
  const p = found.forecast;
  const details = [
    `source ${source?.engine} ${source?.version}, target ${target?.engine} ${target?.version}`,
    `${rows.length} checks: ${rows.filter((r) => r.result === 'pass').length} passed${warned ? `, ${warned} warned` : ''}`,
    `${selection.migrate.length} indices to migrate${selection.excluded.length ? `, ${selection.excluded.length} system indices excluded` : ''}` +
      (p ? ` (${formatCount(p.snapshot.documents)} documents, ${formatBytes(p.snapshot.primaryBytes)})` : ''),
  ];
  if (p && !p.copy.skipped)
    details.push(
      `copy ≈ ${formatCount(p.copy.objectsEstimate)} objects, ${formatBytes(p.copy.bytesEstimate)}, ~${formatDuration(p.copy.estimatedMs)}`,
    );
  return details;
}

export function copyDetails(facts: CopyFacts): string[] {
  if (facts.skipped) return [facts.reason ?? 'nothing to copy'];
  return [
    `${facts.copied} of ${facts.listed} objects copied (${formatBytes(facts.bytesCopied)} of ${formatBytes(facts.bytesTotal)}), ${facts.reusedObjects} already there, ${facts.multipart} multipart`,
    `manifest: every key and size matches${facts.retries ? `; ${facts.retries} retries` : ''}`,
  ];
}

/** `finalSnapshot`: the name of the write-blocked snapshot changed indices are restored from. */
export function cutoverDetails(facts: CutoverFacts, finalSnapshot: string): string[] {
  const passes = facts.catchUp ?? [];
  const total = facts.changed.length + facts.unchanged.length;
  const details: string[] = [];
  if (passes.length)
    details.push(
      `${passes.length} catch-up ${passes.length === 1 ? 'pass' : 'passes'} before the write block: ${passes.map((p) => `${p.changed.length} indices in ${formatDuration(p.ms)}`).join(', ')}`,
    );
  details.push(
    facts.changed.length
      ? `${facts.changed.length} of ${total} indices changed since phase 1: ${facts.replayed?.length ?? 0} replayed (${(facts.replayed ?? []).reduce((n, r) => n + r.documents, 0)} documents), ${facts.restoredInWindow?.length ?? 0} restored from ${finalSnapshot}`
      : `none of ${total} indices changed since phase 1: nothing to move`,
  );
  if (facts.copy && !facts.copy.skipped)
    details.push(`${facts.copy.copied} new objects copied, ${facts.copy.reusedObjects} already there`);
  if (facts.staleSnapshotsDeleted)
    details.push(`stale snapshots of an earlier attempt taken again: ${facts.staleSnapshotsDeleted.join(', ')}`);
  details.push(`inside the write block: ${facts.steps.map((s) => `${s.step} ${formatDuration(s.ms)}`).join(', ')}`);
  return details;
}
