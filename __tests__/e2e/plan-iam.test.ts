// The IAM documents a plan hands over, loaded into the stack's IAM as a user would load them: new roles
// made from exactly that JSON let a migration succeed (with moto's S3 authorization switched on, so the
// S3 statements are proven sufficient, not just present); with any one statement removed the plan fails
// at the check that names it (optional statements of the preflight's own checks: a warning naming it).
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateRoleCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import type { IamDocumentSet } from '../../src/iam/run-documents.js';
import { policyDocumentProblems, type PolicyDocument } from '../../src/iam/documents.js';
import { runAction, stackInputs } from '../support/action.js';
import { adminS3, nodeClient, stackEnv, unique } from '../support/stack.js';
import { adminIam, enforceS3, row, runPlan } from './plan-support.js';

const env = stackEnv();
const iam = adminIam();
const source = nodeClient('source');
const target = nodeClient('target');

const suffix = unique('x')
  .slice(2)
  .replace(/[^a-z0-9]/gi, '');
const callerName = `H6Caller-${suffix}`;
const snapshotName = `H6Snapshot-${suffix}`;
const callerArn = `arn:aws:iam::${env.STACK_ACCOUNT_ID}:role/${callerName}`;
const snapshotArn = `arn:aws:iam::${env.STACK_ACCOUNT_ID}:role/${snapshotName}`;
const index = `t-h6-iam-${suffix.toLowerCase()}`;
const inputs = {
  'role-to-assume': callerArn,
  'snapshot-role-arn': snapshotArn,
  indices: index,
  'source-repository': `h6-${suffix.toLowerCase()}`,
  'source-base-path': `h6-${suffix.toLowerCase()}`,
};

const documentsOf = (run: { outputs: Record<string, string> }): IamDocumentSet =>
  JSON.parse(run.outputs['iam-documents']!);
const roleDocs = (docs: IamDocumentSet, arn: string) => docs.roles.find((r) => r.principal === arn)!;
const without = (doc: PolicyDocument, sid: string): PolicyDocument => ({
  ...doc,
  Statement: doc.Statement.filter((s) => s.Sid !== sid),
});

async function load(docs: IamDocumentSet, create: boolean): Promise<void> {
  for (const [name, arn] of [
    [callerName, callerArn],
    [snapshotName, snapshotArn],
  ] as const) {
    const d = roleDocs(docs, arn);
    if (create)
      await iam.send(
        new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(d.trustPolicy) }),
      );
    else
      await iam.send(
        new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: JSON.stringify(d.trustPolicy) }),
      );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: 'from-iam-documents',
        PolicyDocument: JSON.stringify(d.permissionsPolicy),
      }),
    );
  }
}

const putPolicy = (name: string, doc: PolicyDocument) =>
  iam.send(
    new PutRolePolicyCommand({ RoleName: name, PolicyName: 'from-iam-documents', PolicyDocument: JSON.stringify(doc) }),
  );

let documents: IamDocumentSet;

beforeAll(async () => {
  await source.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
  await source.bulk({
    body: Array.from({ length: 30 }, (_, i) => [{ index: { _index: index, _id: String(i) } }, { n: i }]).flat(),
    refresh: true,
  });
});

