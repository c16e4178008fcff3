// AWS names the action reads and writes: partitions, accounts, domain names and role ARNs. The one place
// that knows which partition a Region is in (inputs check a role ARN's partition against it; the IAM
// requirements build ARNs with it).

/** Where a domain lives, for its ARN: from `GET /` (cluster_name is `<account>:<domain>` on AWS) or the endpoint. */
export interface DomainRef {
  account?: string;
  name?: string;
}

/** The partition a Region is in: cn-* → aws-cn, *-gov-* → aws-us-gov, us-iso… and eu-iso… → aws-iso[-x], else aws. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.includes('-gov-')) return 'aws-us-gov';
  const iso = /^(?:us|eu)-iso([a-z]?)-/.exec(region);
  if (iso) return iso[1] ? `aws-iso-${iso[1]}` : 'aws-iso';
  return 'aws';
}

/** The 12-digit account an ARN names, if any. */
export const accountOf = (arn: string | undefined): string | undefined =>
  /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn ?? '')?.[1];

/** `search-<name>-<id>.<region>.es.amazonaws.com` (or `vpc-`): the domain name, when the endpoint is AWS's. */
export function domainNameFromEndpoint(endpoint: string): string | undefined {
  const host = URL.canParse(endpoint) ? new URL(endpoint).hostname : '';
  return /^(?:search|vpc)-([a-z][a-z0-9-]*)-[a-z0-9]+\.[a-z0-9-]+\.es\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1];
}

/** The region an AWS domain endpoint names (search-x.REGION.es.amazonaws.com, vpc-x.REGION.es.amazonaws.com[.cn]). */
export function regionOfEndpoint(url: URL): string | undefined {
  return /\.([a-z0-9-]+)\.es\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname)?.[1];
}

/** `123456789012:my-domain` (the cluster_name of a managed domain) → account and name. */
export function domainFromClusterName(clusterName: string): DomainRef | undefined {
  const m = /^(\d{12}):([a-z][a-z0-9-]{2,27})$/.exec(clusterName);
  return m ? { account: m[1], name: m[2] } : undefined;
}

/** An assumed-role session ARN → the role's ARN (the path is not in the session ARN; most roles have none). */
export function principalArnOf(callerArn: string): string {
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : callerArn;
}
