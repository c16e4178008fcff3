// The migration, phase by phase: credentials → preflight → (write block) → snapshot → copy → restore →
// verify. A two-phase cut-over runs snapshot → copy → restore while the source still takes writes, then
// the cut-over phase (write block, catch-up of what changed) before verify. main owns the run record and
// the write block; the summary and the outputs are rendered from it in `finally`, so a failed or
// cancelled run explains itself as well as a successful one, and the block is lifted whatever happened.
import * as core from '@actions/core';
import type { MigrationConfig } from './config.js';
import type { Log, Progress, RunContext } from './context.js';
import { formatProgressLine } from './aws/copy/index.js';
import { readInputs } from './inputs/read-inputs.js';
import { retryTally } from './retry-tally.js';
import type { PhaseName, PreflightFindings, ResumeFacts, RunRecord } from './record.js';
import { copyDetails, cutoverDetails, preflightDetails } from './report/details.js';
import { buildOutputs } from './report/outputs.js';
import { cutoverStepLine, recoveryProgressLine, snapshotProgressLine } from './report/progress.js';
import { renderSummary } from './report/summary.js';
import { PHASE_LABELS, PHASE_ORDER } from './report/tables.js';
import { copyPhase } from './phases/copy.js';
import { credentialsPhase } from './phases/credentials.js';
import { cutoverPhase } from './phases/cutover.js';
import { preflightPhase } from './phases/preflight.js';
import { githubSubject, iamDocumentSet } from './iam/run-documents.js';
import { restorePhase } from './phases/restore.js';
import { finalSnapshotName, snapshotPhase } from './phases/snapshot.js';
import { verifyPhase } from './phases/verify.js';
import { keepWriteBlock, liftWriteBlock, setWriteBlock } from './phases/write-block.js';
import { actionStateStore } from './state-store.js';

const log: Log = { info: (l) => core.info(l), warning: (l) => core.warning(l) };

const progress: Progress = {
  snapshot: (p) => log.info(snapshotProgressLine(p)),
  restore: (p) => log.info(recoveryProgressLine(p)),
  copy: (p) => log.info(formatProgressLine(p)),
  step: (name, ms) => log.info(cutoverStepLine(name, ms)),
};

/** The phases that word their own details; the others' are rendered here from their facts (report/details.ts). */
const own = (result: { details: string[] }) => result.details;

class CancelledError extends Error {
  override name = 'CancelledError';
}

/**
 * A cancelled job gets SIGINT, then SIGTERM, before the runner kills it: abort the run's signal so the
 * waits stop and `finally` lifts the write block and writes the summary (the post step is the fallback).
 */
