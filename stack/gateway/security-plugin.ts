// Fine-grained access control as a managed domain applies it to IAM callers, switched on per test
// (control `fineGrainedAccessControl.rolesMapping`): the caller's IAM role ARN is its backend role,
// `GET /_plugins/_security/api/account` says which security roles that maps to, and snapshot work
// (register a repository, take a snapshot, restore) needs all_access or manage_snapshots — otherwise
// the security plugin's refusal, the one users quote from real domains.
import * as errors from './aws-errors.js';
import type { Refusal } from './aws-errors.js';
import { snapshotRoute } from './snapshot-routes.js';

const SNAPSHOT_ROLES = ['all_access', 'manage_snapshots'];

/** The IAM role ARN behind a principal (assumed-role session ARNs name the role). */
export function backendRoleOf(principal: string): string {
  return principal.replace(/^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.*$/, 'arn:$1:iam::$2:role/$3');
}

export function mappedRoles(principal: string, mapping: Record<string, string[]>): string[] {
  const backend = backendRoleOf(principal);
  return Object.entries(mapping)
    .filter(([, members]) => members.includes(backend) || members.includes(principal))
    .map(([role]) => role)
    .sort();
}

export function accountAnswer(principal: string, mapping: Record<string, string[]>): Refusal {
  const backend = backendRoleOf(principal);
  return {
    status: 200,
    body: {
      user_name: backend,
      is_reserved: false,
      is_hidden: false,
      is_internal_user: false,
      user_requested_tenant: null,
      backend_roles: [backend],
      custom_attribute_names: [],
      tenants: { [backend]: true },
      roles: mappedRoles(principal, mapping),
    },
  };
}

const ACTIONS: Record<string, string> = {
  'register-repository': 'cluster:admin/repository/put',
  'create-snapshot': 'cluster:admin/snapshot/create',
  restore: 'cluster:admin/snapshot/restore',
};

/** The security plugin's refusal of snapshot work by a caller mapped to no role that allows it. */
export function checkSnapshotPermission(
  method: string,
  pathname: string,
  principal: string,
  mapping: Record<string, string[]>,
): Refusal | undefined {
  const action = ACTIONS[snapshotRoute(method, pathname).kind];
  if (!action) return undefined;
  if (mappedRoles(principal, mapping).some((r) => SNAPSHOT_ROLES.includes(r))) return undefined;
  const backend = backendRoleOf(principal);
  return errors.openSearchError(
    403,
    'security_exception',
    `no permissions for [${action}] and User [name=${backend}, backend_roles=[${backend}], requestedTenant=null]`,
  );
}
