// The snapshot role exists under the ARN given, and its trust relationship lets the OpenSearch service
// assume it (without it, registering the repository fails with a_w_s_security_token_service_exception).
import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { READ_SNAPSHOT_ROLE_SID } from '../iam/documents.js';
import { awsErrorName, errorText, type Checks } from './checks.js';

export const roleName = (arn: string) => arn.split('/').pop() ?? arn;

/** The snapshot role exists and its trust relationship lets the OpenSearch service assume it. */
export async function trustCheck(iam: IAMClient, roleArn: string, checks: Checks, caller: string): Promise<void> {
  const id = `snapshot-role.trust.${roleName(roleArn)}`;
  const check = `Snapshot role ${roleName(roleArn)}: the domains may assume it`;
  let document: string | undefined;
  try {
    const res = await iam.send(new GetRoleCommand({ RoleName: roleName(roleArn) }));
    if (res.Role?.Arn && res.Role.Arn !== roleArn) {
      return checks.fail(
        id,
        check,
        `the role named ${roleName(roleArn)} is ${res.Role.Arn}`,
        `Fix snapshot-role-arn: it must be ${res.Role.Arn} (its path is part of the ARN).`,
      );
    }
    document = res.Role?.AssumeRolePolicyDocument;
  } catch (err) {
    const name = awsErrorName(err);
    if (name === 'NoSuchEntity' || name === 'NoSuchEntityException') {
      return checks.fail(
        id,
        check,
        `${roleArn} does not exist`,
        `Create it with the snapshot role's trust relationship and S3 policy from the IAM documents.`,
      );
    }
    if (name === 'AccessDenied' || name === 'AccessDeniedException') {
      return checks.warn(
        id,
        check,
        `not checked: ${caller} may not call iam:GetRole on ${roleArn}`,
        `Optional: add statement ${READ_SNAPSHOT_ROLE_SID} of the IAM documents.`,
      );
    }
    return checks.warn(id, check, `not checked: ${errorText(err)}`, 'Run again.');
  }
  const trust = JSON.parse(decodeURIComponent(document ?? '%7B%7D')) as { Statement?: unknown };
  const statements = (
    [] as Array<{ Effect?: string; Action?: string | string[]; Principal?: { Service?: string | string[] } | string }>
  ).concat((trust.Statement as never) ?? []);
  const trusts = statements.some((s) => {
    const actions = ([] as string[]).concat(s.Action ?? []);
    const services =
      typeof s.Principal === 'object'
        ? ([] as string[]).concat(s.Principal?.Service ?? [])
        : s.Principal === '*'
          ? ['*']
          : [];
    return (
      s.Effect === 'Allow' &&
      actions.some((a) => ['sts:AssumeRole', 'sts:*', '*'].includes(a)) &&
      services.some((x) => ['es.amazonaws.com', 'opensearchservice.amazonaws.com', '*'].includes(x))
    );
  });
  if (trusts) return checks.pass(id, check, `${roleArn} trusts es.amazonaws.com`);
  checks.fail(
    id,
    check,
    `${roleArn} does not let es.amazonaws.com assume it: repository registration fails with a_w_s_security_token_service_exception`,
    "Replace the role's trust relationship with the snapshot role's trust policy from the IAM documents (Principal Service es.amazonaws.com, Action sts:AssumeRole).",
  );
}
