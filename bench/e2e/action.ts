// The action as a workflow runs it: dist/index.js through the local runner (stack/runner.ts), with S3
// behind a counting proxy (no added latency) so the run shows what passed through the runner. Phase
// times come from the log's `::group::` lines, stamped as they arrive; the copy's tail after the
// snapshot ended from the action's own line when it prints one (the overlapped copy), otherwise the
// whole copy counts as tail (a copy that starts after the snapshot).
import { runAction, stackInputs } from '../../stack/runner.js';
import type { LatencyProxy } from '../copy/latency-proxy.js';

export interface ActionResult {
  wallMs: number;
  phases: Record<string, number>;
  /** Share of the copy (bytes) left after the snapshot ended, 0–1. */
  copyTail: number;
  copyTailMs: number;
  copyTailSource: 'action' | 'phases';
  verified: boolean;
  sourceDocuments: number;
  targetDocuments: number;
  copiedBytes: number;
  bytesThroughRunner: number;
  objectBytesThroughRunner: number;
  /** The action's own lines about throttles and what bound each phase, when it prints them. */
  bounds: string[];
  /** The preflight's duration forecast (its time-budget row), to set beside the phases as they ran. */
  forecast?: string;
  code: number | null;
  logTail: string;
}

// e.g. "copy tail after the snapshot ended: 1.2 s, 2.5% of the bytes (52.0 MiB of 2.0 GiB)"
const TAIL_LINE = /copy tail after the snapshot ended: ([\d.]+) s, ([\d.]+)% of the bytes/;

export async function runActionOnce(p: {
  runId: string;
  indices: string;
  proxy: LatencyProxy;
  inputs?: Record<string, string>;
}): Promise<ActionResult> {
  const marks: Array<{ at: number; group?: string }> = [];
  let pending = '';
  const started = performance.now();
  p.proxy.reset();
  const run = await runAction(
    stackInputs({
      indices: p.indices,
      'source-repository': `e2e-${p.runId}`,
      'target-repository': `e2e-${p.runId}`,
      'source-base-path': `e2e/${p.runId}`,
      'target-base-path': `e2e/${p.runId}`,
      ...p.inputs,
    }),
    {
      runId: p.runId,
      timeoutMs: 3_600_000,
      env: { AWS_ENDPOINT_URL_S3: p.proxy.url },
      onOutput: (chunk) => {
        const now = performance.now();
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (line.startsWith('::group::')) marks.push({ at: now, group: line.slice('::group::'.length).trim() });
          else if (line.startsWith('::endgroup::')) marks.push({ at: now });
        }
      },
    },
  );
  const wallMs = Math.round(performance.now() - started);
  const phases: Record<string, number> = {};
  marks.forEach((m, i) => {
    if (!m.group) return;
    const end = marks[i + 1]?.at ?? started + wallMs;
    phases[m.group.toLowerCase()] = Math.round((phases[m.group.toLowerCase()] ?? 0) + end - m.at);
  });
  const tail = TAIL_LINE.exec(run.log);
  const stats = p.proxy.stats;
  return {
    wallMs,
    phases,
    copyTail: tail ? Number(tail[2]) / 100 : 1,
    copyTailMs: tail ? Math.round(Number(tail[1]) * 1000) : (phases.copy ?? 0),
    copyTailSource: tail ? 'action' : 'phases',
    verified: run.outputs.verified === 'true',
    sourceDocuments: Number(run.outputs['source-documents'] ?? 0),
    targetDocuments: Number(run.outputs['target-documents'] ?? 0),
    copiedBytes: Number(run.outputs['copied-bytes'] ?? 0),
    bytesThroughRunner: stats.requestBodyBytes + stats.responseBodyBytes,
    objectBytesThroughRunner: stats.objectPayloadBytes,
    bounds: run.log.split('\n').filter((l) => /bound by|throttle/i.test(l)),
    ...forecastOf(run.outputs.checks),
    code: run.code,
    logTail: run.log.split('\n').slice(-30).join('\n'),
  };
}

/** The `time-budget` row of the `checks` output: the run's own forecast of how long it takes. */
function forecastOf(checks: string | undefined): { forecast?: string } {
  try {
    const rows = JSON.parse(checks ?? '[]') as Array<{ id: string; found: string }>;
    const row = rows.find((r) => r.id === 'time-budget');
    return row ? { forecast: row.found } : {};
  } catch {
    return {};
  }
}
