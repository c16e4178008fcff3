// Plain HTTP to the stack's engine nodes, with no client-side timeout: `wait_for_completion` on a
// snapshot or restore of GiBs holds the request open for minutes (fetch gives up after 300 s).
import http from 'node:http';

export async function call(node: string, method: string, path: string, body?: unknown, ndjson = false): Promise<any> {
  const url = new URL(path, node);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        headers: {
          'content-type': ndjson ? 'application/x-ndjson' : 'application/json',
          ...(payload !== undefined ? { 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
  if (status >= 300) throw new Error(`${method} ${path}: ${status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : {};
}
