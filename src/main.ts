// The migration, phase by phase: credentials → preflight → (write block) → snapshot → copy → restore →
// verify. A two-phase cut-over runs snapshot → copy → restore while the source still takes writes, then
// the cut-over phase (write block, catch-up of what changed) before verify. main owns the run record and
// the write block; the summary and the outputs are rendered from it in `finally`, so a failed or
// cancelled run explains itself as well as a successful one, and the block is lifted whatever happened.
import * as core from '@actions/core';
import { sameRepositoryLocation, type MigrationConfig } from './config.js';
import type { Log, RunContext } from './context.js';
import { readInputs } from './inputs/read-inputs.js';
import { retryTally } from './retry-tally.js';
import type { PhaseName, PreflightFindings, RunRecord } from './record.js';
import { copyDetails, cutoverDetails, headStartLine, preflightDetails, verifyDetails } from './report/details.js';
import { progressToLog } from './report/progress.js';
import { renderInputProblems, renderPhaseSummary } from './report/summary.js';
import { PHASE_LABELS, PHASE_ORDER } from './report/tables.js';
import { copyPhase, type CopyOverlap } from './phases/copy.js';
import { startHeadStart } from './phases/head-start.js';
import { restoreWithThrottles } from './phases/restore-throttles.js';
import { credentialsPhase } from './phases/credentials.js';
import { cutoverPhase } from './phases/cutover.js';
import { preflightPhase } from './phases/preflight.js';
import { githubSubject, iamDocumentSet } from './iam/run-documents.js';
import { finalSnapshotName, snapshotPhase } from './phases/snapshot.js';
import { verifyPhase } from './phases/verify.js';
import { cleanupPhase } from './phases/cleanup.js';
import { inheritedWriteBlock } from './resume/inherited-block.js';
import { setWriteBlock } from './phases/write-block.js';
import { metadataPhase } from './phases/metadata.js';
import { metadataDetails } from './report/streams.js';
import { dataStreams } from './search/streams.js';
import { actionStateStore, actionThrottleStore } from './state-store.js';
import { conclude, endWriteBlock, resumeFacts, setOutputs, writeSummary } from './run-end.js';
import { annotateChecks, failStep } from './annotations.js';
import { InputError } from './inputs/problems.js';
import { appendSection, writeWholeSummary } from './step-summary.js';
import { cancellation } from './cancellation.js';
import { useProxyInput } from './proxy.js';
import { compareStreams, withStreams } from './streams/verify.js';

const log: Log = { info: (l) => core.info(l), warning: (l) => core.warning(l) };

const progress = progressToLog(log);

/** The phases that word their own details; the others' are rendered here from their facts (report/details.ts). */
const own = (result: { details: string[] }) => result.details;

/**
 * Runs one phase inside a log group and records its outcome (`details` words a success, `keep` puts its
 * facts in the record), success or failure; then appends the phase's section to the job summary.
 */
