// The HTTP server the stack's moto runs on (stack/moto/http11.py), spoken to byte by byte over one
// socket: connections stay open from request to request, `Expect: 100-continue` gets one interim
// answer, chunked bodies arrive whole, and a body the app leaves unread does not spill into the next
// request on the connection.
import net from 'node:net';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { adminS3, stackEnv, unique } from '../support/stack.js';

const env = stackEnv();
const moto = new URL(env.AWS_ENDPOINT_URL!);

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Interim `100 Continue` answers that came before this one. */
  continues: number;
}

/** One socket to moto, and the answers read off it in order. */
class Connection {
  private readonly socket: net.Socket;
  private buffered = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  closed = false;

  constructor() {
    this.socket = net.connect(Number(moto.port), moto.hostname);
    this.socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiting?.();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error(`connection closed; unread: ${this.buffered.toString('latin1').slice(0, 200)}`);
    await new Promise<void>((resolve) => (this.waiting = resolve));
    this.waiting = undefined;
  }

  /** Reads the next answer; interim 1xx answers are counted, not returned. A HEAD answer has no body. */
  async answer(head = false): Promise<Answer> {
    let continues = 0;
    for (;;) {
      let end: number;
      while ((end = this.buffered.indexOf('\r\n\r\n')) < 0) await this.more();
      const [statusLine, ...lines] = this.buffered.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(statusLine!.split(' ')[1]);
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      if (status >= 100 && status < 200) {
        this.buffered = this.buffered.subarray(end + 4);
        continues++;
        continue;
      }
      const length = head ? 0 : Number(headers['content-length'] ?? 0);
      while (this.buffered.length < end + 4 + length) await this.more();
      const body = this.buffered.subarray(end + 4, end + 4 + length);
      this.buffered = this.buffered.subarray(end + 4 + length);
      return { status, headers, body, continues };
    }
  }

  /** Waits for the interim answer to `Expect: 100-continue` (and leaves it to be counted). */
  async untilContinue(): Promise<void> {
    while (!this.buffered.toString('latin1').includes('100 Continue\r\n\r\n')) await this.more();
  }

  close(): void {
    this.socket.destroy();
  }
}

const request = (
  method: string,
  path: string,
  headers: Record<string, string | number> = {},
  body: string | Buffer = '',
) =>
  Buffer.concat([
    Buffer.from(
      `${method} ${path} HTTP/1.1\r\nHost: ${moto.host}\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n`,
      'latin1',
    ),
    Buffer.from(body),
  ]);

describe("the stack's moto server", () => {
  const bucket = unique('t-moto-http');
  const s3 = adminS3('us-east-1');
  let connection: Connection;

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  beforeEach(() => {
    connection = new Connection();
  });
  afterEach(() => connection.close());
  afterAll(() => s3.destroy());

  const readBack = async (key: string) =>
    Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());

  test('keeps one connection open for request after request', async () => {
    for (const [i, text] of ['first', 'second', 'third'].entries()) {
      connection.write(request('PUT', `/${bucket}/keep-alive-${i}`, { 'Content-Length': text.length }, text));
      const answer = await connection.answer();
      expect({ status: answer.status, connection: answer.headers.connection }).toEqual({
        status: 200,
        connection: undefined,
      });
    }
    expect(connection.closed).toBe(false);
    expect((await readBack('keep-alive-2')).toString()).toBe('third');
  });

  test('answers Expect: 100-continue once, then takes the body', async () => {
    const body = Buffer.alloc(300_000, 7);
    connection.write(request('PUT', `/${bucket}/expect`, { 'Content-Length': body.length, Expect: '100-continue' }));
    await connection.untilContinue();
    connection.write(body);
    const answer = await connection.answer();
    expect({ status: answer.status, continues: answer.continues }).toEqual({ status: 200, continues: 1 });
    expect((await readBack('expect')).equals(body)).toBe(true);
  });

  test('takes a chunked body whole, and the connection stays usable', async () => {
    const parts = [Buffer.alloc(70_000, 1), Buffer.from('middle'), Buffer.alloc(5, 3)];
    const chunked = Buffer.concat([
      ...parts.flatMap((p) => [Buffer.from(`${p.length.toString(16)}\r\n`), p, Buffer.from('\r\n')]),
      Buffer.from('0\r\n\r\n'),
    ]);
    connection.write(request('PUT', `/${bucket}/chunked`, { 'Transfer-Encoding': 'chunked' }, chunked));
    expect((await connection.answer()).status).toBe(200);
    connection.write(request('PUT', `/${bucket}/after-chunked`, { 'Content-Length': 2 }, 'ok'));
    expect((await connection.answer()).status).toBe(200);
    expect((await readBack('chunked')).equals(Buffer.concat(parts))).toBe(true);
    expect((await readBack('after-chunked')).toString()).toBe('ok');
  });

  test('a body the app never reads does not become the next request', async () => {
    // The stack's own endpoint answers without reading the body it was sent.
    const ignored = `PUT /${bucket}/smuggled HTTP/1.1\r\nContent-Length: 0\r\n\r\n`.repeat(50);
    connection.write(request('GET', '/_stack/credentials', { 'Content-Length': ignored.length }, ignored));
    const credentials = await connection.answer();
    expect(credentials.status).toBe(200);
    expect(JSON.parse(credentials.body.toString())).toHaveProperty('sts');
    connection.write(request('HEAD', `/${bucket}`));
    const head = await connection.answer(true);
    expect(head.status).toBe(200);
    // Nothing else arrives: the ignored body was not taken for fifty more requests.
    await expect(
      Promise.race([connection.answer(), new Promise((r) => setTimeout(() => r('silence'), 300))]),
    ).resolves.toBe('silence');
  });
});
