// The IAM documents a migration needs, generated from its parameters. The local stack seeds its IAM
// with exactly these, so the JSON we hand to users is the JSON the end-to-end tests run under.

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

/** Trust policy of the role a workflow assumes with its OIDC token: this repository, this ref or environment only. */
export function oidcTrustPolicy(p: {
  accountId: string;
  subject: string;
  audience?: string;
  partition?: string;
}): PolicyDocument {
  const partition = p.partition ?? 'aws';
  return doc({
    Sid: 'GitHubActionsOidc',
    Effect: 'Allow',
    Principal: { Federated: `arn:${partition}:iam::${p.accountId}:oidc-provider/${GITHUB_OIDC_HOST}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    // An exact subject is compared exactly; a pattern (repo:org/repo:*) needs StringLike.
    Condition: /[*?]/.test(p.subject)
      ? {
          StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: p.audience ?? 'sts.amazonaws.com' },
          StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: p.subject },
        }
      : {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: p.audience ?? 'sts.amazonaws.com',
            [`${GITHUB_OIDC_HOST}:sub`]: p.subject,
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

const bucketArn = (bucket: string, partition = 'aws') => `arn:${partition}:s3:::${bucket}`;

/** What the snapshot role may do: the repository's reads and writes in each bucket. */
export function snapshotRolePolicy(p: { buckets: string[]; partition?: string }): PolicyDocument {
  return doc(
    {
      Sid: 'ListSnapshotBuckets',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: p.buckets.map((b) => bucketArn(b, p.partition)),
    },
    {
      Sid: 'ReadWriteSnapshotObjects',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: p.buckets.map((b) => `${bucketArn(b, p.partition)}/*`),
    },
  );
}

/**
 * What the workflow's role needs: pass the snapshot role to the domains, call the domains' HTTP APIs,
 * copy the repository between the buckets, and chain into the per-account roles when they are used.
 */
export function migrationCallerPolicy(p: {
  snapshotRoleArns: string[];
  domainArns: string[];
  buckets: string[];
  chainRoleArns?: string[];
  /** Principals that carry this policy: each may ask IAM what it itself may do (the preflight's simulation). */
  selfCheckArns?: string[];
  partition?: string;
}): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: 'PassSnapshotRole', Effect: 'Allow', Action: 'iam:PassRole', Resource: [...new Set(p.snapshotRoleArns)] },
    {
      Sid: 'CallDomainApis',
      Effect: 'Allow',
      Action: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPut', 'es:ESHttpPost', 'es:ESHttpDelete'],
      Resource: p.domainArns.map((d) => `${d}/*`),
    },
    {
      Sid: 'ListRepositoryBuckets',
      Effect: 'Allow',
      Action: ['s3:ListBucket', 's3:GetBucketLocation'],
      Resource: [...new Set(p.buckets)].map((b) => bucketArn(b, p.partition)),
    },
    {
      Sid: 'CopyRepositoryObjects',
      Effect: 'Allow',
      Action: [
        's3:GetObject',
        's3:GetObjectTagging',
        's3:PutObject',
        's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts',
      ],
      Resource: [...new Set(p.buckets)].map((b) => `${bucketArn(b, p.partition)}/*`),
    },
  ];
  if (p.chainRoleArns?.length) {
    statements.push({
      Sid: 'ChainIntoAccountRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: p.chainRoleArns,
    });
  }
  if (p.selfCheckArns?.length) statements.push(...selfCheckStatements(p.selfCheckArns, p.snapshotRoleArns));
  return doc(...statements);
}

/**
 * Optional: lets the preflight ask IAM (SimulatePrincipalPolicy) whether the caller and the snapshot role
 * may do what the run needs, and read the snapshot role's trust relationship, before anything is written.
 */
export function selfCheckStatements(principalArns: string[], snapshotRoleArns: string[]): PolicyStatement[] {
  const roles = [...new Set(snapshotRoleArns)];
  return [
    {
      Sid: SELF_CHECK_SID,
      Effect: 'Allow',
      Action: ['iam:SimulatePrincipalPolicy'],
      Resource: [...new Set([...principalArns, ...roles])],
    },
    { Sid: READ_SNAPSHOT_ROLE_SID, Effect: 'Allow', Action: ['iam:GetRole'], Resource: roles },
  ];
}

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
