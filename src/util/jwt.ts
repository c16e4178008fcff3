// A JSON Web Token's claims, read without verifying it: the action only learns what its own OIDC token
// says (sub, aud, iss) to word trust policies and errors; STS is the one that verifies the token.

/** The JWT's claims, unverified: only read to learn the `sub` this job's tokens carry. */
export function tokenClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
