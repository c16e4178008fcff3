// Who each side runs as (sts:GetCallerIdentity), and whether that is the account the run needs: the
// snapshot role must be in the caller's own account (iam:PassRole never passes another account's role),
// and a domain owned by another account only answers if its access policy names the caller.
import type { CallerIdentity } from '../aws/credentials.js';
import type { Side } from '../context.js';
import { accountOf } from '../iam/arns.js';
import { errorText, type Checks } from './checks.js';
import type { DomainFacts } from './domains.js';
import type { SideName } from '../constants.js';

export type Identity = CallerIdentity;

/** The credentials phase asked sts:GetCallerIdentity already: the side carries the answer. */
export async function callerIdentity(side: Side): Promise<Identity> {
  return side.identity;
}

export async function identityCheck(
  side: Side,
  label: SideName,
  domain: DomainFacts,
  checks: Checks,
): Promise<Identity | undefined> {
  const id = `${label}.identity`;
  const check = `${label === 'source' ? 'Source' : 'Target'} credentials and account`;
  let me: Identity;
  try {
    me = await callerIdentity(side);
  } catch (err) {
    checks.fail(
      id,
      check,
      errorText(err),
      `The ${label} credentials do not work: check role-to-assume${side.config.roleToAssume ? ` and ${label}-role-to-assume` : ''}.`,
    );
    return undefined;
  }
  const problems: string[] = [];
  const fixes: string[] = [];
  const snapshotAccount = accountOf(side.config.snapshotRoleArn);
  let result: 'pass' | 'warn' | 'fail' = 'pass';
  if (side.config.auth.kind === 'sigv4' && snapshotAccount && snapshotAccount !== me.account) {
    result = 'fail';
    problems.push(`the snapshot role ${side.config.snapshotRoleArn} is in account ${snapshotAccount}`);
    fixes.push(
      `iam:PassRole only passes roles of the caller's own account: use a snapshot role in ${me.account}` +
        (label === 'target' ? ' (target-snapshot-role-arn)' : ' (snapshot-role-arn)') +
        `, or set ${label}-role-to-assume to a role in ${snapshotAccount}.`,
    );
  }
  const owner = domain.ref?.account;
  if (owner && owner !== me.account) {
    if (result === 'pass') result = 'warn';
    problems.push(`the ${label} domain belongs to account ${owner}`);
    fixes.push(
      `Set ${label}-role-to-assume to a role in ${owner}, or make the domain's access policy name ${me.arn.replace(/:assumed-role\/([^/]+)\/.*/, ':role/$1').replace(':sts:', ':iam:')}.`,
    );
  }
  const found = `${me.arn} (account ${me.account})${problems.length ? `; but ${problems.join(' and ')}` : owner ? `, the account that owns the ${label} domain` : ''}`;
  checks.add(id, check, result, found, fixes.join(' ') || undefined);
  return me;
}
