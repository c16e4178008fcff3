// What each principal of THIS run must be allowed, as statements with stable Sids. One source for two
// uses: the IAM documents handed to the user (policies built from these) and the preflight's IAM
// simulation (each requirement asked of IAM), so a check that fails names the statement that fixes it.
import { sameRepositoryLocation, type MigrationConfig, type SideConfig } from '../config.js';
import type { SideName } from '../constants.js';
import {
  chainedRoleTrustPolicy,
  oidcTrustPolicy,
  READ_SNAPSHOT_ROLE_SID,
  SELF_CHECK_SID,
  snapshotRoleTrustPolicy,
  type PolicyDocument,
  type PolicyStatement,
} from './documents.js';
import { accountOf, domainNameFromEndpoint, partitionOfRegion, principalArnOf, type DomainRef } from './arns.js';

export type { DomainRef };

export interface Requirement {
  sid: string;
  actions: string[];
  resources: string[];
  condition?: PolicyStatement['Condition'];
  /** Request context IAM sees on the real call, for the simulation (e.g. iam:PassedToService). */
  context?: Record<string, string>;
  /** What fails without it. */
  why: string;
  /** Only the preflight's own checks need it: a missing one warns instead of failing. */
  optional?: boolean;
  /** A resource still has `*` for an unknown account or name: not simulated (it would judge the wildcard, not the domain). */
  unresolved?: boolean;
}

export type PrincipalKind = 'workflow-role' | 'caller' | 'account-role' | 'snapshot-role';

export interface PrincipalNeeds {
  kind: PrincipalKind;
  /** Role or user ARN; a description in <angle brackets> when the run cannot know it yet. */
  principal: string;
  purpose: string;
  /** Sides whose requests this principal signs (for the simulation's credentials). */
  sides: Array<SideName>;
  trustPolicy?: PolicyDocument;
  requirements: Requirement[];
}

export interface IamFacts {
  /** The OIDC `sub` this run's token carries (or would carry). */
  subject: string;
  /** STS caller ARN per side, once known. */
  callers?: Partial<Record<SideName, string>>;
  domains?: Partial<Record<SideName, DomainRef>>;
}

const ES_HTTP = ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPut', 'es:ESHttpPost', 'es:ESHttpDelete'];

function domainArn(side: SideConfig, ref: DomainRef | undefined, fallbackAccount: string | undefined): string {
  const name = ref?.name ?? domainNameFromEndpoint(side.endpoint) ?? '*';
  const account = ref?.account ?? fallbackAccount ?? '*';
  return `arn:${partitionOfRegion(side.region)}:es:${side.region}:${account}:domain/${name}`;
}

const bucketArn = (side: SideConfig) => `arn:${partitionOfRegion(side.region)}:s3:::${side.bucket}`;
const objectsArn = (side: SideConfig) => `${bucketArn(side)}/${side.basePath ? `${side.basePath}/` : ''}*`;
const copies = (c: MigrationConfig) => !sameRepositoryLocation(c);

/** What the principal signing one side's requests needs for that side. */
function sideRequirements(config: MigrationConfig, label: SideName, facts: IamFacts): Requirement[] {
  const side = config[label];
  const out: Requirement[] = [];
  const snapshotRole = side.snapshotRoleArn;
  if (snapshotRole) {
    out.push({
      sid: 'PassSnapshotRole',
      actions: ['iam:PassRole'],
      resources: [snapshotRole],
      condition: { StringEquals: { 'iam:PassedToService': 'es.amazonaws.com' } },
      context: { 'iam:PassedToService': 'es.amazonaws.com' },
      why: `registering repository ${side.repository} on the ${label} domain (the domain is given ${snapshotRole})`,
    });
  }
  if (side.auth.kind === 'sigv4') {
    const account =
      facts.domains?.[label]?.account ??
      accountOf(facts.callers?.[label]) ??
      accountOf(side.roleToAssume ?? config.credentials.roleToAssume);
    const arn = domainArn(side, facts.domains?.[label], account);
    out.push({
      sid: 'CallDomainApis',
      actions: ES_HTTP,
      resources: [`${arn}/*`],
      why: `every request to the ${label} domain (snapshot, restore, counts)`,
      ...(/:\*:|domain\/\*$/.test(arn) ? { unresolved: true } : {}),
    });
  }
  out.push({
    sid: 'ListRepositoryBuckets',
    actions: ['s3:ListBucket', 's3:GetBucketLocation'],
    resources: [bucketArn(side)],
    why: `checking and listing s3://${side.bucket}`,
  });
  if (label === 'target' && copies(config)) {
    // The copy is server-side and signed by the destination's principal: it reads the source objects.
    out.push({
      sid: 'ReadSourceRepository',
      actions: ['s3:GetObject', 's3:GetObjectTagging'],
      resources: [objectsArn(config.source)],
      why: `copying s3://${config.source.bucket}/${config.source.basePath} (CopyObject reads the source)`,
    });
    out.push({
      sid: 'WriteTargetRepository',
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [objectsArn(config.target)],
      why: `writing the copy to s3://${config.target.bucket}/${config.target.basePath}`,
    });
  }
  return out;
}

/** Same Sid from two sides: one statement with both sides' actions and resources. */
function mergeRequirements(lists: Requirement[][]): Requirement[] {
  const bySid = new Map<string, Requirement>();
  for (const r of lists.flat()) {
    const seen = bySid.get(r.sid);
    if (!seen) bySid.set(r.sid, { ...r, actions: [...r.actions], resources: [...r.resources] });
    else {
      seen.actions = [...new Set([...seen.actions, ...r.actions])];
      seen.resources = [...new Set([...seen.resources, ...r.resources])];
      if (seen.why !== r.why) seen.why = `${seen.why}; ${r.why}`;
    }
  }
  return [...bySid.values()];
}

