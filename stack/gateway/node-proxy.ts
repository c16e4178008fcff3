// The wire between the gateway and the bare node: forward a request (the body is already read,
// because SigV4 needs its hash), stream the answer back, and a small JSON GET for facts the
// gateway needs before deciding (a snapshot's index list).
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';

/** Headers that describe one hop, or the caller's AWS credentials: never passed to the node. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'expect',
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
]);

const HOP_BY_HOP_RESPONSE = new Set(['connection', 'keep-alive', 'transfer-encoding', 'trailer', 'upgrade']);

export function forwardToNode(
  nodeUrl: URL,
  incoming: { method: string; url: string; headers: IncomingHttpHeaders },
  body: Buffer,
): Promise<IncomingMessage> {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value;
  }
  headers['host'] = nodeUrl.host;
  const method = incoming.method.toUpperCase();
  if (body.length > 0 || method === 'POST' || method === 'PUT' || method === 'PATCH')
    headers['content-length'] = body.length;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        protocol: nodeUrl.protocol,
        hostname: nodeUrl.hostname,
        port: nodeUrl.port,
        method,
        path: incoming.url,
        headers,
      },
      resolve,
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function responseHeaders(upstream: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !HOP_BY_HOP_RESPONSE.has(name)) headers[name] = value;
  }
  return headers;
}

export async function getNodeJson(nodeUrl: URL, path: string): Promise<{ status: number; json: unknown }> {
  const upstream = await forwardToNode(
    nodeUrl,
    { method: 'GET', url: path, headers: { accept: 'application/json' } },
    Buffer.alloc(0),
  );
  const chunks: Buffer[] = [];
  for await (const chunk of upstream) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return { status: upstream.statusCode ?? 0, json: JSON.parse(text) as unknown };
  } catch {
    return { status: upstream.statusCode ?? 0, json: undefined };
  }
}
