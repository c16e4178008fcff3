// Who is calling, decided the way a managed domain decides it: a SigV4 signature made with keys
// moto issued (IAM user keys, or STS credentials with their session token), or, on a domain with
// fine-grained access control, the internal user's basic-auth password.
import { timingSafeEqual } from 'node:crypto';
import * as errors from './aws-errors.js';
import type { Refusal } from './aws-errors.js';
import type { CallerCredentials, MotoCredentialDirectory } from './moto-credentials.js';
import { headerValue, parseSignedRequest, verifySignature, type IncomingForSigning } from './sigv4.js';

export type Caller =
  { kind: 'iam'; credentials: CallerCredentials; principal: string } | { kind: 'internal-user'; principal: string };

export interface AuthSettings {
  region: string;
  credentials: MotoCredentialDirectory;
  basicAuth?: { username: string; password: string };
}

export async function authenticate(request: IncomingForSigning, settings: AuthSettings): Promise<Caller | Refusal> {
  const authorization = headerValue(request.headers, 'authorization');
  if (settings.basicAuth && authorization?.startsWith('Basic ')) {
    return checkBasic(authorization, settings.basicAuth);
  }
  if (!authorization) {
    // FGAC domains challenge for a password; IAM-only domains see an anonymous caller.
    return settings.basicAuth ? errors.basicAuthUnauthorized() : errors.anonymousNotAuthorized(request.method);
  }

  const parts = parseSignedRequest(request, { region: settings.region, service: 'es' }, new Date());
  if ('status' in parts) return parts;

  let credentials: CallerCredentials | undefined;
  try {
    credentials = await settings.credentials.lookup(parts.accessKeyId);
  } catch (err) {
    return { status: 503, body: { message: `Identity store unavailable: ${(err as Error).message}` } };
  }
  if (!credentials) return errors.invalidSecurityToken();
  // Temporary credentials are only valid with their own token; long-term keys with none.
  if ((credentials.sessionToken ?? '') !== (parts.sessionToken ?? '')) return errors.invalidSecurityToken();

  const check = await verifySignature(request, parts, credentials.secretAccessKey);
  if (!check.ok) return check.refusal;
  return { kind: 'iam', credentials, principal: credentials.principalArn };
}

function checkBasic(authorization: string, expected: { username: string; password: string }): Caller | Refusal {
  const decoded = Buffer.from(authorization.slice('Basic '.length).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const username = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  const given = Buffer.from(`${username}\u0000${password}`);
  const wanted = Buffer.from(`${expected.username}\u0000${expected.password}`);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return errors.basicAuthUnauthorized();
  return { kind: 'internal-user', principal: username };
}
