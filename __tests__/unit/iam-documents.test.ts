// The IAM documents generated for a run: valid policy documents, least privilege per principal, and an
// OIDC trust policy that admits this job's token and nothing else (judged by the same evaluator the
// stack's domain gateway uses for IAM decisions).
import type { MigrationConfig, SideConfig } from '../../src/config.js';
import { policyDocumentProblems, type PolicyDocument } from '../../src/iam/documents.js';
import { domainFromClusterName, domainNameFromEndpoint, principalArnOf } from '../../src/iam/arns.js';
import { principalsForRun } from '../../src/iam/requirements.js';
import { githubSubject, iamDocumentSet, tokenClaims } from '../../src/iam/run-documents.js';
import { evaluatePolicies } from '../../stack/gateway/policy-evaluation.js';

const ACCOUNT = '111122223333';
const role = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;

function side(extra: Partial<SideConfig>): SideConfig {
  return {
    endpoint: 'https://search-old-logs-abcdefghijklmnopqrstuvwxyz.us-east-1.es.amazonaws.com',
    region: 'us-east-1',
    auth: { kind: 'sigv4' },
    snapshotRoleArn: role('SnapshotRole'),
    bucket: 'old-snapshots',
    basePath: 'migrate',
    repository: 'domain-migrate',
    ...extra,
  };
}

function config(extra: Partial<MigrationConfig> = {}): MigrationConfig {
  return {
    mode: 'plan',
    credentials: {
      roleToAssume: role('GitHubMigration'),
      audience: 'sts.amazonaws.com',
      sessionName: 's',
      durationSeconds: 3600,
    },
    source: side({}),
    target: side({
      endpoint: 'https://search-new-logs-zyxwvutsrqponmlkjihgfedcba.eu-west-1.es.amazonaws.com',
      region: 'eu-west-1',
      bucket: 'new-snapshots',
    }),
    snapshot: 'migrate-1',
    indices: ['*'],
    indexSettings: {},
    ignoreIndexSettings: [],
    includeAliases: true,
    overwriteExisting: false,
    writeBlock: false,
    keepWriteBlock: false,
    failOnMismatch: true,
    copy: { concurrency: 32, multipartThresholdBytes: 64 * 1024 * 1024 },
    timeouts: { snapshotMs: 60_000, restoreMs: 60_000, totalMs: 120_000 },
    pollIntervalMs: 1000,
    ...extra,
  } as MigrationConfig;
}

const subject = { subject: 'repo:acme/search:ref:refs/heads/main', from: 'token' as const, notes: [] };
const sids = (doc: PolicyDocument) => doc.Statement.map((s) => s.Sid);
const statement = (doc: PolicyDocument, sid: string) => doc.Statement.find((s) => s.Sid === sid)!;

const chained = config({
  source: side({
    roleToAssume: role('SourceAccountRole', '444455556666'),
    snapshotRoleArn: role('SourceSnapshots', '444455556666'),
  }),
  target: side({
    endpoint: 'https://vpc-new-logs-zyxwvutsrqponmlkjihgfedcba.eu-west-1.es.amazonaws.com',
    region: 'eu-west-1',
    bucket: 'new-snapshots',
    roleToAssume: role('TargetAccountRole', '777788889999'),
    snapshotRoleArn: role('TargetSnapshots', '777788889999'),
  }),
});

