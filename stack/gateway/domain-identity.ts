// What a managed domain says about itself. `GET /` names the cluster `<account>:<domain>` (which is
// how a client learns the domain's ARN), and a test can make the domain report another engine or
// version (`reportVersion`) on `GET /`, `GET /_nodes` and its indices' `index.version.created` (as if
// that version had created them), to exercise version-compatibility rules without running that version.
import type { ReportedVersion } from './control.js';

export interface DomainIdentity {
  accountId: string;
  domainName?: string;
  reportedVersion?: ReportedVersion;
  /** The engine the node really runs (an Elasticsearch node embedded here says build_flavor "unknown"). */
  distribution?: 'opensearch' | 'elasticsearch';
}

/** Does this request's answer carry identity or version facts? */
export function describesDomain(method: string, pathname: string): boolean {
  return (
    method === 'GET' &&
    (pathname === '/' || pathname === '/_nodes' || pathname.startsWith('/_nodes/') || isIndexSettings(pathname))
  );
}

const isIndexSettings = (pathname: string) => /^\/[^_/][^/]*\/_settings(\/|$)/.test(pathname);

/** The version id an index records as index.version.created (OpenSearch ids carry bit 27, org.opensearch.Version). */
export function versionId(v: ReportedVersion): number {
  const [major, minor, patch] = v.number.split('.').map(Number) as [number, number, number];
  const raw = major * 1_000_000 + minor * 10_000 + patch * 100 + 99;
  return v.distribution === 'opensearch' ? raw + 0x08000000 : raw;
}

export function rewriteDomainAnswer(pathname: string, json: unknown, id: DomainIdentity): unknown {
  if (!json || typeof json !== 'object') return json;
  const body = json as Record<string, any>;
  if (pathname === '/') {
    if (id.domainName) body.cluster_name = `${id.accountId}:${id.domainName}`;
    // AWS's Elasticsearch 7.x domains answer GET / as the OSS build: build_flavor oss, no distribution.
    if (id.distribution === 'elasticsearch' && !id.reportedVersion && body.version) {
      delete body.version.distribution;
      body.version.build_flavor = 'oss';
    }
    if (id.reportedVersion && body.version) {
      body.version.number = id.reportedVersion.number;
      if (id.reportedVersion.distribution) body.version.distribution = id.reportedVersion.distribution;
      else {
        // Elasticsearch's main response has no distribution; AWS's 7.x domains say build_flavor oss.
        delete body.version.distribution;
        body.version.build_flavor = 'oss';
      }
    }
    return body;
  }
  if (isIndexSettings(pathname)) {
    if (!id.reportedVersion) return body;
    const created = String(versionId(id.reportedVersion));
    for (const index of Object.values<any>(body)) {
      const settings = index?.settings;
      if (!settings) continue;
      if ('index.version.created' in settings) settings['index.version.created'] = created;
      if (settings.index?.version?.created) settings.index.version.created = created;
    }
    return body;
  }
  if (id.domainName) body.cluster_name = `${id.accountId}:${id.domainName}`;
  if (id.reportedVersion && body.nodes && typeof body.nodes === 'object') {
    for (const node of Object.values<any>(body.nodes))
      if (node && typeof node === 'object' && 'version' in node) node.version = id.reportedVersion.number;
  }
  return body;
}
