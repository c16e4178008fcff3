// The IAM side of a managed domain's checks, read from moto with the ordinary IAM API: the policies
// that apply to a caller (inline and attached, on the role or on the user and its groups, plus a
// permissions boundary) and whether a role the caller passes exists and trusts the OpenSearch service.
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import type { CallerCredentials } from './moto-credentials.js';
import { evaluatePolicies, parsePolicyDocument, type Decision, type PolicyQuestion } from './policy-evaluation.js';

export interface IdentityPolicies {
  /** Identity-based policy documents (JSON text). */
  documents: string[];
  /** The permissions boundary, when the role or user has one. */
  boundary?: string;
}

export interface SnapshotRoleFacts {
  exists: boolean;
  trustsOpenSearch: boolean;
}

const CACHE_MS = 2_000;

export class IamDirectory {
  private readonly iam: IAMClient;
  private readonly cache = new Map<string, { at: number; value: Promise<IdentityPolicies> }>();

  constructor(motoUrl: string) {
    // moto accepts any credentials for reads; these never leave the machine.
    this.iam = new IAMClient({
      endpoint: motoUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'domain-gateway', secretAccessKey: 'domain-gateway' },
      maxAttempts: 2,
    });
  }

  /**
   * IAM's answer for this caller: identity policies must allow, a boundary (if any) must allow,
   * a session policy (if any) must allow, and an explicit deny anywhere wins.
   */
  async decide(caller: CallerCredentials, question: PolicyQuestion): Promise<Decision> {
    const policies = await this.policiesOf(caller.principalArn);
    const layers = [policies.documents];
    if (policies.boundary) layers.push([policies.boundary]);
    if (caller.sessionPolicy) layers.push([caller.sessionPolicy]);
    let decision: Decision = 'allow';
    for (const layer of layers) {
      const d = evaluatePolicies(layer, question);
      if (d === 'explicit-deny') return d;
      if (d === 'implicit-deny') decision = d;
    }
    return decision;
  }

  async snapshotRole(roleArn: string): Promise<SnapshotRoleFacts> {
    const name = roleArn.split('/').pop() ?? '';
    const role = await this.iam.send(new GetRoleCommand({ RoleName: name })).then(
      (r) => r.Role,
      () => undefined,
    );
    if (!role || role.Arn !== roleArn) return { exists: false, trustsOpenSearch: false };
    const trust = role.AssumeRolePolicyDocument ? parsePolicyDocument(role.AssumeRolePolicyDocument) : {};
    const statements = Array.isArray(trust.Statement) ? trust.Statement : trust.Statement ? [trust.Statement] : [];
    const trustsOpenSearch = statements.some((s) => {
      const statement = s as { Effect?: string; Action?: string | string[]; Principal?: unknown };
      const actions = ([] as string[]).concat(statement.Action ?? []);
      return (
        statement.Effect === 'Allow' &&
        actions.some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*') &&
        namesOpenSearch(statement.Principal)
      );
    });
    return { exists: true, trustsOpenSearch };
  }

  private policiesOf(principalArn: string): Promise<IdentityPolicies> {
    const hit = this.cache.get(principalArn);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    const value = principalArn.includes(':role/') ? this.rolePolicies(principalArn) : this.userPolicies(principalArn);
    this.cache.set(principalArn, { at: Date.now(), value });
    value.catch(() => this.cache.delete(principalArn));
    return value;
  }

  private async rolePolicies(roleArn: string): Promise<IdentityPolicies> {
    const RoleName = roleArn.split('/').pop() ?? '';
    const role = await this.iam.send(new GetRoleCommand({ RoleName }));
    const inline = await this.iam.send(new ListRolePoliciesCommand({ RoleName }));
    const documents = await Promise.all(
      (inline.PolicyNames ?? []).map(async (PolicyName) => {
        const p = await this.iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }));
        return p.PolicyDocument ?? '{}';
      }),
    );
    const attached = await this.iam.send(new ListAttachedRolePoliciesCommand({ RoleName }));
    documents.push(...(await this.managedDocuments((attached.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ''))));
    const boundaryArn = role.Role?.PermissionsBoundary?.PermissionsBoundaryArn;
    const boundary = boundaryArn ? (await this.managedDocuments([boundaryArn]))[0] : undefined;
    return { documents, boundary };
  }

  private async userPolicies(userArn: string): Promise<IdentityPolicies> {
    const UserName = userArn.split('/').pop() ?? '';
    const user = await this.iam.send(new GetUserCommand({ UserName }));
    const inline = await this.iam.send(new ListUserPoliciesCommand({ UserName }));
    const documents = await Promise.all(
      (inline.PolicyNames ?? []).map(async (PolicyName) => {
        const p = await this.iam.send(new GetUserPolicyCommand({ UserName, PolicyName }));
        return p.PolicyDocument ?? '{}';
      }),
    );
    const attached = await this.iam.send(new ListAttachedUserPoliciesCommand({ UserName }));
    const managedArns = (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? '');
    const groups = await this.iam.send(new ListGroupsForUserCommand({ UserName }));
    for (const group of groups.Groups ?? []) {
      const GroupName = group.GroupName ?? '';
      const groupInline = await this.iam.send(new ListGroupPoliciesCommand({ GroupName }));
      for (const PolicyName of groupInline.PolicyNames ?? []) {
        const p = await this.iam.send(new GetGroupPolicyCommand({ GroupName, PolicyName }));
        documents.push(p.PolicyDocument ?? '{}');
      }
      const groupAttached = await this.iam.send(new ListAttachedGroupPoliciesCommand({ GroupName }));
      managedArns.push(...(groupAttached.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ''));
    }
    documents.push(...(await this.managedDocuments(managedArns)));
    const boundaryArn = user.User?.PermissionsBoundary?.PermissionsBoundaryArn;
    const boundary = boundaryArn ? (await this.managedDocuments([boundaryArn]))[0] : undefined;
    return { documents, boundary };
  }

  private managedDocuments(policyArns: string[]): Promise<string[]> {
    return Promise.all(
      policyArns.map(async (PolicyArn) => {
        const policy = await this.iam.send(new GetPolicyCommand({ PolicyArn }));
        const version = await this.iam.send(
          new GetPolicyVersionCommand({ PolicyArn, VersionId: policy.Policy?.DefaultVersionId ?? 'v1' }),
        );
        return version.PolicyVersion?.Document ?? '{}';
      }),
    );
  }

  close(): void {
    this.iam.destroy();
  }
}

function namesOpenSearch(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  const services = ([] as string[]).concat((principal as { Service?: string | string[] }).Service ?? []);
  return services.some((s) => s === 'es.amazonaws.com' || s === 'opensearchservice.amazonaws.com');
}
