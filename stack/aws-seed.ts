// Seeds moto with what the seed recipe has a user create by hand: the two buckets, the snapshot role with
// its trust relationship and S3 policy, the GitHub OIDC provider, the workflow's role with PassRole, a role
// without PassRole (for the refusal tests), the per-account roles to chain into, and an operator user.
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  chainedRoleTrustPolicy,
  GITHUB_OIDC_HOST,
  migrationCallerPolicy,
  oidcTrustPolicy,
  snapshotRolePolicy,
  snapshotRoleTrustPolicy,
  type PolicyDocument,
} from '../src/iam/documents.js';
import { ACCOUNT_ID, type StackLayout } from './layout.js';

/** The moto root credentials: moto accepts any key for its own admin calls. */
export const MOTO_ADMIN = { accessKeyId: 'stack-admin', secretAccessKey: 'stack-admin-secret' };
export const STACK_REPOSITORY = 'example-org/example-repo';

export interface SeededAws {
  snapshotRoleArn: string;
  oidcRoleArn: string;
  noPassRoleArn: string;
  sourceChainRoleArn: string;
  targetChainRoleArn: string;
  operator: { accessKeyId: string; secretAccessKey: string; arn: string };
}

const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT_ID}:role/${name}`;

export async function seedAws(layout: StackLayout): Promise<SeededAws> {
  const iam = new IAMClient({ endpoint: layout.motoUrl, region: 'us-east-1', credentials: MOTO_ADMIN });
  for (const side of [layout.source, layout.target]) {
    const s3 = new S3Client({
      endpoint: layout.motoUrl,
      region: side.region,
      forcePathStyle: true,
      credentials: MOTO_ADMIN,
    });
    const exists = await s3.send(new HeadBucketCommand({ Bucket: side.bucket })).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await s3.send(
        new CreateBucketCommand({
          Bucket: side.bucket,
          ...(side.region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: side.region as 'eu-west-1' } }),
        }),
      );
    }
  }

  const buckets = [layout.source.bucket, layout.target.bucket];
  const names = {
    snapshot: 'TheSnapshotRole',
    oidc: 'GitHubMigrationRole',
    noPass: 'GitHubNoPassRole',
    sourceChain: 'SourceAccountMigrationRole',
    targetChain: 'TargetAccountMigrationRole',
  };
  const domainArns = [layout.source, layout.target].map(
    (s) => `arn:aws:es:${s.region}:${ACCOUNT_ID}:domain/stack-${s.name}`,
  );
  const subject = `repo:${STACK_REPOSITORY}:*`;
  const callerPolicy = migrationCallerPolicy({
    snapshotRoleArns: [roleArn(names.snapshot)],
    domainArns,
    buckets,
    chainRoleArns: [roleArn(names.sourceChain), roleArn(names.targetChain)],
    // The e2e tests run cleanup: true too.
    cleanup: true,
    // Every principal carrying this policy may ask IAM about itself (the preflight's simulation).
    selfCheckArns: [roleArn(names.oidc), roleArn(names.noPass), `arn:aws:iam::${ACCOUNT_ID}:user/migration-operator`],
  });
  const noPassPolicy: PolicyDocument = {
    ...callerPolicy,
    Statement: callerPolicy.Statement.filter((s) => s.Sid !== 'PassSnapshotRole'),
  };

  await iam
    .send(
      new CreateOpenIDConnectProviderCommand({
        Url: `https://${GITHUB_OIDC_HOST}`,
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
      }),
    )
    .catch(ignoreExists);

  const role = async (name: string, trust: PolicyDocument, policy: PolicyDocument) => {
    const exists = await iam.send(new GetRoleCommand({ RoleName: name })).then(
      () => true,
      () => false,
    );
    if (!exists)
      await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await iam.send(
      new PutRolePolicyCommand({ RoleName: name, PolicyName: `${name}Policy`, PolicyDocument: JSON.stringify(policy) }),
    );
  };
  await role(names.snapshot, snapshotRoleTrustPolicy(), snapshotRolePolicy({ buckets }));
  await role(names.oidc, oidcTrustPolicy({ accountId: ACCOUNT_ID, subject }), callerPolicy);
  await role(names.noPass, oidcTrustPolicy({ accountId: ACCOUNT_ID, subject }), noPassPolicy);
  const chainPolicy = migrationCallerPolicy({
    snapshotRoleArns: [roleArn(names.snapshot)],
    domainArns,
    buckets,
    selfCheckArns: [roleArn(names.sourceChain), roleArn(names.targetChain)],
  });
  await role(names.sourceChain, chainedRoleTrustPolicy(roleArn(names.oidc)), chainPolicy);
  await role(names.targetChain, chainedRoleTrustPolicy(roleArn(names.oidc)), chainPolicy);

  const userName = 'migration-operator';
  await iam.send(new CreateUserCommand({ UserName: userName })).catch(ignoreExists);
  await iam.send(
    new PutUserPolicyCommand({
      UserName: userName,
      PolicyName: 'MigrationOperator',
      PolicyDocument: JSON.stringify(callerPolicy),
    }),
  );
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));

  return {
    snapshotRoleArn: roleArn(names.snapshot),
    oidcRoleArn: roleArn(names.oidc),
    noPassRoleArn: roleArn(names.noPass),
    sourceChainRoleArn: roleArn(names.sourceChain),
    targetChainRoleArn: roleArn(names.targetChain),
    operator: {
      accessKeyId: key.AccessKey!.AccessKeyId!,
      secretAccessKey: key.AccessKey!.SecretAccessKey!,
      arn: `arn:aws:iam::${ACCOUNT_ID}:user/${userName}`,
    },
  };
}

function ignoreExists(err: { name?: string }): void {
  if (err.name !== 'EntityAlreadyExists' && err.name !== 'EntityAlreadyExistsException') throw err;
}