function cancellation(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    core.warning(`received ${signal}: stopping the run and lifting the write block`);
    controller.abort(new CancelledError(`the run was cancelled (${signal})`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => (process.off('SIGINT', onSignal), process.off('SIGTERM', onSignal)),
  };
}

/** What this attempt found from an earlier attempt of the same workflow run and reused. */
function resumeFacts(record: RunRecord): ResumeFacts | undefined {
  const s = record.snapshot;
  const snapshots = s?.reused ? [{ name: s.snapshot, state: s.foundState ?? s.state }] : [];
  const indices = record.restore?.kept ?? [];
  if (snapshots.length === 0 && indices.length === 0) return undefined;
  return { snapshots, objects: record.copy?.reusedObjects ?? 0, indices };
}

/** Runs one phase inside a log group and records its outcome (`details` words a success), success or failure. */
async function phase<T>(
  record: RunRecord,
  name: PhaseName,
  fn: () => Promise<T>,
  details: (result: T) => string[],
): Promise<T> {
  const startedAt = Date.now();
  core.startGroup(PHASE_LABELS[name]);
  try {
    const result = await fn();
    const lines = details(result);
    record.phases.push({ name, status: 'succeeded', startedAt, endedAt: Date.now(), details: lines });
    lines.forEach((d) => core.info(`✔ ${d}`));
    return result;
  } catch (err) {
    record.phases.push({
      name,
      status: 'failed',
      startedAt,
      endedAt: Date.now(),
      details: [],
      error: (err as Error).message,
    });
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
  const cancelled = cancellation();
  let ctx: RunContext | undefined;
  try {
    // The IAM documents from the inputs alone first, so a run refused at the credentials still hands them over.
    record.iamDocuments = iamDocumentSet(config, await githubSubject(config));
    const sides = await phase(record, 'credentials', () => credentialsPhase(config), own);
    ctx = {
      config,
      source: sides.source,
      target: sides.target,
      log,
      progress,
      signal: AbortSignal.any([budget, cancelled.signal]),
    };
    const c = ctx;
    // Every phase starts only if the run was not cancelled or out of time meanwhile.
    const next = <T>(name: PhaseName, fn: () => Promise<T>, details: (result: T) => string[]): Promise<T> => {
      c.signal.throwIfAborted();
      return phase(record, name, fn, details);
    };
    const found: PreflightFindings = {
      checks: [],
      engines: {},
      ...(record.iamDocuments ? { iamDocuments: record.iamDocuments } : {}),
    };
    record.checks = found.checks; // the same array: a run that stops midway still shows its rows
    try {
      c.selection = (
        await next(
          'preflight',
          () => preflightPhase(c, found),
          (r) => preflightDetails(found, r.selection),
        )
      ).selection;
    } finally {
      recordPreflight(record, found);
    }
    if (config.mode === 'plan') return;

    const twoPhase = config.cutover === 'two-phase';
    const migrated = c.selection.migrate.map((m) => m.source);
    const blockWrites = async () => {
      // Indices someone had already made read-only stay theirs: the run neither sets nor lifts those.
      const already = await c.source.domain.writeBlocked(migrated);
      if (already.length) core.info(`already write-blocked before the run, left as they are: ${already.join(', ')}`);
      // In the record before the request: whatever happens to the request, `finally` lifts the block.
      record.writeBlock = { indices: migrated.filter((i) => !already.includes(i)), state: 'none' };
      await setWriteBlock(c.source.domain, record.writeBlock, actionStateStore);
      core.info(`write block set on ${record.writeBlock.indices.length} source indices`);
    };
    if (config.writeBlock && !twoPhase) await blockWrites();
    // Two-phase: sequence numbers from before phase 1's snapshot is asked for (phases/cutover-changes.ts).
    let baseline = twoPhase ? await c.source.domain.seqNoStats(migrated) : undefined;
    record.snapshot = (await next('snapshot', () => snapshotPhase(c), own)).facts;
    if (record.snapshot.reused) baseline = undefined;
    record.copy = (
      await next(
        'copy',
        () => copyPhase(c),
        (r) => copyDetails(r.facts),
      )
    ).facts;
    record.restore = (await next('restore', () => restorePhase(c), own)).facts;
    if (twoPhase) {
      const cutover = () => cutoverPhase(c, { blockWrites, baseline });
      const final = finalSnapshotName(config.snapshot);
      record.cutover = (await next('cutover', cutover, (r) => cutoverDetails(r.facts, final))).facts;
    }
    record.verification = (await next('verify', () => verifyPhase(c), own)).facts;
    // A cancel that lands after the last wait still cancels: the job shows as cancelled on GitHub, so the
    // run must not report a verified cut-over (nor keep the write block) that the user called off.
    cancelled.signal.throwIfAborted();
  } catch (err) {
    const where = `during the ${record.phases.at(-1)?.name ?? 'first'} phase`;
    record.error = budget.aborted
      ? `the run used its whole time budget (timeout-minutes: ${config.timeouts.totalMs / 60_000}) ${where}`
      : cancelled.signal.aborted
        ? `${(cancelled.signal.reason as Error).message} ${where}`
        : (err as Error).message;
  } finally {
    await endWriteBlock(record, ctx, config);
    record.resumed = resumeFacts(record);
    record.endedAt = Date.now();
    for (const name of PHASE_ORDER) {
      // The cut-over phase exists only in a two-phase run.
      if (name === 'cutover' && config.cutover !== 'two-phase') continue;
      if (!record.phases.some((p) => p.name === name)) {
        record.phases.push({
          name,
          status: 'skipped',
          startedAt: record.endedAt,
          endedAt: record.endedAt,
          details: [config.mode === 'plan' ? 'plan mode: nothing is changed' : 'not reached'],
        });
      }
    }
    record.retries = retryTally.toRecord();
    setOutputs(record);
    await writeSummary(record);
    conclude(record, config);
    // Only now: a second SIGTERM while the block was being lifted must not kill the process half-way.
    cancelled.dispose();
  }
}

/** Lifts the write block (or keeps it after a verified cut-over, when asked); never throws. */
async function endWriteBlock(record: RunRecord, ctx: RunContext | undefined, config: MigrationConfig): Promise<void> {
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

/** What preflight found, into the record (also when it stopped midway). */
function recordPreflight(record: RunRecord, found: PreflightFindings): void {
  for (const label of ['source', 'target'] as const) {
    const engine = found.engines[label];
    if (engine) Object.assign(record[label], engine);
  }
  if (found.iamDocuments) record.iamDocuments = found.iamDocuments;
  if (found.forecast) record.forecast = found.forecast;
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
    core.info(
      `verified: ${v.indices.filter((i) => i.status === 'match').length} indices, ${v.targetTotal} documents on both sides`,
    );
  }
}
