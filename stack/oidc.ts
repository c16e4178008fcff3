// The GitHub runner's ID-token endpoint, so `core.getIDToken(audience)` runs its real code path:
// with ACTIONS_ID_TOKEN_REQUEST_URL=<requestUrl> and ACTIONS_ID_TOKEN_REQUEST_TOKEN=<requestToken>
// it GETs `<requestUrl>&audience=<aud>` with `Authorization: Bearer <token>` and reads `{"value": jwt}`
// (@actions/core lib/oidc-utils.js). The token is an RS256 JWT with GitHub's claims, signed by a key
// made at start and published, like GitHub's, at /.well-known/jwks.
import { createSign, generateKeyPairSync, randomInt, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OidcServerOptions {
  port: number;
  requestToken: string;
  /** The `iss` claim; GitHub's by default, because trust policies and moto's provider name it. */
  issuer?: string;
  subject?: string;
  repository?: string;
}

export interface RunningOidcServer {
  requestUrl: string;
  close(): Promise<void>;
}

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const TOKEN_LIFETIME_S = 300;

export async function startOidcServer(opts: OidcServerOptions): Promise<RunningOidcServer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID().replace(/-/g, '');
  const issuer = opts.issuer ?? GITHUB_ISSUER;
  const repository = opts.repository ?? 'example-org/example-repo';
  const [owner = 'example-org'] = repository.split('/');
  const ref = 'refs/heads/main';
  const subject = opts.subject ?? `repo:${repository}:ref:${ref}`;
  // Like the runner's, the path names a plan and a job; the query already holds api-version, which is
  // why the toolkit appends `&audience=`.
  const idTokenPath = `/_apis/distributedtask/hubs/Actions/plans/${randomUUID()}/jobs/${randomUUID()}/idtoken`;
  const run = { id: String(randomInt(1_000_000_000, 9_999_999_999)), number: '1', attempt: '1' };

  const server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (err) {
      json(res, 500, { message: (err as Error).message });
    }
  });

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://oidc.local');
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        // GitHub's own keys live beside its issuer; ours live here.
        jwks_uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        claims_supported: [
          'sub',
          'aud',
          'exp',
          'iat',
          'iss',
          'jti',
          'nbf',
          'ref',
          'repository',
          'repository_id',
          'repository_owner',
          'run_id',
          'run_number',
          'run_attempt',
          'actor',
          'workflow',
          'workflow_ref',
          'event_name',
          'ref_type',
          'job_workflow_ref',
          'environment',
        ],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/.well-known/jwks') {
      return json(res, 200, {
        keys: [{ ...(publicKey.export({ format: 'jwk' }) as object), kid, alg: 'RS256', use: 'sig' }],
      });
    }
    if (url.pathname !== idTokenPath) return json(res, 404, { message: `Not found: ${url.pathname}` });
    if (req.method !== 'GET')
      return json(res, 405, { message: 'The requested resource does not support http method.' });
    if (!bearerMatches(req.headers.authorization, opts.requestToken)) return unauthorized(res);

    const audience = url.searchParams.get('audience') ?? `https://github.com/${owner}`;
    const now = Math.floor(Date.now() / 1000);
    const workflowRef = `${repository}/.github/workflows/migrate.yml@${ref}`;
    const claims = {
      jti: randomUUID(),
      sub: subject,
      aud: audience,
      ref,
      sha: 'a'.repeat(40),
      repository,
      repository_owner: owner,
      repository_owner_id: '1000001',
      repository_id: '2000002',
      repository_visibility: 'private',
      run_id: run.id,
      run_number: run.number,
      run_attempt: run.attempt,
      actor: 'octocat',
      actor_id: '583231',
      workflow: 'migrate',
      workflow_ref: workflowRef,
      workflow_sha: 'a'.repeat(40),
      head_ref: '',
      base_ref: '',
      event_name: 'workflow_dispatch',
      ref_type: 'branch',
      ref_protected: 'true',
      job_workflow_ref: workflowRef,
      job_workflow_sha: 'a'.repeat(40),
      runner_environment: 'github-hosted',
      iss: issuer,
      nbf: now - 5,
      iat: now,
      exp: now + TOKEN_LIFETIME_S,
    };
    return json(res, 200, { count: 1, value: signJwt(claims, privateKey, kid) });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    requestUrl: `http://127.0.0.1:${port}${idTokenPath}?api-version=2.0`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function signJwt(claims: object, key: KeyObject, kid: string): string {
  const header = { typ: 'JWT', alg: 'RS256', x5t: kid, kid };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key);
  return `${signingInput}.${base64url(signature)}`;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The Azure DevOps-style 401 the runner's token service gives an unknown or missing bearer. */
function unauthorized(res: ServerResponse): void {
  json(res, 401, {
    $id: '1',
    innerException: null,
    message: "TF400813: The user '' is not authorized to access this resource.",
    typeName:
      'Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server',
    typeKey: 'UnauthorizedRequestException',
    errorCode: 0,
    eventId: 3000,
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
