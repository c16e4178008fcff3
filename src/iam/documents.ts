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

export function partitionOf(arn: string): string {
  return arn.split(':')[1] ?? 'aws';
}

/** Trust policy of the role a workflow assumes with its OIDC token: this repository, this ref or environment only. */
export function oidcTrustPolicy(p: { accountId: string; subject: string; audience?: string; partition?: string }): PolicyDocument {
  const partition = p.partition ?? 'aws';
  return doc({
    Sid: 'GitHubActionsOidc',
    Effect: 'Allow',
    Principal: { Federated: `arn:${partition}:iam::${p.accountId}:oidc-provider/${GITHUB_OIDC_HOST}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: p.audience ?? 'sts.amazonaws.com' },
      StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: p.subject },
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
  return doc({ Sid: 'ChainFromMigrationRole', Effect: 'Allow', Principal: { AWS: callerRoleArn }, Action: 'sts:AssumeRole' });
}

const bucketArn = (bucket: string, partition = 'aws') => `arn:${partition}:s3:::${bucket}`;

/** What the snapshot role may do: the repository's reads and writes in each bucket. */
export function snapshotRolePolicy(p: { buckets: string[]; partition?: string }): PolicyDocument {
  return doc(
    { Sid: 'ListSnapshotBuckets', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: p.buckets.map((b) => bucketArn(b, p.partition)) },
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
      Action: ['s3:GetObject', 's3:GetObjectTagging', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      Resource: [...new Set(p.buckets)].map((b) => `${bucketArn(b, p.partition)}/*`),
    },
  ];
  if (p.chainRoleArns?.length) {
    statements.push({ Sid: 'ChainIntoAccountRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: p.chainRoleArns });
  }
  return doc(...statements);
}
