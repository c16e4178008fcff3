// A small HTTP proxy in front of moto that makes loopback S3 behave like S3 across regions:
// every request waits a fixed round trip, and a server-side copy (CopyObject, UploadPartCopy)
// also waits for S3 to reach the source region and for its bytes at a per-request copy rate. On loopback moto answers in a millisecond
// and concurrency would not show; through this proxy it shows as it does on AWS.
//
// It also counts what passes: requests by S3 operation, and body bytes each way, which is how the
// benchmark shows that no object bytes pass through the runner. Tests use its `fault` hook to
// make a real S3 client meet answers moto never gives (412 on a changed source, a 200 whose body
// is an error, SlowDown).
//
// Standalone: tsx bench/copy/latency-proxy.ts --target http://127.0.0.1:19600 --port 19610 --rtt-ms 80 --copy-fixed-ms 75 --copy-mib-per-s 40 [--answer-copies]
import http from 'node:http';
import { parseArgs } from 'node:util';

export interface RequestInfo {
  method: string;
  operation: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

export interface Fault {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface LatencyProxyOptions {
  /** moto's address, e.g. http://127.0.0.1:19600 */
  target: string;
  port: number;
  host?: string;
  /** Added to every request. */
  rttMs?: number;
  /**
   * Added to each copy request (CopyObject, UploadPartCopy) on top of the round trip: S3 in the
   * destination region fetches the source from the source region, one more inter-region round trip.
   */
  copyFixedMs?: number;
  /** Server-side copy throughput of one request; 0 = copies cost no extra time. */
  copyBytesPerSecond?: number;
  /** Size of a source object, when the caller knows it; otherwise the proxy asks moto (HEAD) once. */
  sizeOf?: (bucket: string, key: string) => number | undefined;
  /** Answer instead of moto when this returns a fault. */
  fault?: (request: RequestInfo) => Fault | undefined;
  /**
   * Answer copy writes (CopyObject, the multipart calls) here, after the modelled delay, instead of
   * asking moto; listings still go to moto. Nothing is written: this measures how fast each client
   * can drive an S3 that is never the bottleneck, which moto on two cores is not.
   */
  answerCopies?: boolean;
}

const STUB_ETAG = '"0123456789abcdef0123456789abcdef"';
const XML = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** What S3 would say to a copy write, for `answerCopies`. */
function stubAnswer(operation: string, bucket: string, key: string): Fault | undefined {
  const now = new Date().toISOString();
  switch (operation) {
    case 'CopyObject':
      return {
        status: 200,
        body: `${XML}<CopyObjectResult><LastModified>${now}</LastModified><ETag>${STUB_ETAG}</ETag></CopyObjectResult>`,
      };
    case 'UploadPartCopy':
      return {
        status: 200,
        body: `${XML}<CopyPartResult><LastModified>${now}</LastModified><ETag>${STUB_ETAG}</ETag></CopyPartResult>`,
      };
    case 'CreateMultipartUpload':
      return {
        status: 200,
        body: `${XML}<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${escapeXml(key)}</Key><UploadId>stub-${Math.random().toString(36).slice(2)}</UploadId></InitiateMultipartUploadResult>`,
      };
    case 'CompleteMultipartUpload':
      return {
        status: 200,
        body: `${XML}<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${escapeXml(key)}</Key><ETag>"${'0'.repeat(32)}-2"</ETag></CompleteMultipartUploadResult>`,
      };
    case 'AbortMultipartUpload':
      return { status: 204 };
    default:
      return undefined;
  }
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface ProxyStats {
  requests: Record<string, number>;
  /** Bytes of request bodies received from clients. */
  requestBodyBytes: number;
  /** Bytes of response bodies sent to clients. */
  responseBodyBytes: number;
  /** Object payload among those: GetObject responses, PutObject/UploadPart request bodies. */
  objectPayloadBytes: number;
}

export interface LatencyProxy {
  url: string;
  /** Switch `answerCopies` on or off between runs. */
  answerCopies: boolean;
  stats: ProxyStats;
  reset(): void;
  close(): Promise<void>;
}

const emptyStats = (): ProxyStats => ({
  requests: {},
  requestBodyBytes: 0,
  responseBodyBytes: 0,
  objectPayloadBytes: 0,
});

/** The S3 operation a path-style request stands for. */
export function classify(
  method: string,
  bucket: string,
  key: string,
  query: URLSearchParams,
  headers: http.IncomingHttpHeaders,
): string {
  const copy = headers['x-amz-copy-source'] !== undefined;
  if (!bucket) return method === 'GET' ? 'ListBuckets' : `${method} /`;
  if (!key) {
    if (method === 'GET') {
      if (query.has('uploads')) return 'ListMultipartUploads';
      if (query.has('location')) return 'GetBucketLocation';
      return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    }
    if (method === 'POST' && query.has('delete')) return 'DeleteObjects';
    return { PUT: 'CreateBucket', DELETE: 'DeleteBucket', HEAD: 'HeadBucket' }[method] ?? `${method} bucket`;
  }
  if (query.has('tagging'))
    return method === 'GET' ? 'GetObjectTagging' : `${method === 'PUT' ? 'Put' : 'Delete'}ObjectTagging`;
  switch (method) {
    case 'HEAD':
      return 'HeadObject';
    case 'GET':
      return query.has('uploadId') ? 'ListParts' : 'GetObject';
    case 'PUT':
      if (query.has('partNumber')) return copy ? 'UploadPartCopy' : 'UploadPart';
      return copy ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      if (query.has('uploadId')) return 'CompleteMultipartUpload';
      return 'POST object';
    case 'DELETE':
      return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    default:
      return `${method} object`;
  }
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

/** `bucket/key` from x-amz-copy-source (either URL-encoded form, optional leading slash, optional ?versionId). */
function parseCopySource(header: string): { bucket: string; key: string } {
  const path = decodeURIComponent(header.split('?')[0]!.replace(/^\//, ''));
  const slash = path.indexOf('/');
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}

export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const target = new URL(options.target);
  const host = options.host ?? '127.0.0.1';
  const rtt = options.rttMs ?? 0;
  const rate = options.copyBytesPerSecond ?? 0;
  const copyFixed = options.copyFixedMs ?? 0;
  const upstream = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const sizes = new Map<string, number>();
  let stats = emptyStats();

  const forward = (req: http.IncomingMessage, path: string) =>
    http.request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path,
      headers: req.headers,
      agent: upstream,
    });

  async function sourceSize(bucket: string, key: string): Promise<number> {
    const known = options.sizeOf?.(bucket, key) ?? sizes.get(`${bucket}/${key}`);
    if (known !== undefined) return known;
    const size = await new Promise<number>((resolve) => {
      const head = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: 'HEAD',
          path: `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
          agent: upstream,
        },
        (res) => {
          res.resume();
          resolve(Number(res.headers['content-length'] ?? 0));
        },
      );
      head.on('error', () => resolve(0));
      head.end();
    });
    sizes.set(`${bucket}/${key}`, size);
    return size;
  }

  /** Time S3 would spend copying this request's bytes. */
  async function copyMs(operation: string, headers: http.IncomingHttpHeaders): Promise<number> {
    if (operation !== 'CopyObject' && operation !== 'UploadPartCopy') return 0;
    if (!rate) return copyFixed;
    let bytes: number;
    const range = /bytes=(\d+)-(\d+)/.exec(String(headers['x-amz-copy-source-range'] ?? ''));
    if (range) bytes = Number(range[2]) - Number(range[1]) + 1;
    else {
      const { bucket, key } = parseCopySource(String(headers['x-amz-copy-source']));
      bytes = await sourceSize(bucket, key);
    }
    return copyFixed + (bytes / rate) * 1000;
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const method = req.method ?? 'GET';
    const operation = classify(method, decodeURIComponent(bucket), key, url.searchParams, req.headers);
    stats.requests[operation] = (stats.requests[operation] ?? 0) + 1;
    const payload = operation === 'PutObject' || operation === 'UploadPart';
    // Attached only when the body is about to flow: a 'data' listener starts the stream.
    const countRequest = (chunk: Buffer) => {
      stats.requestBodyBytes += chunk.length;
      if (payload) stats.objectPayloadBytes += chunk.length;
    };
    const countResponse = (chunk: Buffer) => {
      stats.responseBodyBytes += chunk.length;
      if (operation === 'GetObject') stats.objectPayloadBytes += chunk.length;
    };

    // Half the round trip on the way in, half (plus the copy time) on the way out.
    await sleep(rtt / 2);
    const fault =
      options.fault?.({
        method,
        operation,
        bucket: decodeURIComponent(bucket),
        key,
        query: url.searchParams,
        headers: req.headers,
      }) ?? (options.answerCopies ? stubAnswer(operation, decodeURIComponent(bucket), key) : undefined);
    if (fault) {
      req.on('data', countRequest);
      req.resume();
      await sleep(rtt / 2 + (await copyMs(operation, req.headers)));
      const body = Buffer.from(fault.body ?? '');
      countResponse(body);
      res.writeHead(fault.status, {
        'content-type': 'application/xml',
        'content-length': String(body.length),
        'x-amz-request-id': 'proxy',
        ...fault.headers,
      });
      res.end(body);
      return;
    }
    const extra = copyMs(operation, req.headers);
    const upstreamRequest = forward(req, req.url ?? '/');
    upstreamRequest.on('response', async (upstreamResponse) => {
      await sleep(rtt / 2 + (await extra));
      res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      upstreamResponse.on('data', countResponse);
      upstreamResponse.pipe(res);
    });
    upstreamRequest.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
    req.on('data', countRequest);
    req.pipe(upstreamRequest);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  return {
    url: `http://${host}:${options.port}`,
    get answerCopies() {
      return options.answerCopies ?? false;
    },
    set answerCopies(on: boolean) {
      options.answerCopies = on;
    },
    get stats() {
      return stats;
    },
    reset() {
      stats = emptyStats();
    },
    async close() {
      upstream.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', default: process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:19600' },
      port: { type: 'string', default: '19610' },
      'rtt-ms': { type: 'string', default: '80' },
      'copy-fixed-ms': { type: 'string', default: '75' },
      'copy-mib-per-s': { type: 'string', default: '40' },
      'answer-copies': { type: 'boolean', default: false },
    },
  });
  const proxy = await startLatencyProxy({
    target: values.target!,
    port: Number(values.port),
    rttMs: Number(values['rtt-ms']),
    copyFixedMs: Number(values['copy-fixed-ms']),
    copyBytesPerSecond: Number(values['copy-mib-per-s']) * 1024 * 1024,
    answerCopies: values['answer-copies'],
  });
  console.log(`latency proxy ${proxy.url} -> ${values.target}`);
  process.on('SIGINT', () => {
    console.log(JSON.stringify(proxy.stats));
    void proxy.close().then(() => process.exit(0));
  });
}
