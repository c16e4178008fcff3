// The IAM side of a managed domain's checks. IAM's decisions come from the stack's moto program, which
// holds the policies and the stack's one policy evaluator (stack/moto/iam_checks.py, POST /_stack/authorize:
// identity policies, permissions boundary and session policy, judged by moto's evaluator); whether a role
// the caller passes exists and trusts the OpenSearch service is read with the ordinary IAM API.
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import type { CallerCredentials } from './moto-credentials.js';

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface PolicyQuestion {
  action: string;
  resource: string;
  /** Request context keys (e.g. "iam:PassedToService"). */
  context?: Record<string, string>;
}

export interface SnapshotRoleFacts {
  exists: boolean;
  trustsOpenSearch: boolean;
}

const DECISIONS: Record<string, Decision> = {
  allowed: 'allow',
  explicitDeny: 'explicit-deny',
  implicitDeny: 'implicit-deny',
};

/** A decision in SimulatePrincipalPolicy's words, as the stack's evaluator gives it (stack/moto/policy.py). */
export function decisionFrom(word: string): Decision {
  const decision = DECISIONS[word];
  if (!decision) throw new Error(`the stack's policy evaluator answered an unknown decision ${word}`);
  return decision;
}

export class IamDirectory {
  private readonly iam: IAMClient;

  constructor(private readonly motoUrl: string) {
    // moto accepts any credentials for reads; these never leave the machine.
    this.iam = new IAMClient({
      endpoint: motoUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'domain-gateway', secretAccessKey: 'domain-gateway' },
      maxAttempts: 2,
    });
  }

  /** IAM's answer for this caller: its identity policies, boundary and session policy (if any) must each allow. */
  async decide(caller: CallerCredentials, question: PolicyQuestion): Promise<Decision> {
    const response = await fetch(new URL('/_stack/authorize', this.motoUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ principal: caller.principalArn, sessionPolicy: caller.sessionPolicy, ...question }),
    });
    if (!response.ok) throw new Error(`moto's /_stack/authorize answered ${response.status}`);
    return decisionFrom(((await response.json()) as { decision: string }).decision);
  }

  async snapshotRole(roleArn: string): Promise<SnapshotRoleFacts> {
    const name = roleArn.split('/').pop() ?? '';
    const role = await this.iam.send(new GetRoleCommand({ RoleName: name })).then(
      (r) => r.Role,
      () => undefined,
    );
    if (!role || role.Arn !== roleArn) return { exists: false, trustsOpenSearch: false };
    const trust = role.AssumeRolePolicyDocument ? parseTrustPolicy(role.AssumeRolePolicyDocument) : {};
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

/** A trust policy as IAM returns it (URL-encoded, from moto as from AWS). */
function parseTrustPolicy(text: string): { Statement?: unknown } {
  const json = text.trimStart().startsWith('%') || text.includes('%22') ? decodeURIComponent(text) : text;
  return JSON.parse(json) as { Statement?: unknown };
}
