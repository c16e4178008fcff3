// How a run ends, whatever happened before: the write block lifted (or kept after a verified cut-over),
// the outputs and the whole job summary written from the record, and the step's conclusion.
import * as core from '@actions/core';
import type { MigrationConfig } from './config.js';
import type { RunContext } from './context.js';
import type { ResumeFacts, RunRecord } from './record.js';
import { failStep } from './annotations.js';
import { keepWriteBlock, liftWriteBlock } from './phases/write-block.js';
import { plural } from './util/format.js';
import { buildOutputs } from './report/outputs.js';
import { renderSummary } from './report/summary.js';
import { PHASE_LABELS } from './report/tables.js';
import { actionStateStore } from './state-store.js';
import { writeWholeSummary } from './step-summary.js';

/** Lifts the write block (or keeps it after a verified cut-over, when asked); never throws. */
export async function endWriteBlock(
  record: RunRecord,
  ctx: RunContext | undefined,
  config: MigrationConfig,
): Promise<void> {
  const wb = record.writeBlock;
  if (!wb || wb.state !== 'active' || !ctx) return;
  if (config.keepWriteBlock && record.verification?.verified && !record.error) {
    keepWriteBlock(wb, actionStateStore);
    core.info(`write block kept on ${wb.indices.length} source indices (keep-write-block)`);
    return;
  }
  try {
    await liftWriteBlock(ctx.source.domain, wb, actionStateStore);
    core.info(`write block lifted from ${wb.indices.length} source indices`);
  } catch (err) {
    wb.state = 'left';
    core.warning(`could not lift the write block now (${(err as Error).message}); the post step will try again`);
  }
}

export function setOutputs(record: RunRecord): void {
  for (const [name, value] of Object.entries(buildOutputs(record))) core.setOutput(name, value);
}

export const writeSummary = (record: RunRecord): Promise<void> => writeWholeSummary(renderSummary(record));

export function conclude(record: RunRecord, config: MigrationConfig): void {
  if (record.error) {
    const failed = record.phases.find((p) => p.status === 'failed');
    failStep(record.error, failed ? `${PHASE_LABELS[failed.name]} failed` : 'Migration failed');
    return;
  }
  const v = record.verification;
  const failedCleanup = record.cleanup?.find((s) => s.result === 'failed');
  if (failedCleanup) core.warning(`clean-up stopped at "${failedCleanup.step}": ${failedCleanup.detail}`);
  if (v && !v.verified) {
    const message = `verification failed: ${plural(v.mismatched.length, 'index', 'indices')} differ between source and target or appeared during the run (${v.mismatched.slice(0, 10).join(', ')}); see the job summary`;
    if (config.failOnMismatch) failStep(message, 'Verification failed');
    else core.warning(`${message} (fail-on-mismatch is off)`);
  } else if (v) {
    core.info(
      `verified: ${plural(v.indices.filter((i) => i.status === 'match').length, 'index', 'indices')}, ${plural(v.targetTotal, 'document')} on both sides`,
    );
  }
}

/** What this attempt found from an earlier attempt of the same workflow run and reused. */
export function resumeFacts(record: RunRecord): ResumeFacts | undefined {
  const s = record.snapshot;
  const snapshots = s?.reused ? [{ name: s.snapshot, state: s.foundState ?? s.state }] : [];
  const indices = record.restore?.kept ?? [];
  if (snapshots.length === 0 && indices.length === 0) return undefined;
  return { snapshots, objects: record.copy?.reusedObjects ?? 0, indices };
}
