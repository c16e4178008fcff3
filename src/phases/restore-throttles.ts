// The target's restore throttles, raised for the restore and put back exactly as they were. The target
// serves no one yet, so its recovery rate and concurrency are the run's to lift — but only for the
// restore, and with the write block's discipline: what was there is saved (run record and the action's
// state) before the change, and put back when the restore ends, when the run fails or is cancelled, and
// by the post step if the main step died.
//
// A managed domain refuses them: its guide ("Supported operations") lists the cluster settings a
// customer may change, and no recovery or allocation setting is among them, so `PUT _cluster/settings`
// answers "payload is not allowed". The run then reads the domain's own recovery rate and says the
// restore is bound by it.
import type { RunContext } from '../context.js';
import type { ThrottleFacts } from '../record.js';
import type { Domain } from '../search/domain.js';
import { restorePhase } from './restore.js';
import { rateText } from '../preflight/duration.js';

/** What the post step needs to put the throttles back. */
export type SavedThrottles = Pick<ThrottleFacts, 'state' | 'previous'>;

/** Where that outlives the main step (the action's state; a test gives its own). */
export interface ThrottleStore {
  save(saved: SavedThrottles): void;
  load(): SavedThrottles | undefined;
}

/**
 * What the restore asks for. Recovery bytes per node: 40mb by default (OpenSearch "Cluster settings":
 * indices.recovery.max_bytes_per_sec); restored primaries start 4 at a time per node
 * (node_initial_primaries_recoveries), replicas 2 (node_concurrent_recoveries).
 */
export const RAISED_THROTTLES: Readonly<Record<string, string>> = {
  'indices.recovery.max_bytes_per_sec': '2000mb',
  'indices.recovery.max_concurrent_file_chunks': '5', // the engine's maximum
  'cluster.routing.allocation.node_initial_primaries_recoveries': '16',
  'cluster.routing.allocation.node_concurrent_recoveries': '8',
};

async function flatSettings(domain: Domain, defaults: boolean): Promise<Record<string, Record<string, string>>> {
  return domain.call('GET', '/_cluster/settings', {
    query: { flat_settings: true, ...(defaults ? { include_defaults: true } : {}) },
  });
}

/** The recovery rate per node in force now: transient, else persistent, else the default. */
export async function recoveryRate(domain: Domain): Promise<string | undefined> {
  const s = await flatSettings(domain, true).catch(() => undefined);
  const key = 'indices.recovery.max_bytes_per_sec';
  return s?.transient?.[key] ?? s?.persistent?.[key] ?? s?.defaults?.[key];
}

/**
 * Raises the throttles. `facts` goes into the run record before the request, so a request that fails
 * half-way still leaves something main.ts puts back. A refusal is not an error: the restore runs at
 * the domain's own rate, and the facts say so.
 */
export async function raiseThrottles(domain: Domain, facts: ThrottleFacts, store: ThrottleStore): Promise<void> {
  const current = await flatSettings(domain, false);
  // A transient value outranks ours: leave those keys alone rather than change what would not apply.
  const keys = Object.keys(RAISED_THROTTLES).filter((k) => current.transient?.[k] === undefined);
  facts.previous = Object.fromEntries(keys.map((k) => [k, current.persistent?.[k] ?? null]));
  facts.state = 'raised';
  store.save({ state: facts.state, previous: facts.previous });
  try {
    await domain.call('PUT', '/_cluster/settings', {
      body: { persistent: Object.fromEntries(keys.map((k) => [k, RAISED_THROTTLES[k]])) },
    });
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status !== 401 && status !== 403 && status !== 400) throw err;
    facts.state = 'refused';
    facts.refusal = (err as Error).message;
    store.save({ state: facts.state, previous: facts.previous });
  }
  facts.recoveryRate = await recoveryRate(domain);
}

/** Puts back exactly what was there (null removes a setting the run added). */
export async function restoreThrottles(domain: Domain, facts: SavedThrottles, store: ThrottleStore): Promise<void> {
  if (facts.state !== 'raised' && facts.state !== 'left') return;
  if (Object.keys(facts.previous).length)
    await domain.call('PUT', '/_cluster/settings', { body: { persistent: facts.previous } });
  facts.state = 'restored';
  store.save({ state: facts.state, previous: facts.previous });
}

const describe = (settings: Record<string, string | null>) =>
  Object.entries(settings)
    .map(([k, v]) => `${k}=${v ?? '(unset)'}`)
    .join(', ');

/**
 * The restore phase with the target's throttles lifted around it. The facts are in the run record
 * before any request, and `finally` puts back what was there whatever happens to the restore.
 */
export async function restoreWithThrottles(
  ctx: RunContext,
  facts: ThrottleFacts,
  store: ThrottleStore,
  snapshot?: Parameters<typeof restorePhase>[1],
): ReturnType<typeof restorePhase> {
  const { target, log } = ctx;
  await raiseThrottles(target.domain, facts, store);
  if (facts.state === 'refused') {
    log.info(
      `restore throttles: the target domain refused to change them (${(facts.refusal ?? '').split('\n')[0]}); ` +
        `the restore is bound by indices.recovery.max_bytes_per_sec = ${facts.recoveryRate ? rateText(facts.recoveryRate) : 'unknown'} per node, the domain's own`,
    );
  } else {
    log.info(
      `restore throttles raised on the target: ${describe(Object.fromEntries(Object.keys(facts.previous).map((k) => [k, RAISED_THROTTLES[k]!])))} (put back after the restore)`,
    );
  }
  try {
    return await restorePhase(ctx, snapshot);
  } finally {
    await putBack(ctx, facts, store);
  }
}

/** Puts the throttles back; never throws (the post step tries again when it could not). */
export async function putBack(ctx: RunContext, facts: ThrottleFacts, store: ThrottleStore): Promise<void> {
  if (facts.state !== 'raised') return;
  try {
    await restoreThrottles(ctx.target.domain, facts, store);
    ctx.log.info(`restore throttles put back on the target: ${describe(facts.previous)}`);
  } catch (err) {
    facts.state = 'left';
    store.save({ state: facts.state, previous: facts.previous });
    ctx.log.warning(
      `could not put the target's restore throttles back now (${(err as Error).message}); the post step will try again`,
    );
  }
}