async function phase<T>(
  record: RunRecord,
  name: PhaseName,
  fn: () => Promise<T>,
  details: (result: T) => string[],
  keep: (result: T) => void = () => undefined,
): Promise<T> {
  const startedAt = Date.now();
  core.startGroup(PHASE_LABELS[name]);
  try {
    const result = await fn();
    keep(result);
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
    await appendSection(renderPhaseSummary(record.phases.at(-1)!, record));
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
    failStep((err as Error).message, 'Invalid inputs');
    if (err instanceof InputError) await writeWholeSummary(renderInputProblems(err.problems));
    return;
  }
  useProxyInput(config.credentials.proxy);
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
    const next = <T>(
      name: PhaseName,
      fn: () => Promise<T>,
      details: (result: T) => string[],
      keep?: (result: T) => void,
    ): Promise<T> => {
      c.signal.throwIfAborted();
      return phase(record, name, fn, details, keep);
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
      annotateChecks(found.checks);
    }
    if (config.mode === 'plan') return;

    const twoPhase = config.cutover === 'two-phase';
    const migrated = c.selection.migrate.map((m) => m.source);
    const blockWrites = async () => {
      // A data stream is blocked through its backing indices, as the source lists them now (a rollover may have added one).
      const streams = await dataStreams(
        c.source.domain,
        c.selection!.streams.map((s) => s.source),
      );
      const blocked = [...migrated, ...[...streams.values()].flatMap((s) => s.backingIndices)];
      // Indices someone had already made read-only stay theirs: the run neither sets nor lifts those. A
      // block an earlier attempt of this run left (killed, its post step never ran) is the run's own.
      // Only a snapshot an earlier attempt took speaks for that attempt: in a two-phase run this attempt's own
      // phase-1 snapshot predates blocks the user may have set since.
      const earlier = !twoPhase || record.snapshot?.reused === true;
      const { users: already, inherited } = earlier
        ? await inheritedWriteBlock(c, blocked)
        : { users: await c.source.domain.writeBlocked(blocked), inherited: [] as string[] };
      if (inherited.length) {
        record.inheritedWriteBlock = inherited;
        core.info(
          `write block left by an earlier attempt of this run, taken as this run's own: ${inherited.join(', ')}`,
        );
      }
      if (already.length) core.info(`already write-blocked before the run, left as they are: ${already.join(', ')}`);
      // In the record before the request: whatever happens to the request, `finally` lifts the block.
      record.writeBlock = { indices: blocked.filter((i) => !already.includes(i)), state: 'none' };
      await setWriteBlock(c.source.domain, record.writeBlock, actionStateStore);
      core.info(`write block set on ${record.writeBlock.indices.length} source indices`);
    };
    if (config.writeBlock && !twoPhase) await blockWrites();
    // Two-phase: sequence numbers from before phase 1's snapshot is asked for (phases/cutover-changes.ts).
    let baseline = twoPhase ? await c.source.domain.seqNoStats(migrated) : undefined;
    // The copy starts with the snapshot: blobs as they appear, the root blobs and the manifest after it.
    const headStart = sameRepositoryLocation(config) ? undefined : startHeadStart(c, config.pollIntervalMs);
    let snapshotEndedAt = 0;
    try {
      await next(
        'snapshot',
        () => snapshotPhase(c, record.writeBlock?.indices),
        own,
        (r) => (record.snapshot = r.facts),
      );
    } catch (err) {
      await headStart?.stop().catch(() => undefined); // nothing keeps copying behind a failed snapshot
      throw err;
    } finally {
      snapshotEndedAt = Date.now();
    }
    if (record.snapshot?.reused) baseline = undefined;
    // The head start's last pass belongs to the copy: a copy that hangs there is the copy's to report.
    const copy = async () => {
      const overlap: CopyOverlap = { snapshotEndedAt, headStart: await headStart?.stop() };
      if (overlap.headStart) core.info(headStartLine(overlap.headStart));
      return copyPhase(c, overlap);
    };
    await next(
      'copy',
      copy,
      (r) => copyDetails(r.facts),
      (r) => (record.copy = r.facts),
    );
    // Before the restore: restored indices need their pipelines, restored streams their templates.
    await next(
      'metadata',
      () => metadataPhase(c),
      (r) => metadataDetails(r.facts),
      (r) => (record.metadata = r.facts),
    );
    // In the record before any request, so a failure half-way still says what to put back.
    const throttles = (record.restoreThrottles = { state: 'raised', previous: {} });
    await next(
      'restore',
      () => restoreWithThrottles(c, throttles, actionThrottleStore, record.snapshot),
      own,
      (r) => (record.restore = r.facts),
    );
    if (twoPhase) {
      const cutover = () => cutoverPhase(c, { blockWrites, baseline });
      const final = finalSnapshotName(config.snapshot);
      const keep = (r: Awaited<ReturnType<typeof cutover>>) => (record.cutover = r.facts);
      await next('cutover', cutover, (r) => cutoverDetails(r.facts, final), keep);
    }
    const streams = c.selection.streams;
    const replayed = record.cutover?.replayed;
    await next(
      'verify',
      async () =>
        withStreams(
          await verifyPhase(c, replayed ? { replayed } : {}),
          await compareStreams(c.source.domain, c.target.domain, streams),
        ),
      (r) => [...verifyDetails(r.facts), ...r.details.slice(1)],
      (r) => (record.verification = r.facts),
    );
    // A cancel that lands after the last wait still cancels: the job shows as cancelled on GitHub, so the
    // run must not report a verified cut-over (nor keep the write block) that the user called off.
    cancelled.signal.throwIfAborted();
    if (config.cleanup && record.verification?.verified) {
      core.startGroup('Clean-up');
      try {
        const cleaned = await cleanupPhase(c, { copied: record.copy !== undefined && !record.copy.skipped });
        record.cleanup = cleaned.facts;
        cleaned.details.forEach((d) => core.info(d));
      } finally {
        core.endGroup();
      }
    }
  } catch (err) {
    if (cancelled.signal.aborted) record.cancelled = true;
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

/** What preflight found, into the record (also when it stopped midway). */
function recordPreflight(record: RunRecord, found: PreflightFindings): void {
  for (const label of ['source', 'target'] as const) {
    const engine = found.engines[label];
    if (engine) Object.assign(record[label], engine);
  }
  if (found.iamDocuments) record.iamDocuments = found.iamDocuments;
  if (found.forecast) record.forecast = found.forecast;
}
