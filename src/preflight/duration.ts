// How long the migration will take, for the plan: each data-moving phase from its bytes, the nodes that
// share the work and the throttle that bounds each node, the way the engines apply them.
//
// - Snapshot: the repository's `max_snapshot_bytes_per_sec`, per node (OpenSearch and Elasticsearch 7.x
//   default 40mb; `snapshot-rate` sets it for the run's repository). Only nodes holding a primary of a
//   migrated index take part, so the nodes are at most the primary shards.
// - Copy: the copy engine's own model (forecast.ts), overlapped with the snapshot by the head start
//   (phases/head-start.ts): only what it cannot do while the snapshot runs is left after it.
// - Restore: the primaries come from the repository, then the replicas from the primaries, both through
//   the target's recovery throttle `indices.recovery.max_bytes_per_sec`, per node (default 40mb). The run
//   raises it for the restore where the domain accepts; Amazon OpenSearch Service does not (its
//   "Supported operations" list no recovery setting), so the forecast uses the rate in force now.
import type { MigrationConfig } from '../config.js';
import type { Forecast } from '../record.js';
import { formatBytes, formatDuration, plural } from '../util/format.js';
import type { Checks } from './checks.js';

const MiB = 1024 * 1024;
/** The engines' per-node defaults for both throttles (repository and cluster-settings references). */
export const DEFAULT_THROTTLE = '40mb';
/**
 * A node with no throttle, or one above what it can move, still has a disk and a network: a snapshot or
 * recovery is taken to move at most 200 MiB/s per node, about what an EBS gp3 volume or an instance's share
 * of S3 gives. (The stack's one-core-per-node nodes manage ~32 MiB/s: bench/README.md.)
 */
const NODE_BYTES_PER_SEC = 200 * MiB;

/** OpenSearch's ByteSizeValue per second: `40mb`, `1.5gb`, `0` or `-1` for none. Binary units, as the engines read them. */
export function bytesPerSecond(rate: string | undefined): number | undefined {
  const m = /^(-?\d+(?:\.\d+)?)(b|kb|mb|gb|tb|pb)?$/.exec(
    String(rate ?? '')
      .trim()
      .toLowerCase(),
  );
  if (!m) return undefined;
  const value = Number(m[1]);
  if (value <= 0) return Infinity;
  const power = ['b', 'kb', 'mb', 'gb', 'tb', 'pb'].indexOf(m[2] ?? 'b');
  return value * 1024 ** power;
}

/** A throttle for people: `41943040b` → `40 MiB/s`, `0` → `no limit`; what cannot be read is shown as given. */
export function rateText(rate: string): string {
  const perSecond = bytesPerSecond(rate);
  if (perSecond === undefined) return rate;
  return Number.isFinite(perSecond) ? `${formatBytes(perSecond)}/s` : 'no limit';
}

export interface PhaseDuration {
  ms: number;
  bytes: number;
  /** What bounds it, in the words of the setting that does. */
  bound: string;
}

export interface DurationForecast {
  snapshot: PhaseDuration;
  /** The copy's part after the snapshot ended (the rest overlaps it). */
  copy: PhaseDuration & { overlappedMs: number };
  restore: PhaseDuration;
  totalMs: number;
}

export interface DurationFacts {
  /** Bytes the new snapshot writes, and the primary shards they are in. */
  snapshotBytes: number;
  primaryShards: number;
  sourceDataNodes: number;
  /** The source repository's max_snapshot_bytes_per_sec as it will be for the run. */
  snapshotRate: string;
  /** The copy engine's estimate of the whole copy, and of its root blobs alone (never overlapped). */
  copyMs: number;
  copyBytes: number;
  copyRootMs: number;
  /** Primary bytes restored, and the replica bytes recovered from them. */
  restoreBytes: number;
  replicaBytes: number;
  targetDataNodes: number;
  recoveryRate: string;
}

