// The action's outputs, as strings, from the run record (pure). main.ts hands each to core.setOutput.

import type { RunRecord } from '../record.js';
import { Outputs, type OutputName } from '../constants.js';
import { formatCount } from '../util/format.js';
import { PHASE_LABELS, isProblem } from './tables.js';
import { outcome, writeBlockMs } from './summary.js';

/** Source indices and data streams this run migrated: the verified ones, else the restored ones, else the snapshot's. */
function migratedIndices(record: RunRecord): string[] {
  const v = record.verification;
  if (v)
    return [
      ...v.indices
        .filter((c) => c.status !== 'excluded' && c.status !== 'appeared' && c.kind !== 'stream')
        .map((c) => c.sourceIndex),
      ...(v.streams ?? []).map((s) => s.sourceStream),
    ];
  if (record.restore) return record.restore.restored.map((r) => r.source);
  return record.snapshot?.indices ?? [];
}

/** One line for the `summary` output: what happened, in words a deployment log can show. */
export function summaryLine(record: RunRecord): string {
  const v = record.verification;
  switch (outcome(record)) {
    case 'verified':
      return `verified: ${formatCount(migratedIndices(record).length)} indices, ${formatCount(v!.targetTotal)} documents migrated and matching`;
    case 'mismatch':
      return `mismatch: ${formatCount(v!.indices.filter(isProblem).length)} of ${formatCount(migratedIndices(record).length)} indices differ (source ${formatCount(v!.sourceTotal)} documents, target ${formatCount(v!.targetTotal)})`;
    case 'failed': {
      const failed = record.phases.find((p) => p.status === 'failed');
      const error = (record.error ?? failed?.error ?? 'unknown error').split('\n')[0]!;
      const where = failed ? ` in ${PHASE_LABELS[failed.name].toLowerCase()}` : '';
      return `failed${where}: ${error.length > 200 ? `${error.slice(0, 199)}…` : error}`;
    }
    case 'cancelled':
      return `cancelled${v ? ' after verification' : ''}: ${(record.error ?? 'the run was cancelled').split('\n')[0]!}`;
    case 'plan':
      return 'plan: checks passed, nothing was changed';
    case 'incomplete':
      return 'incomplete: the run ended before verification';
  }
}

export function buildOutputs(record: RunRecord, now?: number): Record<OutputName, string> {
  const v = record.verification;
  return {
    [Outputs.Snapshot]: record.snapshot?.snapshot ?? '',
    [Outputs.Repository]: record.snapshot?.repository ?? '',
    // The one output a deployment gates on: a cancelled run is not verified, whatever its checks found.
    [Outputs.Verified]: String(v?.verified === true && !record.cancelled),
    [Outputs.SourceDocuments]: String(v?.sourceTotal ?? 0),
    [Outputs.TargetDocuments]: String(v?.targetTotal ?? 0),
    [Outputs.Indices]: JSON.stringify(migratedIndices(record)),
    [Outputs.MismatchedIndices]: JSON.stringify(v?.mismatched ?? []),
    [Outputs.CopiedObjects]: String(record.copy?.copied ?? 0),
    [Outputs.CopiedBytes]: String(record.copy?.bytesCopied ?? 0),
    // Milliseconds matter here: a two-phase cut-over's window is often under a second.
    [Outputs.WriteBlockSeconds]: String(writeBlockMs(record.writeBlock, now ?? record.endedAt) / 1000),
    [Outputs.Summary]: summaryLine(record),
    [Outputs.Checks]: JSON.stringify(record.checks ?? []),
    [Outputs.IamDocuments]: record.iamDocuments ? JSON.stringify(record.iamDocuments) : '',
  };
}
