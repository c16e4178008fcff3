// Both domains: reachable with these credentials, healthy, and which engine and version they really run
// (a domain in compatibility mode answers `GET /` with 7.10.2; its nodes tell the truth). A domain that
// refuses us is explained by what refused: IAM (es:ESHttp*), fine-grained access control, the signature.
import type { Side } from '../context.js';
import type { SideName } from '../constants.js';
import { domainFromClusterName, domainNameFromEndpoint, type DomainRef } from '../iam/arns.js';
import { DomainError, type ClusterInfo, type NodeFacts } from '../search/domain.js';
import { isDataNode } from '../search/cluster.js';
import { plural } from '../util/format.js';
import { errorText, type Checks } from './checks.js';

/** `3 data nodes`; a domain that does not list its nodes says so rather than `0`. */
function dataNodeCount(nodes: NodeFacts[]): string {
  const n = nodes.filter(isDataNode).length;
  return n ? plural(n, 'data node') : 'data nodes not listed';
}

export interface DomainFacts {
  label: SideName;
  reachable: boolean;
  info?: ClusterInfo;
  /** The version the nodes run (the lowest, during an upgrade). */
  version?: string;
  nodes?: NodeFacts[];
  /** Owner account and domain name, when the domain says (cluster_name) or the endpoint shows. */
  ref?: DomainRef;
}

/** Why a request to a domain failed, and what the user does about it. */
export function explainDomainError(
  err: unknown,
  side: Side,
  label: SideName,
  principal: string,
): { found: string; fix: string } {
  const found = errorText(err);
  const endpointInput = `${label}-endpoint`;
  if (!(err instanceof DomainError) || err.status === undefined) {
    return {
      found,
      fix: `Check ${endpointInput} (${side.config.endpoint}). A VPC domain answers only inside its VPC: run the job on a self-hosted runner there (or through a VPN/proxy).`,
    };
  }
  if (err.status === 403 && /es:ESHttp/.test(found)) {
    return {
      found,
      fix: `Add statement CallDomainApis of the IAM documents (es:ESHttpGet/Head/Put/Post/Delete on the domain's ARN/*) to ${principal}, or let the domain's access policy allow that principal.`,
    };
  }
  if (err.status === 403 && (err.type === 'security_exception' || /no permissions for/.test(found))) {
    return {
      found,
      fix: `Fine-grained access control does not map ${principal}: map it as a backend role of all_access or manage_snapshots (Dashboards → Security → Roles), or PUT _plugins/_security/api/rolesmapping/manage_snapshots.`,
    };
  }
  if (err.status === 403 && /security token|signature/i.test(found)) {
    return {
      found,
      fix: 'The credentials are not valid for this domain: check role-to-assume (and the side role to chain into), and that the runner clock is right.',
    };
  }
  if (err.status === 403 && /scoped to a valid region/.test(found)) {
    return { found, fix: `Set ${label}-region to the domain's Region (the one in its endpoint).` };
  }
  if (err.status === 401) {
    return {
      found,
      fix: `Check ${label}-username and ${label}-password (the internal user of fine-grained access control).`,
    };
  }
  if (err.status >= 500)
    return {
      found,
      fix: 'The domain is not serving requests: check its health in the console (red cluster, blocked writes, processing) and run again.',
    };
  return { found, fix: `Check ${endpointInput} and the credentials for the ${label} domain.` };
}

/** The version the nodes really run: compatibility mode changes only the main response. */
function realVersion(info: ClusterInfo, nodes: NodeFacts[]): string {
  const versions = nodes.map((n) => n.version).filter((v) => /^\d+\.\d+/.test(v));
  if (versions.length === 0) return info.version;
  return versions.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))[0]!;
}

export async function inspectDomain(
  side: Side,
  label: SideName,
  principal: string,
  checks: Checks,
): Promise<DomainFacts> {
  const check = `${label === 'source' ? 'Source' : 'Target'} domain reachable and healthy`;
  const id = `${label}.domain`;
  let info: ClusterInfo;
  try {
    info = await side.domain.info();
  } catch (err) {
    const { found, fix } = explainDomainError(err, side, label, principal);
    checks.fail(id, check, found, fix);
    return { label, reachable: false, ref: { name: domainNameFromEndpoint(side.config.endpoint) } };
  }
  const ref = domainFromClusterName(info.clusterName) ?? { name: domainNameFromEndpoint(side.config.endpoint) };
  const nodes: NodeFacts[] = await side.domain.nodes().catch(() => []);
  const version = realVersion(info, nodes);
  const health = await side.domain
    .clusterHealth()
    .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  const where = `${info.engine} ${version}${version !== info.version ? ` (answers ${info.version}: compatibility mode)` : ''}, ${dataNodeCount(nodes)}`;
  if (health instanceof Error) {
    checks.warn(
      id,
      check,
      `${where}; cluster health unreadable: ${errorText(health)}`,
      'Let the principal read GET _cluster/health (es:ESHttpGet).',
    );
  } else if (health.status === 'red') {
    const fix =
      label === 'source'
        ? 'Some primary shards are unassigned: a snapshot of a red index ends PARTIAL. Fix the red indices (or exclude them in `indices`) first.'
        : 'The target is red: restored indices may not be allocated. Fix its unassigned primaries (GET _cluster/allocation/explain) first.';
    checks.add(
      id,
      check,
      label === 'source' ? 'warn' : 'fail',
      `${where}; cluster health red (${health.unassigned_shards} unassigned shards)`,
      fix,
    );
  } else {
    checks.pass(id, check, `${where}; cluster health ${health.status}`);
  }
  return { label, reachable: true, info, version, nodes, ref };
}
