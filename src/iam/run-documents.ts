// The IAM documents this run needs, as the user copies them into their account: one entry per role
// (trust relationship + permissions policy), generated from the inputs and, once known, the facts the
// preflight found (accounts, domain names, caller identities). Written to the `iam-documents` output
// and the summary, including when the run fails before it could find anything.
import * as core from '@actions/core';
import type { MigrationConfig } from '../config.js';
import type { PolicyDocument } from './documents.js';
import { tokenClaims } from '../util/jwt.js';
import { policyOf, principalsForRun, type IamConfig, type IamFacts, type PrincipalKind } from './requirements.js';

export interface IamRoleDocuments {
  kind: PrincipalKind;
  principal: string;
  purpose: string;
  trustPolicy?: PolicyDocument;
  permissionsPolicy: PolicyDocument;
}

export interface IamDocumentSet {
  /** The OIDC `sub` the workflow role's trust policy admits. */
  subject: string;
  subjectFrom: 'token' | 'environment';
  roles: IamRoleDocuments[];
  notes: string[];
}

export interface GithubSubject {
  subject: string;
  /** The token's `iss`, when a token was read. */
  issuer?: string;
  from: 'token' | 'environment';
  notes: string[];
}

export { tokenClaims } from '../util/jwt.js';

/**
 * The `sub` GitHub puts in this job's OIDC token. The token itself is the truth (it reflects an
 * `environment:` and any custom subject template of the repository); without `id-token: write` it is
 * rebuilt from the run's variables, which cannot see an environment.
 */
export async function githubSubject(
  config: MigrationConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GithubSubject> {
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    try {
      const token = await core.getIDToken(config.credentials.audience);
      core.setSecret(token);
      const claims = tokenClaims(token);
      const sub = claims?.sub;
      const issuer = typeof claims?.iss === 'string' ? { issuer: claims.iss } : {};
      if (typeof sub === 'string' && sub) return { subject: sub, ...issuer, from: 'token', notes: [] };
    } catch {
      // Fall through: the credentials phase reports a token problem in its own words.
    }
  }
  const repository = env.GITHUB_REPOSITORY || 'OWNER/REPOSITORY';
  const notes = [
    'The `sub` was rebuilt from GITHUB_REPOSITORY and GITHUB_REF because no OIDC token was available; a job with `environment: NAME` gets `repo:' +
      `${repository}:environment:NAME` +
      '` instead.',
  ];
  if (env.GITHUB_EVENT_NAME === 'pull_request' || env.GITHUB_EVENT_NAME === 'pull_request_target') {
    return { subject: `repo:${repository}:pull_request`, from: 'environment', notes };
  }
  return { subject: `repo:${repository}:ref:${env.GITHUB_REF || 'refs/heads/main'}`, from: 'environment', notes };
}

export function iamDocumentSet(
  config: IamConfig,
  subject: GithubSubject,
  facts: Omit<IamFacts, 'subject'> = {},
): IamDocumentSet {
  const principals = principalsForRun(config, {
    ...facts,
    subject: subject.subject,
    ...(subject.issuer ? { issuer: subject.issuer } : {}),
  });
  const notes = [...subject.notes];
  if (
    principals.some((p) =>
      p.requirements.some((r) => r.resources.some((x) => x.includes(':*:') || x.endsWith('domain/*/*'))),
    )
  ) {
    notes.push(
      'A domain ARN has `*` where the account or domain name could not be read yet (run with credentials that reach the domain to fill it in).',
    );
  }
  if (config.source.auth.kind === 'basic' || config.target.auth.kind === 'basic') {
    notes.push(
      'A side with basic auth is judged by fine-grained access control, not IAM: map its user to the manage_snapshots role.',
    );
  }
  return {
    subject: subject.subject,
    subjectFrom: subject.from,
    notes,
    roles: principals.map((p) => ({
      kind: p.kind,
      principal: p.principal,
      purpose: p.purpose,
      ...(p.trustPolicy ? { trustPolicy: p.trustPolicy } : {}),
      permissionsPolicy: policyOf(p.requirements),
    })),
  };
}
