// The phase table's detail lines for the phases whose findings want sizes, counts and durations written
// for people: main renders them from what the phase returned, so phases stay free of formatting.
import type { IndexSelection } from '../indices.js';
import type { CopyFacts, CutoverFacts, HeadStartFacts, PreflightFindings, VerificationFacts } from '../record.js';
import { formatBytes, formatCount, formatDuration, plural } from '../util/format.js';

export function preflightDetails(found: PreflightFindings, selection: IndexSelection): string[] {
  const { source, target } = found.engines;
  const rows = found.checks;
  const warned = rows.filter((r) => r.result === 'warn').length;
  const p = found.forecast;
  const details = [
    `source ${source?.engine} ${source?.version}, target ${target?.engine} ${target?.version}`,
    `${plural(rows.length, 'check')}: ${formatCount(rows.filter((r) => r.result === 'pass').length)} passed${warned ? `, ${formatCount(warned)} warned` : ''}`,
    `${plural(selection.migrate.length, 'index', 'indices')}${selection.streams.length ? ` and ${plural(selection.streams.length, 'data stream')}` : ''} to migrate${selection.excluded.length ? `, ${plural(selection.excluded.length, 'system index', 'system indices')} excluded` : ''}` +
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
  const head = facts.headStart;
  return [
    `${formatCount(facts.copied)} of ${plural(facts.listed, 'object')} copied (${formatBytes(facts.bytesCopied)} of ${formatBytes(facts.bytesTotal)}), ${formatCount(facts.reusedObjects)} already there, ${formatCount(facts.multipart)} multipart`,
    ...(head ? [`${formatCount(head.objects)} of them (${formatBytes(head.bytes)}) while the snapshot ran`] : []),
    ...(facts.tailMs !== undefined ? [copyTailLine(facts)] : []),
    `manifest: every key and size matches${facts.retries ? `; ${plural(facts.retries, 'retry', 'retries')}` : ''}`,
  ];
}

/** e.g. "copy tail after the snapshot ended: 1.2 s, 2.5% of the bytes (52 MiB of 2.0 GiB)" — the benchmark reads it. */
export function copyTailLine(facts: CopyFacts): string {
  const tail = facts.tailBytes ?? facts.bytesCopied;
  const share = facts.bytesCopied > 0 ? (100 * tail) / facts.bytesCopied : 0;
  return `copy tail after the snapshot ended: ${((facts.tailMs ?? 0) / 1000).toFixed(1)} s, ${share.toFixed(1)}% of the bytes (${formatBytes(tail)} of ${formatBytes(facts.bytesCopied)})`;
}

export function headStartLine(h: HeadStartFacts): string {
  return `copy head start: ${h.objects} objects (${formatBytes(h.bytes)}) copied while the snapshot ran, in ${h.passes} passes`;
}

/** `finalSnapshot`: the name of the write-blocked snapshot changed indices are restored from. */
export function cutoverDetails(facts: CutoverFacts, finalSnapshot: string): string[] {
  const passes = facts.catchUp ?? [];
  const total = facts.changed.length + facts.unchanged.length;
  const details: string[] = [];
  if (passes.length)
    details.push(
      `${plural(passes.length, 'catch-up pass', 'catch-up passes')} before the write block: ${passes.map((p) => `${plural(p.changed.length, 'index', 'indices')} in ${formatDuration(p.ms)}`).join(', ')}`,
    );
  details.push(
    facts.changed.length
      ? `${formatCount(facts.changed.length)} of ${plural(total, 'index', 'indices')} changed since phase 1: ${formatCount(facts.replayed?.length ?? 0)} replayed (${plural(
          (facts.replayed ?? []).reduce((n, r) => n + r.documents, 0),
          'document',
        )}), ${formatCount(facts.restoredInWindow?.length ?? 0)} restored from ${finalSnapshot}`
      : `none of ${plural(total, 'index', 'indices')} changed since phase 1: nothing to move`,
  );
  if (facts.copy && !facts.copy.skipped)
    details.push(
      `${plural(facts.copy.copied, 'new object')} copied, ${formatCount(facts.copy.reusedObjects)} already there`,
    );
  if (facts.staleSnapshotsDeleted)
    details.push(`stale snapshots of an earlier attempt taken again: ${facts.staleSnapshotsDeleted.join(', ')}`);
  details.push(`inside the write block: ${facts.steps.map((s) => `${s.step} ${formatDuration(s.ms)}`).join(', ')}`);
  return details;
}

export function verifyDetails(facts: VerificationFacts): string[] {
  const compared = facts.indices.filter((r) => r.status !== 'excluded').length;
  const m = facts.mismatched;
  return [
    m.length === 0
      ? `${plural(compared, 'index matches', 'indices match')}: ${plural(facts.sourceTotal, 'document')} on each side, aliases equal`
      : `${formatCount(m.length)} of ${plural(compared, 'index', 'indices')} differ: ${m.slice(0, 10).join(', ')}${m.length > 10 ? ', …' : ''}`,
  ];
}
