// Fine-grained access control: the domain's security plugin, not IAM, decides whether the caller may
// register repositories, take snapshots and restore them.
import type { SideName } from '../constants.js';
import type { Side } from '../context.js';
import { principalArnOf } from '../iam/arns.js';
import type { Checks } from './checks.js';
import type { Identity } from './identity.js';

/** Fine-grained access control: the caller must be mapped to all_access or manage_snapshots on each domain. */
export async function accessControlCheck(
  side: Side,
  label: SideName,
  identity: Identity | undefined,
  checks: Checks,
): Promise<void> {
  const id = `${label}.access-control`;
  const check = `${label === 'source' ? 'Source' : 'Target'} fine-grained access control`;
  await checks.guard(id, check, async () => {
    const account = await side.domain.securityAccount();
    if (!account) return checks.pass(id, check, 'not enabled: IAM alone decides');
    const allowed = account.roles.filter((r) => r === 'all_access' || r === 'manage_snapshots');
    if (allowed.length) return checks.pass(id, check, `${account.user} is mapped to ${allowed.join(', ')}`);
    const who =
      side.config.auth.kind === 'basic' ? side.config.auth.username : principalArnOf(identity?.arn ?? account.user);
    checks.fail(
      id,
      check,
      `${account.user} (backend roles: ${account.backendRoles.join(', ') || 'none'}) is mapped to ${account.roles.join(', ') || 'no role'}; the domain will refuse with "no permissions for [cluster:admin/repository/put]"`,
      `Map ${who} to the manage_snapshots role (Dashboards → Security → Roles → manage_snapshots → Mapped users → ${side.config.auth.kind === 'basic' ? 'Users' : 'Backend roles'}), or: PUT _plugins/_security/api/rolesmapping/manage_snapshots {"${side.config.auth.kind === 'basic' ? 'users' : 'backend_roles'}": ["${who}"]}.`,
    );
  });
}
