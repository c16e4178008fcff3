// The cluster: what engine and version answers, its nodes, health, allocation settings and disks, and
// who the security plugin takes the caller for. GET only: preflight reads these and changes nothing.
import { nameLists } from './index-lists.js';
import { DomainError, type TransportClass } from './transport.js';

/** The worse of two health colours: the health of indices asked for in several lists. */
const worse = (a: string, b: string) => ['red', 'yellow', 'green'].find((s) => s === a || s === b) ?? a;

export interface ClusterInfo {
  engine: 'OpenSearch' | 'Elasticsearch';
  version: string;
  clusterName: string;
}

export interface NodeFacts {
  id: string;
  name: string;
  version: string;
  roles: string[];
  attributes: Record<string, string>;
  host: string;
  ip: string;
}

/** A node that holds shards (the `data` role; every node of a managed domain's data tier has it). */
export const isDataNode = (node: Pick<NodeFacts, 'roles'>): boolean => node.roles.includes('data');

export interface ClusterHealth {
  status: string;
  initializing_shards: number;
  unassigned_shards: number;
  active_primary_shards: number;
  number_of_data_nodes: number;
}

export function ClusterApi<T extends TransportClass>(Base: T) {
  return class Cluster extends Base {
    async info(): Promise<ClusterInfo> {
      const b = await this.call('GET', '/');
      const distribution = b?.version?.distribution;
      return {
        engine: distribution === 'opensearch' ? 'OpenSearch' : 'Elasticsearch',
        version: String(b?.version?.number ?? 'unknown'),
        clusterName: String(b?.cluster_name ?? ''),
      };
    }

    /** Cluster health; with names, of those indices only (red while any of their primaries is still recovering). */
    async clusterHealth(names: string[] = []): Promise<ClusterHealth> {
      if (names.length === 0) return this.call('GET', '/_cluster/health');
      let health: ClusterHealth | undefined;
      for (const list of nameLists(names)) {
        const b = await this.call<ClusterHealth>('GET', `/_cluster/health/${list}`);
        health = !health
          ? b
          : {
              ...health,
              status: worse(health.status, b.status),
              initializing_shards: health.initializing_shards + b.initializing_shards,
              unassigned_shards: health.unassigned_shards + b.unassigned_shards,
              active_primary_shards: health.active_primary_shards + b.active_primary_shards,
            };
      }
      return health!;
    }

    /** Every node: name, real version (the main response may say 7.10.2 in compatibility mode), roles, attributes. */
    async nodes(): Promise<NodeFacts[]> {
      const b = await this.call('GET', '/_nodes', {
        query: {
          filter_path: 'nodes.*.name,nodes.*.version,nodes.*.roles,nodes.*.attributes,nodes.*.host,nodes.*.ip',
        },
      });
      return Object.entries<any>(b?.nodes ?? {}).map(([id, n]) => ({
        id,
        name: String(n?.name ?? id),
        version: String(n?.version ?? ''),
        roles: (n?.roles ?? []).map(String),
        attributes: Object.fromEntries(Object.entries<any>(n?.attributes ?? {}).map(([k, v]) => [k, String(v)])),
        host: String(n?.host ?? ''),
        ip: String(n?.ip ?? ''),
      }));
    }

    /** Allocation awareness and disk watermarks as in effect (transient over persistent over defaults), as flat keys. */
    async allocationSettings(): Promise<Record<string, string>> {
      // Nested, not flat_settings: filter_path cannot select flat keys that contain dots.
      const b = await this.call('GET', '/_cluster/settings', {
        query: {
          include_defaults: true,
          filter_path: '*.cluster.routing.allocation.awareness,*.cluster.routing.allocation.disk',
        },
      });
      const out: Record<string, string> = {};
      const flatten = (value: unknown, key: string): void => {
        if (value && typeof value === 'object' && !Array.isArray(value))
          for (const [k, v] of Object.entries(value)) flatten(v, key ? `${key}.${k}` : k);
        else out[key] = Array.isArray(value) ? value.join(',') : String(value);
      };
      for (const layer of ['defaults', 'persistent', 'transient']) flatten(b?.[layer] ?? {}, '');
      return out;
    }

    /** Disk per data node, in bytes. */
    async diskAllocation(): Promise<Array<{ node: string; total: number; used: number; avail: number }>> {
      const rows = await this.call<any[]>('GET', '/_cat/allocation', {
        query: { format: 'json', bytes: 'b', h: 'node,disk.total,disk.used,disk.avail' },
      });
      return (rows ?? [])
        .filter((r) => r.node !== 'UNASSIGNED' && r['disk.total'] != null)
        .map((r) => ({
          node: String(r.node),
          total: Number(r['disk.total']),
          used: Number(r['disk.used']),
          avail: Number(r['disk.avail']),
        }));
    }

    /**
     * The caller as the security plugin sees it (fine-grained access control), or undefined when the
     * domain has no security plugin (the node answers "no handler found"). Elasticsearch domains serve
     * the plugin under its Open Distro path only; OpenSearch under _plugins.
     */
    async securityAccount(
      engine: ClusterInfo['engine'] = 'OpenSearch',
    ): Promise<{ user: string; backendRoles: string[]; roles: string[] } | undefined> {
      try {
        const b = await this.call('GET', `${securityApi(engine)}/account`);
        return {
          user: String(b?.user_name ?? ''),
          backendRoles: (b?.backend_roles ?? []).map(String),
          roles: (b?.roles ?? []).map(String),
        };
      } catch (err) {
        if (
          err instanceof DomainError &&
          (err.status === 404 || (err.status === 400 && /no handler/i.test(err.message)))
        )
          return undefined;
        throw err;
      }
    }
  };
}

/** Where the security plugin's REST API lives on each engine's domains. */
export const securityApi = (engine: ClusterInfo['engine']): string =>
  engine === 'Elasticsearch' ? '/_opendistro/_security/api' : '/_plugins/_security/api';
