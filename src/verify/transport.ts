// The one thing verification needs from a domain: a request. Domain (search/) provides it; so does any
// thin wrapper. Keeping the checks on this narrow shape keeps them easy to read and to test on the stack.
import { nameLists } from '../search/index-lists.js';

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

/** GET one per-index API (`_alias`, `_mapping`, `_settings`) for many indices, merged into one object by index. */
export async function perIndex(
  t: Transport,
  names: string[],
  api: string,
  query: Record<string, string | number | boolean> = {},
): Promise<Record<string, any>> {
  const out: Record<string, any> = {};
  for (const group of nameLists(names)) {
    const b = await t.call('GET', `/${group}/${api}`, { query: { ignore_unavailable: true, ...query }, ignore: [404] });
    if (b && typeof b === 'object' && !('error' in b)) Object.assign(out, b);
  }
  return out;
}