function phase(bytes: number, nodes: number, rate: string, setting: string): PhaseDuration {
  const perNode = bytesPerSecond(rate) ?? bytesPerSecond(DEFAULT_THROTTLE)!;
  // A throttle above what a node can move does not bind: the node does.
  const effective = Math.min(perNode, NODE_BYTES_PER_SEC);
  const n = Math.max(nodes, 1);
  const node = `the nodes' disks and network (≈ ${formatBytes(NODE_BYTES_PER_SEC)}/s each assumed)`;
  const limit = !Number.isFinite(perNode)
    ? `no ${setting} throttle: ${node}`
    : perNode > NODE_BYTES_PER_SEC
      ? `${setting} ${formatBytes(perNode)}/s per node, above ${node}`
      : `${setting} ${formatBytes(perNode)}/s per node`;
  return {
    ms: Math.round((bytes / (effective * n)) * 1000),
    bytes,
    bound: `${limit} × ${plural(n, 'node')}`,
  };
}

export function forecastDuration(f: DurationFacts): DurationForecast {
  const snapshot = phase(
    f.snapshotBytes,
    Math.min(f.sourceDataNodes, Math.max(f.primaryShards, 1)),
    f.snapshotRate,
    'max_snapshot_bytes_per_sec',
  );
  const afterSnapshot = Math.max(f.copyMs - snapshot.ms, 0) + f.copyRootMs;
  const copy = {
    ms: Math.round(Math.min(afterSnapshot, f.copyMs)),
    overlappedMs: Math.round(Math.max(f.copyMs - afterSnapshot, 0)),
    bytes: f.copyBytes,
    bound: 'S3 server-side copy',
  };
  const nodes = Math.min(f.targetDataNodes, Math.max(f.primaryShards, 1));
  const primaries = phase(f.restoreBytes, nodes, f.recoveryRate, 'indices.recovery.max_bytes_per_sec');
  const replicas = phase(f.replicaBytes, f.targetDataNodes, f.recoveryRate, 'indices.recovery.max_bytes_per_sec');
  const restore = {
    ms: primaries.ms + replicas.ms,
    bytes: f.restoreBytes + f.replicaBytes,
    bound: `${primaries.bound}; the run raises it for the restore where the target allows`,
  };
  return { snapshot, copy, restore, totalMs: snapshot.ms + copy.ms + restore.ms };
}

/** "≈ 2 h 13 min: snapshot ≈ 1 h …" for the plan and the time-budget check. */
export function durationText(d: DurationForecast): string {
  const part = (label: string, p: PhaseDuration) =>
    `${label} ≈ ${formatDuration(p.ms)} (${formatBytes(p.bytes)}; ${p.bound})`;
  return [
    `≈ ${formatDuration(d.totalMs)}`,
    `${part('snapshot', d.snapshot)}, copy ≈ ${formatDuration(d.copy.ms)} after the snapshot${d.copy.overlappedMs ? ` (≈ ${formatDuration(d.copy.overlappedMs)} more overlaps it)` : ''}, ${part('restore', d.restore)}`,
  ].join(': ');
}

/**
 * The duration forecast against the run's time budget: a run that will not fit is better told now than
 * stopped half-way by `timeout-minutes` (or by a GitHub-hosted runner's 6-hour job limit).
 */
export function timeBudgetCheck(config: MigrationConfig, forecast: Forecast, checks: Checks): void {
  const id = 'time-budget';
  const check = 'Forecast duration within the time budget';
  const d = forecast.duration;
  if (!d) return checks.skip(id, check, 'not forecast: a domain did not answer');
  const minutes = (ms: number) => Math.ceil(ms / 60_000);
  const over = [
    d.totalMs > config.timeouts.totalMs
      ? `the run ≈ ${minutes(d.totalMs)} min > timeout-minutes ${minutes(config.timeouts.totalMs)}`
      : '',
    d.snapshot.ms > config.timeouts.snapshotMs
      ? `the snapshot ≈ ${minutes(d.snapshot.ms)} min > snapshot-timeout-minutes ${minutes(config.timeouts.snapshotMs)}`
      : '',
    d.restore.ms > config.timeouts.restoreMs
      ? `the restore ≈ ${minutes(d.restore.ms)} min > restore-timeout-minutes ${minutes(config.timeouts.restoreMs)}`
      : '',
  ].filter(Boolean);
  if (over.length)
    return checks.warn(
      id,
      check,
      `${durationText(d)}; ${over.join(', ')}`,
      'Raise those timeouts (a GitHub-hosted runner stops a job after 6 hours: use a self-hosted one for longer runs), raise snapshot-rate, or migrate fewer indices per run.',
    );
  checks.pass(id, check, `${durationText(d)} (estimate), within timeout-minutes ${minutes(config.timeouts.totalMs)}`);
}
