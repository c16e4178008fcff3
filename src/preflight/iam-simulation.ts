// Permissions, asked before anything is written: IAM's policy simulation (SimulatePrincipalPolicy) of
// every statement each principal of this run needs — the caller's iam:PassRole on the snapshot role,
// es:ESHttp* on the domains, S3 on the buckets, and the snapshot role's own S3 access (its trust is
// checked beside it, snapshot-role-trust.ts). The simulation needs the optional statement
// CheckPermissionsBeforeWriting; without it these rows warn, and the domain will refuse at registration.
import { IAMClient, SimulatePrincipalPolicyCommand, type EvaluationResult } from '@aws-sdk/client-iam';
import { iamClient } from '../aws/clients.js';
import type { SideName } from '../constants.js';
import type { RunContext } from '../context.js';
import { principalArnOf } from '../iam/arns.js';
import { READ_SNAPSHOT_ROLE_SID, SELF_CHECK_SID } from '../iam/documents.js';
import type { PrincipalNeeds, Requirement } from '../iam/requirements.js';
import { awsErrorName, errorText, type Checks } from './checks.js';
import type { Identity } from './identity.js';
import { roleName, trustCheck } from './snapshot-role-trust.js';

/** IAM is global: one endpoint per partition, reached through its home Region. */
function iamRegion(region: string): string {
  if (region.startsWith('cn-')) return 'cn-north-1';
  if (region.includes('-gov-')) return 'us-gov-west-1';
  return 'us-east-1';
}

interface Denial {
  requirement: Requirement;
  action: string;
  resource: string;
  decision: string;
}

function decisions(result: EvaluationResult): Array<{ resource: string; decision: string }> {
  // Several resources: AWS answers per resource inside ResourceSpecificResults; one: on the result itself.
  if (result.ResourceSpecificResults?.length) {
    return result.ResourceSpecificResults.map((r) => ({
      resource: r.EvalResourceName ?? '*',
      decision: r.EvalResourceDecision ?? 'implicitDeny',
    }));
  }
  return [{ resource: result.EvalResourceName ?? '*', decision: result.EvalDecision ?? 'implicitDeny' }];
}

async function simulate(iam: IAMClient, principal: string, requirements: Requirement[]): Promise<Denial[]> {
  const denials: Denial[] = [];
  for (const requirement of requirements) {
    if (requirement.unresolved) continue;
    const res = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: principal,
        ActionNames: requirement.actions,
        ResourceArns: requirement.resources,
        ContextEntries: Object.entries(requirement.context ?? {}).map(([ContextKeyName, value]) => ({
          ContextKeyName,
          ContextKeyValues: [value],
          ContextKeyType: 'string',
        })),
      }),
    );
    for (const result of res.EvaluationResults ?? []) {
      for (const d of decisions(result)) {
        if (d.decision !== 'allowed')
          denials.push({
            requirement,
            action: result.EvalActionName ?? '?',
            resource: d.resource,
            decision: d.decision,
          });
      }
    }
  }
  return denials;
}

/** Credentials that sign as (or may simulate) this principal: the first side it serves. */
function sideFor(p: PrincipalNeeds): SideName {
  return p.sides[0] ?? 'source';
}

export async function permissionChecks(
  ctx: RunContext,
  principals: PrincipalNeeds[],
  identities: Partial<Record<SideName, Identity>>,
  checks: Checks,
): Promise<void> {
  const clients = new Map<SideName, IAMClient>();
  const iamFor = (label: SideName) => {
    if (!clients.has(label)) clients.set(label, iamClient(iamRegion(ctx[label].config.region), ctx[label].credentials));
    return clients.get(label)!;
  };
  try {
    for (const [i, p] of principals.entries()) {
      // A workflow role that only chains into per-account roles has shown its one permission (sts:AssumeRole) already.
      if (!p.principal.startsWith('arn:') || p.sides.length === 0) continue;
      const label = sideFor(p);
      const id = `iam.${p.kind}${i ? `.${i}` : ''}`;
      const check =
        p.kind === 'snapshot-role'
          ? `Snapshot role ${roleName(p.principal)}: S3 access`
          : `IAM permissions of ${roleName(p.principal)}`;
      const caller = identities[label]?.arn ?? p.principal;
      if (p.kind === 'snapshot-role') await trustCheck(iamFor(label), p.principal, checks, caller);
      let denials: Denial[];
      try {
        denials = await simulate(iamFor(label), p.principal, p.requirements);
      } catch (err) {
        const name = awsErrorName(err);
        if (name === 'AccessDenied' || name === 'AccessDeniedException') {
          checks.warn(
            id,
            check,
            `not checked before writing: ${caller} may not call iam:SimulatePrincipalPolicy on ${p.principal}`,
            `Optional: add statement ${SELF_CHECK_SID} of the IAM documents to ${principalArnOf(caller)} so a plan can see missing permissions; otherwise the domain reports them when the run registers the repository.`,
          );
        } else if (name === 'NoSuchEntity' || name === 'NoSuchEntityException') {
          checks.add(
            id,
            check,
            p.kind === 'snapshot-role' ? 'fail' : 'warn',
            `${p.principal} does not exist in IAM`,
            `Create ${p.principal} with the trust relationship and permissions policy of the IAM documents.`,
          );
        } else {
          checks.warn(
            id,
            check,
            `IAM policy simulation failed: ${errorText(err)}`,
            'Run again; the domain reports missing permissions when the run registers the repository.',
          );
        }
        continue;
      }
      const required = denials.filter((d) => !d.requirement.optional);
      const optional = denials.filter((d) => d.requirement.optional);
      const sids = (list: Denial[]) => [...new Set(list.map((d) => d.requirement.sid))];
      const lines = (list: Denial[]) =>
        list
          .slice(0, 6)
          .map(
            (d) =>
              `${d.requirement.sid}: ${p.kind === 'snapshot-role' ? p.principal : caller} is not authorized to perform: ${d.action} on resource: ${d.resource} (${d.decision}; needed for ${d.requirement.why})`,
          )
          .join('; ') + (list.length > 6 ? '; …' : '');
      if (required.length) {
        checks.fail(
          id,
          check,
          lines(required),
          `Add statement${sids(required).length > 1 ? 's' : ''} ${sids(required).join(', ')} of the IAM documents (iam-documents output) to ${p.principal}${required.some((d) => d.decision === 'explicitDeny') ? ', and remove the Deny that matches' : ''}.`,
        );
      } else if (optional.length) {
        checks.warn(
          id,
          check,
          `everything the run needs is allowed; not allowed: ${lines(optional)}`,
          `Optional: add ${sids(optional).join(', ')} so the preflight can check ${sids(optional).includes(READ_SNAPSHOT_ROLE_SID) ? "the snapshot role's trust" : 'permissions'}.`,
        );
      } else {
        const unresolved = p.requirements.filter((r) => r.unresolved).map((r) => r.sid);
        checks.pass(
          id,
          check,
          `allowed: ${p.requirements
            .filter((r) => !r.unresolved)
            .map((r) => r.sid)
            .join(
              ', ',
            )}${unresolved.length ? ` (${unresolved.join(', ')} not simulated: the domain's ARN is not known; its own answer above counts)` : ''}`,
        );
      }
    }
  } finally {
    for (const c of clients.values()) c.destroy();
  }
}
