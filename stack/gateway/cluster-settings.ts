// `PUT _cluster/settings` on a managed domain: only the "flat" form, and only settings the service
// lets customers change (developer guide, "Supported operations"). Everything else is the
// service's, and the domain answers "payload is not allowed".
import * as errors from './aws-errors.js';
import type { Refusal } from './aws-errors.js';
import { simpleMatch } from './restore-guard.js';

/**
 * Our reading of the guide's list of customer-changeable cluster settings; extend as needed. The restore
 * throttles are not on it — `indices.recovery.max_bytes_per_sec`, `indices.recovery.*` and
 * `cluster.routing.allocation.node_concurrent_recoveries` (and its incoming/outgoing forms) are the
 * service's — so a managed domain answers "payload is not allowed" to a run that tries to raise them,
 * and the run's restore stays bound by the domain's own recovery rate. The repository throttles
 * (`max_snapshot_bytes_per_sec`, `max_restore_bytes_per_sec`) are repository settings, not cluster
 * settings: they come with `PUT _snapshot/<repository>` (repository-registration.ts passes them on).
 */
export const CUSTOMER_CLUSTER_SETTINGS = [
  'action.auto_create_index',
  'action.search.shard_count.limit',
  'indices.breaker.fielddata.limit',
  'indices.breaker.request.limit',
  'indices.breaker.total.limit',
  'cluster.max_shards_per_node',
  'cluster.blocks.read_only',
  'search.max_buckets',
  'plugins.*',
  'opendistro.*',
];

export function checkClusterSettings(method: string, pathname: string, body: unknown): Refusal | undefined {
  if (method.toUpperCase() !== 'PUT' || pathname.replace(/\/+$/, '') !== '/_cluster/settings') return undefined;
  if (!body || typeof body !== 'object') return undefined;
  for (const scope of ['persistent', 'transient'] as const) {
    const settings = (body as Record<string, unknown>)[scope];
    if (settings === undefined || settings === null) continue;
    if (typeof settings !== 'object') return errors.payloadNotAllowed('/_cluster/settings');
    for (const [key, value] of Object.entries(settings as Record<string, unknown>)) {
      // The expanded (nested) form is refused outright; only "a.b.c": value is accepted.
      if (value !== null && typeof value === 'object') return errors.payloadNotAllowed('/_cluster/settings');
      if (!CUSTOMER_CLUSTER_SETTINGS.some((pattern) => simpleMatch(pattern, key))) {
        return errors.payloadNotAllowed('/_cluster/settings');
      }
    }
  }
  return undefined;
}