describe('generated IAM documents', () => {
  test.each([
    ['one role, two Regions', config()],
    ['a role per account', chained],
    [
      'the runner’s own credentials',
      config({ credentials: { audience: 'sts.amazonaws.com', sessionName: 's', durationSeconds: 3600 } }),
    ],
    [
      'one bucket, no copy',
      config({
        target: side({ endpoint: 'https://search-new-logs-zyxwvutsrqponmlkjihgfedcba.us-east-1.es.amazonaws.com' }),
      }),
    ],
    [
      'a basic-auth target',
      config({
        target: side({
          region: 'eu-west-1',
          bucket: 'new-snapshots',
          auth: { kind: 'basic', username: 'admin', password: 'x' },
        }),
      }),
    ],
  ])('are valid IAM policy documents: %s', (_, c) => {
    const set = iamDocumentSet(c, subject);
    expect(set.roles.length).toBeGreaterThan(1);
    for (const r of set.roles) {
      expect(policyDocumentProblems(r.permissionsPolicy, 'identity')).toEqual([]);
      if (r.trustPolicy) expect(policyDocumentProblems(r.trustPolicy, 'trust')).toEqual([]);
      // Round-trips as the JSON a user pastes.
      expect(JSON.parse(JSON.stringify(r.permissionsPolicy))).toEqual(r.permissionsPolicy);
    }
  });

  test('the validator catches what IAM would refuse', () => {
    expect(
      policyDocumentProblems(
        { Version: '2012-10-17', Statement: [{ Sid: 'a-b', Effect: 'Allow', Action: 'PassRole', Resource: 'role/x' }] },
        'identity',
      ),
    ).toEqual([
      'Statement[0] (a-b): Sid must be alphanumeric',
      'Statement[0] (a-b): "PassRole" is not service:Action',
      'Statement[0] (a-b): "role/x" is not an ARN',
    ]);
  });

  test('one role for both sides: PassRole only to OpenSearch, es:ESHttp* on the two domains, S3 on the two repository paths', () => {
    const [caller, snapshot] = iamDocumentSet(config(), subject, {
      domains: { source: { account: ACCOUNT, name: 'old-logs' } },
    }).roles;
    const policy = caller!.permissionsPolicy;
    expect(sids(policy)).toEqual([
      'PassSnapshotRole',
      'CallDomainApis',
      'ListRepositoryBuckets',
      'ReadSourceRepository',
      'WriteTargetRepository',
      'CheckPermissionsBeforeWriting',
      'ReadSnapshotRoleTrust',
    ]);
    expect(statement(policy, 'PassSnapshotRole')).toMatchObject({
      Action: 'iam:PassRole',
      Resource: role('SnapshotRole'),
      Condition: { StringEquals: { 'iam:PassedToService': 'es.amazonaws.com' } },
    });
    expect(statement(policy, 'CallDomainApis').Resource).toEqual([
      `arn:aws:es:us-east-1:${ACCOUNT}:domain/old-logs/*`,
      `arn:aws:es:eu-west-1:${ACCOUNT}:domain/new-logs/*`, // the name read from the endpoint, the account from the role
    ]);
    expect(statement(policy, 'ReadSourceRepository').Resource).toBe('arn:aws:s3:::old-snapshots/migrate/*');
    expect(statement(policy, 'WriteTargetRepository').Resource).toBe('arn:aws:s3:::new-snapshots/migrate/*');
    expect(snapshot!.trustPolicy!.Statement[0]).toMatchObject({
      Principal: { Service: 'es.amazonaws.com' },
      Action: 'sts:AssumeRole',
    });
    expect(sids(snapshot!.permissionsPolicy)).toEqual([
      'ListSnapshotBuckets',
      'WriteSourceRepository',
      'ReadTargetRepository',
    ]);
    expect(statement(snapshot!.permissionsPolicy, 'ReadTargetRepository').Action).toBe('s3:GetObject');
  });

  test('a role per account: the workflow role only chains; each account role gets its side alone', () => {
    const roles = iamDocumentSet(chained, subject).roles;
    const [workflow, sourceRole, targetRole] = roles;
    expect(sids(workflow!.permissionsPolicy)).toEqual(['ChainIntoAccountRoles']);
    expect(statement(workflow!.permissionsPolicy, 'ChainIntoAccountRoles').Resource).toEqual([
      role('SourceAccountRole', '444455556666'),
      role('TargetAccountRole', '777788889999'),
    ]);
    expect(sourceRole!.trustPolicy!.Statement[0]!.Principal).toEqual({ AWS: role('GitHubMigration') });
    expect(sids(sourceRole!.permissionsPolicy)).not.toContain('WriteTargetRepository');
    expect(statement(sourceRole!.permissionsPolicy, 'CallDomainApis').Resource).toBe(
      'arn:aws:es:us-east-1:444455556666:domain/old-logs/*',
    );
    expect(sids(targetRole!.permissionsPolicy)).toEqual(
      expect.arrayContaining(['ReadSourceRepository', 'WriteTargetRepository']),
    );
    expect(statement(targetRole!.permissionsPolicy, 'PassSnapshotRole').Resource).toBe(
      role('TargetSnapshots', '777788889999'),
    );
    expect(roles.filter((r) => r.kind === 'snapshot-role').map((r) => r.principal)).toEqual([
      role('SourceSnapshots', '444455556666'),
      role('TargetSnapshots', '777788889999'),
    ]);
  });

  test('a domain whose ARN cannot be known yet gets a wildcard, a note, and is not simulated', () => {
    const c = config({ source: side({ endpoint: 'https://search.example.com' }) });
    const set = iamDocumentSet(c, subject);
    expect(statement(set.roles[0]!.permissionsPolicy, 'CallDomainApis').Resource).toContain(
      `arn:aws:es:us-east-1:${ACCOUNT}:domain/*/*`,
    );
    expect(set.notes.join(' ')).toContain('could not be read yet');
    expect(
      principalsForRun(c, { subject: subject.subject })[0]!.requirements.find((r) => r.sid === 'CallDomainApis')!
        .unresolved,
    ).toBe(true);
  });
});

