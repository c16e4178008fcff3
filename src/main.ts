// The migration, phase by phase: credentials → preflight → (write block) → snapshot → copy → restore →
// verify. main owns the run record; the summary and the outputs are rendered from it in `finally`, so a
// failed run explains itself as well as a successful one.
import * as core from '@actions/core';
import type { MigrationConfig } from './config.js';
import type { Log, RunContext } from './context.js';
import { readInputs } from './inputs.js';
import type { PhaseName, RunRecord } from './record.js';
import { buildOutputs } from './report/outputs.js';
import { renderSummary } from './report/summary.js';
import { PHASE_LABELS, PHASE_ORDER } from './report/tables.js';
import { copyPhase } from './phases/copy.js';
import { credentialsPhase } from './phases/credentials.js';
import { preflightPhase } from './phases/preflight.js';
import { restorePhase } from './phases/restore.js';
import { snapshotPhase } from './phases/snapshot.js';
import { verifyPhase } from './phases/verify.js';
import { keepWriteBlock, liftWriteBlock, setWriteBlock } from './phases/write-block.js';

const log: Log = { info: (l) => core.info(l), warning: (l) => core.warning(l) };

/** Runs one phase inside a log group and records its outcome, success or failure. */
async function phase<T extends { details: string[] }>(record: RunRecord, name: PhaseName, fn: () => Promise<T>): Promise<T> {
  const startedAt = Date.now();
  core.startGroup(PHASE_LABELS[name]);
  try {
    const result = await fn();
    record.phases.push({ name, status: 'succeeded', startedAt, endedAt: Date.now(), details: result.details });
    result.details.forEach((d) => core.info(`✔ ${d}`));
    return result;
  } catch (err) {
    record.phases.push({ name, status: 'failed', startedAt, endedAt: Date.now(), details: [], error: (err as Error).message });
    throw err;
  } finally {
    core.endGroup();
  }
}

function newRecord(config: MigrationConfig): RunRecord {
  return {
    startedAt: Date.now(),
    mode: config.mode,
    source: { endpoint: config.source.endpoint, region: config.source.region },
    target: { endpoint: config.target.endpoint, region: config.target.region },
    phases: [],
  };
}

export async function run(): Promise<void> {
  let config: MigrationConfig;
  try {
    config = readInputs();
  } catch (err) {
    core.setFailed((err as Error).message);
    return;
  }
  const record = newRecord(config);
  const budget = AbortSignal.timeout(config.timeouts.totalMs);
  let ctx: RunContext | undefined;
  try {
    const sides = await phase(record, 'credentials', () => credentialsPhase(config));
    ctx = { config, record, source: sides.source, target: sides.target, log, signal: budget };
    const c = ctx;
    const preflight = await phase(record, 'preflight', () => preflightPhase(c));
    c.plan = preflight.plan;
    if (config.mode === 'plan') return;

    if (config.writeBlock) {
      record.writeBlock = await setWriteBlock(c.source.domain, c.plan.migrate.map((m) => m.source));
      core.info(`write block set on ${record.writeBlock.indices.length} source indices`);
    }
    record.snapshot = (await phase(record, 'snapshot', () => snapshotPhase(c))).facts;
    record.copy = (await phase(record, 'copy', () => copyPhase(c))).facts;
    record.restore = (await phase(record, 'restore', () => restorePhase(c))).facts;
    record.verification = (await phase(record, 'verify', () => verifyPhase(c))).facts;
  } catch (err) {
    const message = budget.aborted
      ? `the run used its whole time budget (timeout-minutes: ${config.timeouts.totalMs / 60_000}) during the ${record.phases.at(-1)?.name ?? 'first'} phase`
      : (err as Error).message;
    record.error = message;
  } finally {
    await endWriteBlock(record, ctx, config);
    record.endedAt = Date.now();
    for (const name of PHASE_ORDER) {
      if (!record.phases.some((p) => p.name === name)) {
        record.phases.push({ name, status: 'skipped', startedAt: record.endedAt, endedAt: record.endedAt, details: [config.mode === 'plan' ? 'plan mode: nothing is changed' : 'not reached'] });
      }
    }
    setOutputs(record);
    await writeSummary(record);
    conclude(record, config);
  }
}

/** Lifts the write block (or keeps it after a verified cut-over, when asked); never throws. */
async function endWriteBlock(record: RunRecord, ctx: RunContext | undefined, config: MigrationConfig): Promise<void> {
  const wb = record.writeBlock;
  if (!wb || wb.state !== 'active' || !ctx) return;
  if (config.keepWriteBlock && record.verification?.verified && !record.error) {
    keepWriteBlock(wb);
    core.info(`write block kept on ${wb.indices.length} source indices (keep-write-block)`);
    return;
  }
  try {
    await liftWriteBlock(ctx.source.domain, wb);
    core.info(`write block lifted from ${wb.indices.length} source indices`);
  } catch (err) {
    wb.state = 'left';
    core.warning(`could not lift the write block now (${(err as Error).message}); the post step will try again`);
  }
}

function setOutputs(record: RunRecord): void {
  for (const [name, value] of Object.entries(buildOutputs(record))) core.setOutput(name, value);
}

async function writeSummary(record: RunRecord): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(renderSummary(record)).write();
  } catch (err) {
    core.warning(`could not write the job summary: ${(err as Error).message}`);
  }
}

function conclude(record: RunRecord, config: MigrationConfig): void {
  if (record.error) {
    core.setFailed(record.error);
    return;
  }
  const v = record.verification;
  if (v && !v.verified) {
    const message = `verification failed: ${v.mismatched.length} indices differ between source and target (${v.mismatched.slice(0, 10).join(', ')}); see the job summary`;
    if (config.failOnMismatch) core.setFailed(message);
    else core.warning(`${message} (fail-on-mismatch is off)`);
  } else if (v) {
    core.info(`verified: ${v.indices.filter((i) => i.status === 'match').length} indices, ${v.targetTotal} documents on both sides`);
  }
}
