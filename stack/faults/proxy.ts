// A fault-injecting HTTP proxy for one service (S3, STS or a domain), loopback only. Requests pass through
// unchanged (the Host header too, so SigV4 signatures made for the proxy's address still verify at the
// domain gateway), except those the plan picks: they get a fault instead. Every request is logged with
// its operation, what the client got and whether the upstream did the work, so a test can count copies.
//
// Control (never forwarded):  POST /_faults {seed, pattern, rules}   replace the plan (counts are kept)
//                             GET /_faults[?log=1]                    plan, counts, and the request log
//                             DELETE /_faults                         no faults, counts and log cleared
import {
  createServer,
  request as httpRequest,
  Agent,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { classify, type Operation, type Service } from './operations.js';
import { FaultPlan, type FaultKind, type FaultPlanSpec } from './plan.js';
import * as replies from './replies.js';

export interface FaultProxyOptions {
  service: Service;
  /** e.g. http://127.0.0.1:19200 (moto) or a domain gateway's URL. */
  upstream: string;
  /** 0 (default): any free port. */
  port?: number;
  log?: (line: string) => void;
}

export interface ProxiedRequest {
  n: number;
  method: string;
  path: string;
  op: string;
  bucket?: string;
  key?: string;
  mutating: boolean;
  fault?: FaultKind;
  /** What the client was sent: a status, or 'reset' when the connection was cut. */
  outcome: number | 'reset' | 'client-gone';
  /** The upstream's status when the request was forwarded (the work was done there), else null. */
  upstreamStatus: number | null;
  at: string;
}

export interface FaultProxyState {
  service: Service;
  upstream: string;
  plan: object | null;
  requests: number;
  injected: Partial<Record<FaultKind, number>>;
  log?: ProxiedRequest[];
}

export interface RunningFaultProxy {
  url: string;
  service: Service;
  close(): Promise<void>;
}

/** Headers that belong to one hop: recomputed for the next one. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'expect',
];

interface UpstreamAnswer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

export async function startFaultProxy(o: FaultProxyOptions): Promise<RunningFaultProxy> {
  const upstream = new URL(o.upstream);
  // A fresh upstream connection per request: a kept-alive one the upstream closed while idle would fail a
  // request with no fault in the plan, and the tests count retries against faults exactly.
  const agent = new Agent({ keepAlive: false, maxSockets: 128 });
  const log = o.log ?? (() => undefined);
  let plan: FaultPlan | undefined;
  let seen: ProxiedRequest[] = [];
  let count = 0;
  const injected: Partial<Record<FaultKind, number>> = {};
  const sockets = new Set<Socket>();
  /** Answers held back by `slow`: released at once when the proxy closes, so no timer outlives it. */
  const held = new Set<() => void>();

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`proxy error on ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent)
        reply(res, {
          status: 502,
          headers: { 'content-type': 'text/plain' },
          body: `fault proxy: ${(err as Error).message}`,
        });
      else res.destroy();
    });
  });
  // Likewise toward the client: never close an idle kept-alive connection (Node's default is after 5 s),
  // or a request sent on it at that moment fails on its own.
  server.keepAliveTimeout = 0;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    const body = await readAll(req);
    if (path === '/_faults') return control(method, url, body, res);

    const operation = classify(o.service, method, url, req.headers, body);
    const rule = plan?.decide(method, path, operation);
    const entry: ProxiedRequest = {
      n: ++count,
      method,
      path: url,
      op: operation.op,
      bucket: operation.bucket,
      key: operation.key,
      mutating: operation.mutating,
      fault: rule?.kind,
      outcome: 0,
      upstreamStatus: null,
      at: new Date().toISOString(),
    };
    seen.push(entry);
    if (rule) injected[rule.kind] = (injected[rule.kind] ?? 0) + 1;

    const canned = rule && cannedReply(rule.kind);
    if (canned) {
      entry.outcome = canned.status;
      return reply(res, canned);
    }
    let answer: UpstreamAnswer;
    try {
      answer = await forward(req, method, url, body);
    } catch (err) {
      entry.outcome = 502;
      return reply(res, {
        status: 502,
        headers: { 'content-type': 'text/plain' },
        body: `fault proxy: upstream ${upstream.origin} unreachable: ${(err as Error).message}`,
      });
    }
    entry.upstreamStatus = answer.status;
    switch (rule?.kind) {
      case 'os-504':
        entry.outcome = 504;
        return reply(res, replies.gatewayTimeout());
      case 'reset':
        entry.outcome = 'reset';
        return resetMidAnswer(req, res, method, answer);
      case 'slow':
        await new Promise<void>((resolve) => {
          const release = () => {
            clearTimeout(timer);
            held.delete(release);
            resolve();
          };
          const timer = setTimeout(release, rule.delayMs ?? 60_000);
          held.add(release);
        });
        if (res.destroyed || req.socket.destroyed) {
          entry.outcome = 'client-gone';
          return;
        }
        break;
    }
    if (res.destroyed || req.socket.destroyed) {
      entry.outcome = 'client-gone';
      return;
    }
    entry.outcome = answer.status;
    res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
    res.end(method === 'HEAD' ? undefined : answer.body);
  }

  function cannedReply(kind: FaultKind): replies.CannedReply | undefined {
    switch (kind) {
      case 's3-slowdown':
        return replies.slowDown();
      case 's3-internal-error':
        return replies.internalError();
      case 'copy-error-200':
        return replies.copyErrorIn200();
      case 'os-429':
        return replies.tooManyRequests();
      case 'sts-throttle':
        return replies.stsThrottling();
      default:
        return undefined;
    }
  }

  function forward(req: IncomingMessage, method: string, url: string, body: Buffer): Promise<UpstreamAnswer> {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined && !HOP_BY_HOP.includes(name)) headers[name] = value;
    if (body.length || req.headers['content-length'] !== undefined) headers['content-length'] = body.length;
    return new Promise((resolve, reject) => {
      const up = httpRequest(
        { host: upstream.hostname, port: upstream.port, method, path: url, headers, agent },
        (answer) => {
          readAll(answer).then((data) => {
            const out: OutgoingHttpHeaders = {};
            for (const [name, value] of Object.entries(answer.headers))
              if (value !== undefined && !HOP_BY_HOP.includes(name) && name !== 'content-length') out[name] = value;
            resolve({ status: answer.statusCode ?? 502, headers: out, body: data });
          }, reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });
  }

  /** Headers and half the body, then a TCP reset; an answer without a body is cut before its first byte. */
  function resetMidAnswer(req: IncomingMessage, res: ServerResponse, method: string, answer: UpstreamAnswer): void {
    const socket = req.socket;
    const cut = () => (typeof socket.resetAndDestroy === 'function' ? socket.resetAndDestroy() : socket.destroy());
    if (method === 'HEAD' || answer.body.length < 2) return void cut();
    res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
    res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)), () => setImmediate(cut));
  }

  function control(method: string, url: string, body: Buffer, res: ServerResponse): void {
    const json = (status: number, value: unknown) =>
      reply(res, { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
    if (method === 'POST') {
      try {
        plan = new FaultPlan(JSON.parse(body.toString('utf8') || '{}') as FaultPlanSpec, o.service);
      } catch (err) {
        return json(400, { message: (err as Error).message });
      }
      log(`plan: ${JSON.stringify(plan.describe())}`);
      return json(200, state(false));
    }
    if (method === 'DELETE') {
      plan = undefined;
      seen = [];
      count = 0;
      for (const k of Object.keys(injected)) delete injected[k as FaultKind];
      return json(200, state(false));
    }
    if (method === 'GET') return json(200, state(new URLSearchParams(url.split('?')[1] ?? '').get('log') === '1'));
    return json(405, { message: `${method} /_faults: use GET, POST or DELETE` });
  }

  function state(withLog: boolean): FaultProxyState {
    return {
      service: o.service,
      upstream: upstream.origin,
      plan: plan?.describe() ?? null,
      requests: count,
      injected: { ...injected },
      ...(withLog ? { log: seen } : {}),
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  log(`${o.service} fault proxy on ${url} → ${upstream.origin}`);
  return {
    url,
    service: o.service,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const release of [...held]) release();
        for (const s of sockets) s.destroy();
        agent.destroy();
      }),
  };
}

function reply(res: ServerResponse, r: replies.CannedReply): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body) });
  res.end(r.body);
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export type { Operation };