describe('the OIDC trust policy', () => {
  const trust = iamDocumentSet(config(), subject).roles[0]!.trustPolicy!;
  // Trust policies name no Resource; the evaluator wants one, which AssumeRoleWithWebIdentity's is the role.
  const asEvaluated = JSON.stringify({ ...trust, Statement: trust.Statement.map((s) => ({ ...s, Resource: '*' })) });
  const decide = (claims: Record<string, string>) =>
    evaluatePolicies([asEvaluated], {
      action: 'sts:AssumeRoleWithWebIdentity',
      resource: role('GitHubMigration'),
      context: Object.fromEntries(
        Object.entries(claims).map(([k, v]) => [`token.actions.githubusercontent.com:${k}`, v]),
      ),
    });

  test("admits this job's token: its repository, its ref, its audience", () => {
    expect(trust.Statement[0]!.Principal).toEqual({
      Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
    });
    expect(decide({ sub: 'repo:acme/search:ref:refs/heads/main', aud: 'sts.amazonaws.com' })).toBe('allow');
  });

  test.each([
    ['another branch', { sub: 'repo:acme/search:ref:refs/heads/feature', aud: 'sts.amazonaws.com' }],
    ['another repository', { sub: 'repo:evil/search:ref:refs/heads/main', aud: 'sts.amazonaws.com' }],
    ['a pull request', { sub: 'repo:acme/search:pull_request', aud: 'sts.amazonaws.com' }],
    ['another audience', { sub: 'repo:acme/search:ref:refs/heads/main', aud: 'https://github.com/acme' }],
  ])('refuses %s', (_, claims) => {
    expect(decide(claims)).toBe('implicit-deny');
  });
});

describe('the sub claim and the names in ARNs', () => {
  test("is read from the job's token when there is one", () => {
    const payload = Buffer.from(
      JSON.stringify({ sub: 'repo:acme/search:environment:production', aud: 'sts.amazonaws.com' }),
    ).toString('base64url');
    expect(tokenClaims(`e30.${payload}.sig`)?.sub).toBe('repo:acme/search:environment:production');
    expect(tokenClaims('not-a-jwt')).toBeUndefined();
  });

  test('is rebuilt from the run without one, saying that an environment changes it', async () => {
    const c = config();
    const onPush = await githubSubject(c, {
      GITHUB_REPOSITORY: 'acme/search',
      GITHUB_REF: 'refs/heads/release',
      GITHUB_EVENT_NAME: 'push',
    });
    expect(onPush).toMatchObject({ subject: 'repo:acme/search:ref:refs/heads/release', from: 'environment' });
    expect(onPush.notes[0]).toContain('repo:acme/search:environment:NAME');
    expect(
      (
        await githubSubject(c, {
          GITHUB_REPOSITORY: 'acme/search',
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_REF: 'refs/pull/7/merge',
        })
      ).subject,
    ).toBe('repo:acme/search:pull_request');
  });

  test('domain names and accounts come from the endpoint or the cluster name; sessions map to their role', () => {
    expect(domainNameFromEndpoint('https://search-my-domain-abc123def456.us-east-1.es.amazonaws.com')).toBe(
      'my-domain',
    );
    expect(domainNameFromEndpoint('https://vpc-logs-2024-q1xyz.eu-west-1.es.amazonaws.com')).toBe('logs-2024');
    expect(domainNameFromEndpoint('http://127.0.0.1:9200')).toBeUndefined();
    expect(domainFromClusterName('123456789012:logs')).toEqual({ account: '123456789012', name: 'logs' });
    expect(domainFromClusterName('docker-cluster')).toBeUndefined();
    expect(principalArnOf('arn:aws:sts::123456789012:assumed-role/GitHubMigration/run-42')).toBe(
      'arn:aws:iam::123456789012:role/GitHubMigration',
    );
    expect(principalArnOf('arn:aws:iam::123456789012:user/ops')).toBe('arn:aws:iam::123456789012:user/ops');
  });
});
