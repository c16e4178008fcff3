// Registering a snapshot repository on a managed domain: only S3, only with a role the domain can
// assume, and only by a caller IAM lets pass that role (iam:PassRole). What reaches the node is
// the repository without the AWS-only settings a self-managed repository-s3 does not know.
import * as errors from './aws-errors.js';
import type { Refusal } from './aws-errors.js';
import type { IamDirectory } from './iam-directory.js';
import type { CallerCredentials } from './moto-credentials.js';

export interface RepositoryBody {
  type?: string;
  settings?: Record<string, unknown>;
  [other: string]: unknown;
}

/** Settings only the managed service understands; the node's repository-s3 rejects or misreads them. */
const AWS_ONLY_SETTINGS = ['role_arn', 'region'];

export type RegistrationOutcome = { refusal: Refusal } | { forward: RepositoryBody };

export async function registerRepository(p: {
  repository: string;
  body: RepositoryBody;
  /** Undefined for a basic-auth caller: IAM sees them as anonymous. */
  caller: CallerCredentials | undefined;
  iam: IamDirectory;
}): Promise<RegistrationOutcome> {
  if (p.repository.startsWith('cs-')) return { refusal: errors.reservedRepositoryName(p.repository) };
  const type = p.body.type;
  const settings = p.body.settings ?? {};
  if (type === 'fs') return { refusal: errors.fsRepositoryRefused(p.repository, String(settings['location'] ?? '')) };
  if (typeof type === 'string' && type !== 's3') return { refusal: errors.repositoryTypeMissing(p.repository, type) };
  if (type !== 's3') return { forward: p.body }; // no type at all: let OpenSearch word that error

  const roleArn = settings['role_arn'];
  if (typeof roleArn !== 'string' || roleArn.length === 0) return { refusal: errors.roleArnMissing() };
  if (!p.caller) return { refusal: errors.passRoleDenied('anonymous', roleArn) };

  const decision = await p.iam.decide(p.caller, {
    action: 'iam:PassRole',
    resource: roleArn,
    context: { 'iam:passedtoservice': 'es.amazonaws.com' },
  });
  if (decision !== 'allow') return { refusal: errors.passRoleDenied(p.caller.callerArn, roleArn) };

  const role = await p.iam.snapshotRole(roleArn);
  if (!role.exists || !role.trustsOpenSearch)
    return { refusal: errors.snapshotRoleNotAssumable(p.repository, roleArn) };

  const nodeSettings = Object.fromEntries(Object.entries(settings).filter(([key]) => !AWS_ONLY_SETTINGS.includes(key)));
  return { forward: { ...p.body, settings: nodeSettings } };
}
