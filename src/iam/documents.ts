// The shapes of the IAM documents a migration needs: trust policies and the checks IAM applies to a
// document. The permissions policies are built from a run's requirements (requirements.ts); the local
// stack seeds its IAM with exactly those (stack/aws-seed.ts), so the JSON handed to users is the JSON the
// end-to-end tests run under.

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Record<string, string | string[]>;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** The OIDC provider's host in IAM: github.com's, or a GitHub Enterprise Server's from its token's `iss`. */
export function oidcProviderHost(issuer: string | undefined): string {
  if (!issuer) return GITHUB_OIDC_HOST;
  return issuer.replace(/^https:\/\//, '').replace(/\/+$/, '') || GITHUB_OIDC_HOST;
}

/**
 * Trust policy of the role a workflow assumes with its OIDC token: this repository, this ref or environment
 * only. `issuer` is the token's `iss`: GitHub Enterprise Server issues from `https://HOSTNAME/_services/token`,
 * whose IAM provider and condition keys are named after that host, not github.com's.
 */
export function oidcTrustPolicy(p: {
  accountId: string;
  subject: string;
  audience?: string;
  partition?: string;
  issuer?: string;
}): PolicyDocument {
  const partition = p.partition ?? 'aws';
  const host = oidcProviderHost(p.issuer);
  return doc({
    Sid: 'GitHubActionsOidc',
    Effect: 'Allow',
    Principal: { Federated: `arn:${partition}:iam::${p.accountId}:oidc-provider/${host}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    // An exact subject is compared exactly; a pattern (repo:org/repo:*) needs StringLike.
    Condition: /[*?]/.test(p.subject)
      ? {
          StringEquals: { [`${host}:aud`]: p.audience ?? 'sts.amazonaws.com' },
          StringLike: { [`${host}:sub`]: p.subject },
        }
      : {
          StringEquals: {
            [`${host}:aud`]: p.audience ?? 'sts.amazonaws.com',
            [`${host}:sub`]: p.subject,
          },
        },
  });
}

/** Trust relationship of the snapshot role: the OpenSearch service assumes it to reach the bucket. */
export function snapshotRoleTrustPolicy(): PolicyDocument {
  return doc({
    Sid: 'OpenSearchServiceAssumesSnapshotRole',
    Effect: 'Allow',
    Principal: { Service: 'es.amazonaws.com' },
    Action: 'sts:AssumeRole',
  });
}

/** Trust policy of a role chained into from another role (source or target account). */
export function chainedRoleTrustPolicy(callerRoleArn: string): PolicyDocument {
  return doc({
    Sid: 'ChainFromMigrationRole',
    Effect: 'Allow',
    Principal: { AWS: callerRoleArn },
    Action: 'sts:AssumeRole',
  });
}

/** Sids of the statements the preflight's own checks need (SimulatePrincipalPolicy, reading the snapshot role). */
export const SELF_CHECK_SID = 'CheckPermissionsBeforeWriting';
export const READ_SNAPSHOT_ROLE_SID = 'ReadSnapshotRoleTrust';

/** Statement-level shape checks IAM applies to a policy document (the subset a generator can get wrong). */
export function policyDocumentProblems(document: unknown, kind: 'identity' | 'trust'): string[] {
  const problems: string[] = [];
  const d = document as Partial<PolicyDocument> | undefined;
  if (!d || typeof d !== 'object') return ['not a JSON object'];
  if (d.Version !== '2012-10-17') problems.push('Version must be "2012-10-17"');
  if (!Array.isArray(d.Statement) || d.Statement.length === 0)
    return [...problems, 'Statement must be a non-empty array'];
  const sids = new Set<string>();
  d.Statement.forEach((s, i) => {
    const at = `Statement[${i}]${s.Sid ? ` (${s.Sid})` : ''}`;
    if (s.Sid !== undefined) {
      if (!/^[A-Za-z0-9]+$/.test(s.Sid)) problems.push(`${at}: Sid must be alphanumeric`);
      if (sids.has(s.Sid)) problems.push(`${at}: duplicate Sid`);
      sids.add(s.Sid);
    }
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') problems.push(`${at}: Effect must be Allow or Deny`);
    const actions = ([] as string[]).concat(s.Action ?? []);
    if (actions.length === 0) problems.push(`${at}: Action is empty`);
    for (const a of actions)
      if (!/^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/.test(a)) problems.push(`${at}: "${a}" is not service:Action`);
    const resources = ([] as string[]).concat(s.Resource ?? []);
    if (kind === 'identity') {
      if (s.Principal) problems.push(`${at}: an identity policy has no Principal`);
      if (resources.length === 0) problems.push(`${at}: Resource is empty`);
      for (const r of resources)
        if (r !== '*' && !/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|\*)?:.+/.test(r))
          problems.push(`${at}: "${r}" is not an ARN`);
    } else {
      if (!s.Principal || Object.keys(s.Principal).length === 0)
        problems.push(`${at}: a trust policy needs a Principal`);
      if (resources.length) problems.push(`${at}: a trust policy has no Resource`);
    }
    for (const [op, entries] of Object.entries(s.Condition ?? {})) {
      if (!/^(String|Arn|Bool|Numeric|Date|IpAddress|Null)/.test(op))
        problems.push(`${at}: unknown condition operator ${op}`);
      for (const [key, value] of Object.entries(entries)) {
        if (!/^[a-z0-9.-]+:[A-Za-z0-9_/:.-]+$/i.test(key)) problems.push(`${at}: condition key "${key}" is malformed`);
        if (([] as string[]).concat(value).some((v) => typeof v !== 'string' || v === ''))
          problems.push(`${at}: condition ${key} needs non-empty strings`);
      }
    }
  });
  if (Buffer.byteLength(JSON.stringify(d)) > (kind === 'trust' ? 2048 : 10240))
    problems.push(`longer than IAM's ${kind === 'trust' ? '2,048' : '10,240'} characters`);
  return problems;
}