/** Every principal this run uses, with what it needs. Order: the workflow's role, chained roles, snapshot roles. */
export function principalsForRun(config: MigrationConfig, facts: IamFacts): PrincipalNeeds[] {
  const workflowRole = config.credentials.roleToAssume;
  const partition = partitionOfRegion(config.source.region);
  const fromSts = (label: SideName) => (facts.callers?.[label] ? principalArnOf(facts.callers[label]!) : undefined);
  const base =
    workflowRole ?? fromSts('source') ?? fromSts('target') ?? '<the identity behind the runner’s AWS credentials>';
  const principalOf = (label: SideName) => config[label].roleToAssume ?? base;

  const groups = new Map<string, Array<SideName>>();
  for (const label of ['source', 'target'] as const)
    groups.set(principalOf(label), [...(groups.get(principalOf(label)) ?? []), label]);
  const chainRoles = [
    ...new Set([config.source.roleToAssume, config.target.roleToAssume].filter((r): r is string => !!r)),
  ];
  const snapshotRoles = [
    ...new Set([config.source.snapshotRoleArn, config.target.snapshotRoleArn].filter((r): r is string => !!r)),
  ];

  const out: PrincipalNeeds[] = [];
  const selfCheck = (principal: string): Requirement[] =>
    principal.startsWith('arn:')
      ? [
          {
            sid: SELF_CHECK_SID,
            actions: ['iam:SimulatePrincipalPolicy'],
            resources: [...new Set([principal, ...snapshotRoles])],
            why: 'the preflight asking IAM what this role and the snapshot role may do, before anything is written',
            optional: true,
          },
          ...(snapshotRoles.length
            ? [
                {
                  sid: READ_SNAPSHOT_ROLE_SID,
                  actions: ['iam:GetRole'],
                  resources: snapshotRoles,
                  why: "the preflight reading the snapshot role's trust relationship",
                  optional: true,
                },
              ]
            : []),
        ]
      : [];

  // The base identity: the OIDC role (or the runner's own credentials) — it signs the sides without a chained role.
  const baseSides = groups.get(base) ?? [];
  const baseNeeds = mergeRequirements(baseSides.map((label) => sideRequirements(config, label, facts)));
  if (chainRoles.length)
    baseNeeds.push({
      sid: 'ChainIntoAccountRoles',
      actions: ['sts:AssumeRole'],
      resources: chainRoles,
      why: 'chaining into the per-account roles',
    });
  out.push({
    kind: workflowRole ? 'workflow-role' : 'caller',
    principal: base,
    purpose: workflowRole
      ? 'the role the workflow assumes with its GitHub OIDC token (role-to-assume)'
      : 'the identity of the credentials the runner already has (no role-to-assume)',
    sides: baseSides,
    ...(workflowRole
      ? {
          trustPolicy: oidcTrustPolicy({
            accountId: accountOf(workflowRole)!,
            subject: facts.subject,
            audience: config.credentials.audience,
            partition,
          }),
        }
      : {}),
    requirements: [...baseNeeds, ...(baseSides.length ? selfCheck(base) : [])],
  });

  for (const role of chainRoles) {
    const sides = groups.get(role) ?? [];
    out.push({
      kind: 'account-role',
      principal: role,
      purpose: `the role chained into for the ${sides.join(' and ')} account (${sides.map((s) => `${s}-role-to-assume`).join(', ')})`,
      sides,
      trustPolicy: chainedRoleTrustPolicy(
        base.startsWith('arn:') ? base : `arn:${partition}:iam::${accountOf(role)}:root`,
      ),
      requirements: [
        ...mergeRequirements(sides.map((label) => sideRequirements(config, label, facts))),
        ...selfCheck(role),
      ],
    });
  }

  for (const role of snapshotRoles) {
    const requirements: Requirement[] = [];
    const usedBy = (['source', 'target'] as const).filter((label) => config[label].snapshotRoleArn === role);
    const listed = usedBy.map((label) => bucketArn(config[label]));
    requirements.push({
      sid: 'ListSnapshotBuckets',
      actions: ['s3:ListBucket'],
      resources: [...new Set(listed)],
      why: 'the domain listing its repository',
    });
    if (usedBy.includes('source')) {
      requirements.push({
        sid: 'WriteSourceRepository',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [objectsArn(config.source)],
        why: `the source domain writing the snapshot to s3://${config.source.bucket}/${config.source.basePath}`,
      });
    }
    if (usedBy.includes('target') && (copies(config) || !usedBy.includes('source'))) {
      requirements.push({
        sid: 'ReadTargetRepository',
        actions: ['s3:GetObject'],
        resources: [objectsArn(config.target)],
        why: `the target domain reading the snapshot from s3://${config.target.bucket}/${config.target.basePath}`,
      });
    }
    out.push({
      kind: 'snapshot-role',
      principal: role,
      purpose: `the role the ${usedBy.join(' and ')} domain${usedBy.length > 1 ? 's assume' : ' assumes'} to reach ${usedBy.length > 1 ? 'their buckets' : 'its bucket'} (repository role_arn)`,
      sides: usedBy,
      trustPolicy: snapshotRoleTrustPolicy(),
      requirements,
    });
  }
  return out;
}

export function policyOf(requirements: Requirement[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: requirements.map((r) => ({
      Sid: r.sid,
      Effect: 'Allow' as const,
      Action: r.actions.length === 1 ? r.actions[0]! : r.actions,
      Resource: r.resources.length === 1 ? r.resources[0]! : r.resources,
      ...(r.condition ? { Condition: r.condition } : {}),
    })),
  };
}
