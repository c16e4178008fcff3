// Seeds moto with what the seed recipe has a user create by hand: the two buckets, the GitHub OIDC provider,
// and roles holding exactly the IAM documents plan mode hands over (src/iam/run-documents.ts) for the runs
// the tests make: the workflow's role (straight, and chaining into the per-account roles), the snapshot role,
// a role without PassRole (for the refusal tests), and an operator user with static keys.
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
import type { SideConfig } from '../src/config.js';
import { GITHUB_OIDC_HOST, type PolicyDocument } from '../src/iam/documents.js';
import { iamDocumentSet, type IamRoleDocuments } from '../src/iam/run-documents.js';
import { ACCOUNT_ID, type SideLayout, type StackLayout } from './layout.js';

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

  const names = {
    snapshot: 'TheSnapshotRole',
    oidc: 'GitHubMigrationRole',
    noPass: 'GitHubNoPassRole',
    sourceChain: 'SourceAccountMigrationRole',
    targetChain: 'TargetAccountMigrationRole',
  };
  const userName = 'migration-operator';
  const operatorArn = `arn:aws:iam::${ACCOUNT_ID}:user/${userName}`;

  // The documents of a stack run, as plan mode builds them. An empty base path scopes the objects
  // statements to the whole bucket: the tests pick their own paths.
  const side = (s: SideLayout, roleToAssume?: string): SideConfig => ({
    endpoint: `http://127.0.0.1:${s.gatewayPort}`,
    region: s.region,
    auth: { kind: 'sigv4' },
    ...(roleToAssume ? { roleToAssume } : {}),
    snapshotRoleArn: roleArn(names.snapshot),
    bucket: s.bucket,
    basePath: '',
    repository: 'stack',
  });
  const documentsOf = (run: { roleToAssume?: string; chainRoles?: [string, string]; caller?: string }) =>
    iamDocumentSet(
      {
        credentials: { roleToAssume: run.roleToAssume, audience: 'sts.amazonaws.com' },
        // The e2e tests run cleanup: true too.
        cleanup: true,
        source: side(layout.source, run.chainRoles?.[0]),
        target: side(layout.target, run.chainRoles?.[1]),
      },
      { subject: `repo:${STACK_REPOSITORY}:*`, from: 'environment', notes: [] },
      {
        // As the preflight reads them from the gateways (cluster_name) and STS.
        domains: {
          source: { account: ACCOUNT_ID, name: `stack-${layout.source.name}` },
          target: { account: ACCOUNT_ID, name: `stack-${layout.target.name}` },
        },
        ...(run.caller ? { callers: { source: run.caller, target: run.caller } } : {}),
      },
    ).roles;
  const withoutPassRole = (r: IamRoleDocuments): IamRoleDocuments => ({
    ...r,
    permissionsPolicy: {
      ...r.permissionsPolicy,
      Statement: r.permissionsPolicy.Statement.filter((s) => s.Sid !== 'PassSnapshotRole'),
    },
  });
  // Each run's documents become one inline policy named after the run; a principal in several runs
  // (the workflow's role straight and chaining; the snapshot role in all) holds each run's policy.
  const runs: Array<[string, IamRoleDocuments[]]> = [
    ['Migrate', documentsOf({ roleToAssume: roleArn(names.oidc) })],
    [
      'MigrateChained',
      documentsOf({
        roleToAssume: roleArn(names.oidc),
        chainRoles: [roleArn(names.sourceChain), roleArn(names.targetChain)],
      }),
    ],
    ['MigrateWithoutPassRole', documentsOf({ roleToAssume: roleArn(names.noPass) }).map(withoutPassRole)],
    ['MigrateAsOperator', documentsOf({ caller: operatorArn })],
  ];

  await iam
    .send(
      new CreateOpenIDConnectProviderCommand({
        Url: `https://${GITHUB_OIDC_HOST}`,
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
      }),
    )
    .catch(ignoreExists);
  await iam.send(new CreateUserCommand({ UserName: userName })).catch(ignoreExists);

  const granted = new Set<string>();
  for (const [run, roles] of runs) {
    for (const r of roles) {
      const policy = JSON.stringify(r.permissionsPolicy);
      if (granted.has(`${r.principal} ${policy}`)) continue;
      granted.add(`${r.principal} ${policy}`);
      if (r.principal === operatorArn) {
        await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: run, PolicyDocument: policy }));
        continue;
      }
      const RoleName = r.principal.split('/').pop()!;
      await ensureRole(iam, RoleName, r.trustPolicy!);
      await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: run, PolicyDocument: policy }));
    }
  }
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
      arn: operatorArn,
    },
  };
}

async function ensureRole(iam: IAMClient, name: string, trust: PolicyDocument): Promise<void> {
  const exists = await iam.send(new GetRoleCommand({ RoleName: name })).then(
    () => true,
    () => false,
  );
  if (!exists)
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
}

function ignoreExists(err: { name?: string }): void {
  if (err.name !== 'EntityAlreadyExists' && err.name !== 'EntityAlreadyExistsException') throw err;
}