describe('IAM documents loaded into the stack', () => {
  test('roles made from the documents let a migration succeed, with S3 authorization on', async () => {
    // 1. Before the roles exist: the run is refused, but still hands over the documents.
    const first = await runPlan(inputs);
    expect(first.code).not.toBe(0);
    const draft = documentsOf(first);
    for (const r of draft.roles) {
      expect(policyDocumentProblems(r.permissionsPolicy, 'identity')).toEqual([]);
      expect(policyDocumentProblems(r.trustPolicy, 'trust')).toEqual([]);
    }
    await load(draft, true);

    // 2. With them, the plan passes and refines the documents with what it could now read (domain names).
    const second = await runPlan(inputs);
    expect(second.checks.filter((c) => c.result !== 'pass')).toEqual([]);
    expect(second.code).toBe(0);
    documents = documentsOf(second);
    const callDomains = roleDocs(documents, callerArn).permissionsPolicy.Statement.find(
      (s) => s.Sid === 'CallDomainApis',
    )!;
    expect(callDomains.Resource).toEqual([
      `arn:aws:es:us-east-1:${env.STACK_ACCOUNT_ID}:domain/stack-source/*`,
      `arn:aws:es:eu-west-1:${env.STACK_ACCOUNT_ID}:domain/stack-target/*`,
    ]);
    await load(documents, false);

    // 3. The migration itself, every S3 request of the workflow's role judged against its policy.
    await enforceS3(true);
    try {
      const run = await runAction(stackInputs(inputs));
      expect(run.log).not.toMatch(/AccessDenied/);
      expect(run.code).toBe(0);
      expect(run.outputs.verified).toBe('true');
      expect((await target.count({ index })).body.count).toBe(30);
      // Plans below are new runs (new snapshot names): the restored index would be theirs to collide with.
      await target.indices.delete({ index });

      // The enforcement is real: the same role on a bucket its documents do not name is refused by S3.
      const other = unique('h6-unlisted');
      await adminS3(env.STACK_TARGET_REGION!).send(
        new CreateBucketCommand({ Bucket: other, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
      );
      const refused = await runPlan({ ...inputs, 'target-bucket': other });
      expect(row(refused, 'target.bucket')).toMatchObject({
        result: 'fail',
        found: expect.stringContaining(`may not read ${other} (403)`),
        fix: expect.stringContaining('ListRepositoryBuckets'),
      });
    } finally {
      await enforceS3(false);
    }
  });

  // Each statement removed in turn, from the documents the plan generated: the check that needs it names it.
  const caller: Array<[string, string, 'fail' | 'warn']> = [
    ['PassSnapshotRole', 'iam.workflow-role', 'fail'],
    ['ListRepositoryBuckets', 'iam.workflow-role', 'fail'],
    ['ReadSourceRepository', 'iam.workflow-role', 'fail'],
    ['WriteTargetRepository', 'iam.workflow-role', 'fail'],
    ['CheckPermissionsBeforeWriting', 'iam.workflow-role', 'warn'],
    ['ReadSnapshotRoleTrust', `snapshot-role.trust.${snapshotName}`, 'warn'],
    ['CallDomainApis', 'source.domain', 'fail'],
  ];
  test.each(caller)("without the workflow role's %s, check %s says so", async (sid, id, result) => {
    const policy = roleDocs(documents, callerArn).permissionsPolicy;
    expect(policy.Statement.map((s) => s.Sid)).toContain(sid);
    await putPolicy(callerName, without(policy, sid));
    try {
      const run = await runPlan(inputs);
      const r = row(run, id);
      expect(r.result).toBe(result);
      expect(`${r.found} ${r.fix}`).toContain(sid);
      if (result === 'fail') expect(run.code).not.toBe(0);
      else expect(run.checks.filter((c) => c.result === 'fail')).toEqual([]);
      if (sid === 'PassSnapshotRole')
        expect(r.found).toContain(`is not authorized to perform: iam:PassRole on resource: ${snapshotArn}`);
      if (sid === 'CallDomainApis') expect(r.found).toMatch(/not authorized to perform: es:ESHttpGet/);
    } finally {
      await putPolicy(callerName, policy);
    }
  });

  test.each(['ListSnapshotBuckets', 'WriteSourceRepository', 'ReadTargetRepository'])(
    "without the snapshot role's %s, its S3 check fails naming it",
    async (sid) => {
      const policy = roleDocs(documents, snapshotArn).permissionsPolicy;
      await putPolicy(snapshotName, without(policy, sid));
      try {
        const run = await runPlan(inputs);
        const r = run.checks.find((c) => c.check === `Snapshot role ${snapshotName}: S3 access`)!;
        expect(r).toMatchObject({
          result: 'fail',
          found: expect.stringContaining(`${sid}: ${snapshotArn} is not authorized to perform: s3:`),
          fix: expect.stringContaining(sid),
        });
        expect(run.code).not.toBe(0);
      } finally {
        await putPolicy(snapshotName, policy);
      }
    },
  );

  test("without the snapshot role's trust in the OpenSearch service, the domains could not assume it", async () => {
    const trust = roleDocs(documents, snapshotArn).trustPolicy!;
    const ec2: PolicyDocument = {
      ...trust,
      Statement: trust.Statement.map((s) => ({ ...s, Principal: { Service: 'ec2.amazonaws.com' } })),
    };
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: snapshotName, PolicyDocument: JSON.stringify(ec2) }));
    try {
      const run = await runPlan(inputs);
      expect(row(run, `snapshot-role.trust.${snapshotName}`)).toMatchObject({
        result: 'fail',
        found: expect.stringContaining('does not let es.amazonaws.com assume it'),
        fix: expect.stringContaining("the snapshot role's trust policy from the IAM documents"),
      });
    } finally {
      await iam.send(
        new UpdateAssumeRolePolicyCommand({ RoleName: snapshotName, PolicyDocument: JSON.stringify(trust) }),
      );
    }
  });
});
