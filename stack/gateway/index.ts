// A bare OpenSearch node dressed as an Amazon OpenSearch Service domain. Every request passes the
// domain's front end (SigV4 for service `es` in the domain's region, or basic auth when the domain
// has fine-grained access control), then the managed domain's rules (S3-only repositories with a
// passable role, no restoring the domain's own indices, no snapshot while the automated one runs,
// customer-changeable cluster settings only), and only then reaches the node.
// Tests steer and observe it through /_gateway/ (unsigned, never forwarded).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as errors from './aws-errors.js';
import type { Refusal } from './aws-errors.js';
import { authenticate, type Caller } from './authenticate.js';
import { checkClusterSettings } from './cluster-settings.js';
import { GatewayControl, type ControlUpdate } from './control.js';
import { IamDirectory } from './iam-directory.js';
import { MotoCredentialDirectory } from './moto-credentials.js';
import { forwardToNode, getNodeJson, responseHeaders } from './node-proxy.js';
import { registerRepository, type RepositoryBody } from './repository-registration.js';
import { describesDomain, rewriteDomainAnswer } from './domain-identity.js';
import { checkRestore, type RestoreRequestBody, type SnapshotFacts } from './restore-guard.js';
import { accountAnswer, checkSnapshotPermission } from './security-plugin.js';
import { splitTarget } from './sigv4.js';
import { snapshotRoute } from './snapshot-routes.js';
import { FsRepositorySync } from './fs-repository-sync.js';
import { S3Client } from '@aws-sdk/client-s3';

export interface GatewayOptions {
  port: number;
  nodeUrl: string;
  region: string;
  motoUrl: string;
  accountId: string;
  log?: (line: string) => void;
  /** Fine-grained access control's internal user: basic auth accepted beside SigV4. */
  basicAuth?: { username: string; password: string };
  /**
   * When set, a signed caller's own IAM policies must also allow es:ESHttp<Verb> on
   * arn:aws:es:<region>:<account>:domain/<domainName>/<path>, as for a domain whose access policy
   * trusts the account. Off by default.
   */
  domainName?: string;
  /**
   * The engine behind the gateway. Elasticsearch domains serve the security plugin under
   * _opendistro/_security only; OpenSearch domains under _plugins/_security and, for old clients,
   * _opendistro/_security too. Default opensearch.
   */
  distribution?: 'opensearch' | 'elasticsearch';
  /**
   * path.repo of a node with no S3 plugin: its snapshots go to fs repositories there, which the gateway
   * syncs with the bucket (fs-repository-sync.ts). Unset for nodes with repository-s3.
   */
  fsRepositoryRoot?: string;
  /** moto's admin credentials, for that sync. */
  s3Admin?: { accessKeyId: string; secretAccessKey: string };
  /**
   * The largest request body the domain accepts (default DEFAULT_MAX_BODY_BYTES); a control update
   * (`maxBodyBytes`) changes it at run time.
   */
  maxBodyBytes?: number;
}

export interface RunningGateway {
  url: string;
  close(): Promise<void>;
}

/**
 * AWS caps a request body by instance type (developer guide, "Amazon OpenSearch Service quotas",
 * network quotas, https://docs.aws.amazon.com/opensearch-service/latest/developerguide/limits.html#network-limits):
 * 10 MiB on t2/t3 (micro to medium), m3.medium/large, and the `.large` sizes of m4, m5, m6g, c4, c5, c6g, r3
 * and om2 (and or1.medium); 100 MiB on xlarge and up, and on r4/r5/r6g(d) and i3 of every size. The gateway
 * models the smallest domains unless told otherwise: a client that fits there fits everywhere.
 */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const LARGE_INSTANCE_MAX_BODY_BYTES = 100 * 1024 * 1024;
/**
 * The node itself refuses request lines over `http.max_initial_line_length` (4 KB by default, which the
 * stack's nodes keep). The gateway's own HTTP parser must not refuse first (Node's default header limit
 * is 16 KiB), or a long line would never show the node's answer nor reach the request log.
 */
