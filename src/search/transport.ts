// The domain's transport: every request of the search/ modules goes through `call`, so errors read the
// same everywhere (the method, the path, the status and the domain's own reason), a 429 is waited out,
// and every repeat is counted in the run's retry tally.
import type { Client } from '@opensearch-project/opensearch';
import { retryTally } from '../retry-tally.js';
import { retryAndBackoff } from '../util/retry.js';

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly type: string | undefined,
    readonly body: unknown,
    /** Attempts before the one that failed: > 0 means an earlier attempt may have reached the domain. */
    readonly retried = 0,
  ) {
    super(message);
  }
}

/**
 * The client retries 502/503/504 and lost connections itself, but never 429. A domain (or its front end)
 * shedding load did not run the request, so repeating it later is safe: jittered, growing waits.
 */
const THROTTLED = { maxRetries: 6, baseMs: 500, maxWaitMs: 20_000 };

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';

export interface CallOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean>;
  ignore?: number[];
}

/** Reason text of an OpenSearch error body, or of AWS's `{"message": ...}`/`{"Message": ...}` bodies. */
export function reasonOf(body: any): { type?: string; reason: string } {
  if (body && typeof body === 'object') {
    const e = body.error;
    if (e && typeof e === 'object') {
      const root = Array.isArray(e.root_cause) && e.root_cause[0] ? e.root_cause[0] : e;
      return { type: root.type ?? e.type, reason: root.reason ?? e.reason ?? JSON.stringify(e) };
    }
    if (typeof e === 'string') return { reason: e };
    if (typeof body.message === 'string') return { reason: body.message };
    if (typeof body.Message === 'string') return { reason: body.Message };
  }
  return { reason: typeof body === 'string' && body ? body.slice(0, 500) : 'no reason given' };
}

export const enc = encodeURIComponent;
// Lists of index names or patterns in a path: index-lists.ts (one request per list, under the 4 KB line limit).

export class DomainTransport {
  constructor(
    readonly client: Client,
    /** For messages: "source" or "target". */
    readonly label: string,
  ) {}

  call<T = any>(method: Method, path: string, opts: CallOptions = {}): Promise<T> {
    const service = `${this.label} domain`;
    let earlier = 0; // attempts already spent, the client's own retries included
    return retryAndBackoff(
      async () => {
        try {
          const res = await this.client.transport.request(
            { method, path, body: opts.body as any, querystring: opts.query as any },
            { ignore: opts.ignore },
          );
          retryTally.add(service, res.meta?.attempts ?? 0);
          return res.body as T;
        } catch (err: any) {
          const retries = err?.meta?.meta?.attempts ?? 0;
          retryTally.add(service, retries);
          earlier += retries + 1;
          throw this.error(method, path, err, earlier - 1);
        }
      },
      {
        ...THROTTLED,
        isRetryable: (err) => err instanceof DomainError && err.status === 429,
        label: `${service} ${method} ${path}`,
        service,
      },
    );
  }

  private error(method: Method, path: string, err: any, retried: number): DomainError {
    const status: number | undefined = err?.meta?.statusCode ?? undefined; // null when the connection failed
    if (status === undefined) {
      return new DomainError(
        `${this.label} domain: ${method} ${path} failed: ${err?.message ?? err}`,
        undefined,
        err?.name,
        undefined,
        retried,
      );
    }
    const body = err?.meta?.body;
    const { type, reason } = reasonOf(body);
    return new DomainError(
      `${this.label} domain: ${method} ${path} → ${status}${type ? ` ${type}` : ''}: ${reason}`,
      status,
      type,
      body,
      retried,
    );
  }
}

/** A class built on the transport: what each part of the domain API (snapshots, indices, cluster) extends. */
export type TransportClass = new (...args: any[]) => DomainTransport;

/** What a module needs to talk to a domain (the stream and metadata APIs): its label and `call`. */
export type Transport = Pick<DomainTransport, 'label' | 'call'>;
