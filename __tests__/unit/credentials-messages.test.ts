// The words a user gets when STS refuses the workflow's OIDC token (moto accepts every token, so this
// refusal cannot be made to happen on the stack), and the trust policy of a GitHub Enterprise Server job.
import { webIdentityRefusal } from '../../src/aws/credentials.js';
import { oidcTrustPolicy } from '../../src/iam/documents.js';

const claims = {
  sub: 'repo:acme/search:environment:production',
  aud: 'sts.amazonaws.com',
  iss: 'https://token.actions.githubusercontent.com',
};
const refused = Object.assign(new Error('Not authorized to perform sts:AssumeRoleWithWebIdentity'), {
  name: 'AccessDenied',
});

test('a refused token names the sub it carried and the trust policy to change', () => {
  const text = webIdentityRefusal('arn:aws:iam::111122223333:role/Migrate', refused, claims, 'sts.amazonaws.com');
  expect(text).toContain('AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity');
  expect(text).toContain('sub "repo:acme/search:environment:production"');
  expect(text).toContain('oidc-provider/token.actions.githubusercontent.com');
  expect(text).toContain('token.actions.githubusercontent.com:sub matching "repo:acme/search:environment:production"');
  expect(text).toContain('mode: plan');
});

test('a GitHub Enterprise Server token names its own provider host', () => {
  const ghes = { ...claims, iss: 'https://github.example.com/_services/token' };
  const text = webIdentityRefusal('arn:aws:iam::111122223333:role/Migrate', refused, ghes, 'sts.amazonaws.com');
  expect(text).toContain('oidc-provider/github.example.com/_services/token');
  expect(text).not.toContain('token.actions.githubusercontent.com');
});

test("the OIDC trust policy follows the token's issuer (GitHub Enterprise Server), github.com's by default", () => {
  const ghes = oidcTrustPolicy({
    accountId: '111122223333',
    subject: 'repo:acme/search:ref:refs/heads/main',
    issuer: 'https://github.example.com/_services/token',
  });
  expect(ghes.Statement[0]!.Principal).toEqual({
    Federated: 'arn:aws:iam::111122223333:oidc-provider/github.example.com/_services/token',
  });
  expect(ghes.Statement[0]!.Condition).toEqual({
    StringEquals: {
      'github.example.com/_services/token:aud': 'sts.amazonaws.com',
      'github.example.com/_services/token:sub': 'repo:acme/search:ref:refs/heads/main',
    },
  });
  const dotcom = oidcTrustPolicy({ accountId: '111122223333', subject: 'repo:acme/search:ref:refs/heads/main' });
  expect(dotcom.Statement[0]!.Principal).toEqual({
    Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
  });
});