const MAX_HEADER_BYTES = 256 * 1024;

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const nodeUrl = new URL(opts.nodeUrl);
  const log = opts.log ?? (() => undefined);
  const credentials = new MotoCredentialDirectory(opts.motoUrl);
  const iam = new IamDirectory(opts.motoUrl);
  const control = new GatewayControl(opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  const fsSync = opts.fsRepositoryRoot
    ? new FsRepositorySync(
        opts.fsRepositoryRoot,
        (region) => new S3Client({ endpoint: opts.motoUrl, region, forcePathStyle: true, credentials: opts.s3Admin }),
        opts.region,
      )
    : undefined;
  const securityAccountPaths =
    opts.distribution === 'elasticsearch'
      ? ['/_opendistro/_security/api/account']
      : ['/_plugins/_security/api/account', '/_opendistro/_security/api/account'];

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`internal error on ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) send(res, { status: 500, body: { message: `Gateway error: ${(err as Error).message}` } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const { pathname } = splitTarget(url);
    if (pathname === '/_gateway' || pathname.startsWith('/_gateway/')) return handleControl(req, res, method, pathname);

    let principal: string | null = null;
    let forwarded = false;
    let bodyBytes = 0;
    // What OpenSearch's http.max_initial_line_length measures: the whole first line of the request.
    const requestLineBytes = Buffer.byteLength(`${req.method} ${url} HTTP/${req.httpVersion}`);
    res.on('finish', () => {
      control.record({
        method,
        path: url,
        status: res.statusCode,
        principal,
        forwarded,
        requestLineBytes,
        bodyBytes,
        at: new Date().toISOString(),
      });
      log(
        `${method} ${url} ${res.statusCode}${principal ? ` ${principal}` : ''}${forwarded ? '' : ' (not forwarded)'}`,
      );
    });

    const limit = control.maxBodyBytes;
    const body = await readBody(req, limit);
    if (!body) {
      bodyBytes = Number(req.headers['content-length'] ?? limit + 1);
      return send(res, errors.payloadTooLarge(limit));
    }
    bodyBytes = body.length;

    const caller = await authenticate(
      { method, url, headers: req.headers, body },
      { region: opts.region, credentials, basicAuth: opts.basicAuth },
    );
    if ('status' in caller) return send(res, caller);
    principal = caller.principal;

    if (opts.domainName && caller.kind === 'iam') {
      const resource = `arn:aws:es:${opts.region}:${opts.accountId}:domain/${opts.domainName}/${pathname.replace(/^\/+/, '')}`;
      const decision = await iam.decide(caller.credentials, { action: errors.esHttpAction(method), resource });
      if (decision !== 'allow') return send(res, errors.esHttpNotAllowed(caller.credentials.callerArn, method));
    }

    // Fine-grained access control, when a test switched it on: the security plugin answers for IAM callers.
    const mapping = control.rolesMapping;
    if (mapping && caller.kind === 'iam') {
      if (method === 'GET' && securityAccountPaths.includes(pathname))
        return send(res, accountAnswer(caller.principal, mapping));
      const refusal = checkSnapshotPermission(method, pathname, caller.principal, mapping);
      if (refusal) return send(res, refusal);
    }

    const decided = await applyDomainRules(method, pathname, body, caller);
    if ('refusal' in decided) return send(res, decided.refusal);
    if ('answer' in decided) return send(res, decided.answer);

    forwarded = true;
    const delay = control.take504(method, pathname);
    if (delay !== undefined) return forwardThen504(res, { method, url, headers: req.headers }, decided.body, delay);
    let upstream: IncomingMessage;
    try {
      upstream = await forwardToNode(nodeUrl, { method, url, headers: req.headers }, decided.body);
    } catch (err) {
      return send(res, errors.upstreamUnavailable((err as Error).message));
    }
    if (
      describesDomain(method, pathname) &&
      (control.reportedVersion || (opts.domainName && !pathname.includes('/_settings')))
    ) {
      return sendRewritten(res, upstream, pathname);
    }
    res.writeHead(upstream.statusCode ?? 502, responseHeaders(upstream));
    res.on('close', () => upstream.destroy());
    upstream.pipe(res);
  }

  /** The managed domain's rules; the body to forward, a refusal, or an answer of the gateway's own. */
  async function applyDomainRules(
    method: string,
    pathname: string,
    body: Buffer,
    caller: Caller,
  ): Promise<{ body: Buffer } | { refusal: Refusal } | { answer: Refusal }> {
    const json = parseJson(body);
    const settingsRefusal = control.selfManagedClusterSettings
      ? undefined
      : checkClusterSettings(method, pathname, json);
    if (settingsRefusal) return { refusal: settingsRefusal };

    const route = snapshotRoute(method, pathname);
    switch (route.kind) {
      case 'status': {
        const automated = control.automatedSnapshotStatus();
        if (!automated) return { body };
        const node = await getNodeJson(nodeUrl, '/_snapshot/_status').catch(() => ({ status: 0, json: undefined }));
        const running = (node.json as { snapshots?: unknown[] } | undefined)?.snapshots ?? [];
        return { answer: { status: 200, body: { snapshots: [automated, ...running] } } };
      }
      case 'create-snapshot':
        if (control.automatedSnapshot)
          return { refusal: errors.snapshotAlreadyRunning(route.repository, route.snapshot) };
        return { body };
      case 'register-repository': {
        if (!json || typeof json !== 'object') return { body };
        const outcome = await registerRepository({
          repository: route.repository,
          body: json as RepositoryBody,
          caller: caller.kind === 'iam' ? caller.credentials : undefined,
          iam,
        });
        if ('refusal' in outcome) return outcome;
        const forward = fsSync ? fsSync.nodeRepository(route.repository, json as RepositoryBody) : outcome.forward;
        return { body: Buffer.from(JSON.stringify(forward)) };
      }
      case 'restore': {
        const facts = await snapshotFacts(route.repository, route.snapshot);
        if (!facts) return { body }; // the node will explain a missing repository or snapshot
        const refusal = checkRestore({
          repository: route.repository,
          snapshot: route.snapshot,
          body: (json && typeof json === 'object' ? json : {}) as RestoreRequestBody,
          facts,
          principalArn: caller.principal,
          fineGrainedAccessControl: opts.basicAuth !== undefined,
        });
        return refusal ? { refusal } : { body };
      }
      default:
        return fsSync ? syncedAnswer(method, pathname, body, fsSync) : { body };
    }
  }

  /** An fs repository behind an s3 one: describe it as s3, and upload a snapshot before it reads done. */
  async function syncedAnswer(
    method: string,
    pathname: string,
    body: Buffer,
    sync: FsRepositorySync,
  ): Promise<{ body: Buffer } | { answer: Refusal }> {
    const [first, repository, snapshot, action] = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (method !== 'GET' || first !== '_snapshot' || !repository || !sync.synced(repository)) return { body };
    if (!snapshot) return { answer: { status: 200, body: sync.describe(repository) } };
    if (snapshot.startsWith('_') || (action && action !== '_status')) return { body };
    const path = `/_snapshot/${encodeURIComponent(repository)}/${encodeURIComponent(snapshot)}`;
    const { json } = await getNodeJson(nodeUrl, path).catch(() => ({ status: 0, json: undefined }));
    const state = (json as { snapshots?: Array<{ state?: string }> } | undefined)?.snapshots?.[0]?.state;
    await sync.uploadFinished(repository, snapshot, state);
    return { body };
  }

  async function snapshotFacts(repository: string, snapshot: string): Promise<SnapshotFacts | undefined> {
    const path = `/_snapshot/${encodeURIComponent(repository)}/${encodeURIComponent(snapshot)}`;
    const { status, json } = await getNodeJson(nodeUrl, path).catch(() => ({ status: 0, json: undefined }));
    const info = (json as { snapshots?: Array<{ uuid?: string; indices?: string[] }> } | undefined)?.snapshots?.[0];
    if (status !== 200 || !info) return undefined;
    return { uuid: info.uuid ?? '_na_', indices: info.indices ?? [] };
  }

  /** `GET /` and `GET /_nodes` as the managed domain answers them (its cluster name, a reported version). */
  async function sendRewritten(res: ServerResponse, upstream: IncomingMessage, pathname: string): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of upstream) chunks.push(chunk as Buffer);
    let json: unknown;
    try {
      json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(upstream.statusCode ?? 502, responseHeaders(upstream));
      return void res.end(Buffer.concat(chunks));
    }
    const body = rewriteDomainAnswer(pathname, json, {
      accountId: opts.accountId,
      domainName: opts.domainName,
      reportedVersion: control.reportedVersion,
      distribution: opts.distribution,
    });
    send(res, { status: upstream.statusCode ?? 200, body });
  }

  /** The node does the work; the client, like one behind AWS's idle timeout, only sees a 504. */
  function forwardThen504(
    res: ServerResponse,
    incoming: Parameters<typeof forwardToNode>[1],
    body: Buffer,
    afterMs: number,
  ): void {
    forwardToNode(nodeUrl, incoming, body).then(
      (upstream) => {
        upstream.resume();
        upstream.on('end', () =>
          log(`${incoming.method} ${incoming.url}: node answered ${upstream.statusCode} behind a 504`),
        );
      },
      (err: Error) => log(`${incoming.method} ${incoming.url}: node unreachable behind a 504: ${err.message}`),
    );
    setTimeout(() => send(res, errors.gatewayTimeout()), afterMs);
  }

  async function handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    pathname: string,
  ): Promise<void> {
    const body = (await readBody(req, 1024 * 1024)) ?? Buffer.alloc(0);
    if (pathname === '/_gateway/control' && method === 'POST') {
      const update = (parseJson(body) ?? {}) as ControlUpdate;
      try {
        control.apply(update);
      } catch (err) {
        return send(res, { status: 400, body: { message: (err as Error).message } });
      }
      log(`control: ${JSON.stringify(control.state())}`);
      return send(res, { status: 200, body: control.state() });
    }
    if (pathname === '/_gateway/control' && method === 'GET') return send(res, { status: 200, body: control.state() });
    if (pathname === '/_gateway/requests' && method === 'GET')
      return send(res, { status: 200, body: control.requests() });
    if (pathname === '/_gateway/requests' && method === 'DELETE') {
      control.clearRequests();
      return send(res, { status: 200, body: { acknowledged: true } });
    }
    return send(res, { status: 404, body: { message: `No gateway endpoint ${method} ${pathname}` } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  log(`listening on ${url}, forwarding to ${opts.nodeUrl} as a domain in ${opts.region}`);

  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        iam.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, reply: Refusal): void {
  if (res.headersSent) return;
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'x-amzn-requestid': randomUUID(),
    ...reply.headers,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The whole request body, or undefined past the limit (the rest is drained, not buffered). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) tooLarge = true;
    else chunks.push(chunk as Buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
