// The one thing the stream and metadata modules need from a domain: a call that sends a request and
// returns its body (or throws a DomainError). Narrow on purpose, so they sit on whatever client the
// domain layer offers and unit tests can hand them a recording.
export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';

export interface CallOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean>;
  ignore?: number[];
}

export interface Transport {
  /** "source" or "target", for messages. */
  readonly label: string;
  call<T = any>(method: Method, path: string, opts?: CallOptions): Promise<T>;
}

export const enc = encodeURIComponent;
/** A multi-target path segment: names encoded, `*` kept as the wildcard it is. */
export const targets = (names: readonly string[]): string => names.map((n) => enc(n).replace(/%2A/g, '*')).join(',');
