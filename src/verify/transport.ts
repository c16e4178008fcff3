// The one thing verification needs from a domain: a request. Domain (search/) provides it; so does any
// thin wrapper. Keeping the checks on this narrow shape keeps them easy to read and to test on the stack.

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

const enc = encodeURIComponent;

/**
 * Index names joined for a path, in groups whose path stays well under OpenSearch's 4 KB request line
 * (`http.max_initial_line_length`): a domain with hundreds of indices would otherwise refuse the request.
 */
export function nameGroups(names: string[], maxChars = 3000): string[] {
  const groups: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const name of names) {
    const e = enc(name);
    if (current.length && length + e.length + 1 > maxChars) {
      groups.push(current.join(','));
      current = [];
      length = 0;
    }
    current.push(e);
    length += e.length + 1;
  }
  if (current.length) groups.push(current.join(','));
  return groups;
}

/** GET one per-index API (`_alias`, `_mapping`, `_settings`) for many indices, merged into one object by index. */
export async function perIndex(
  t: Transport,
  names: string[],
  api: string,
  query: Record<string, string | number | boolean> = {},
): Promise<Record<string, any>> {
  const out: Record<string, any> = {};
  for (const group of nameGroups(names)) {
    const b = await t.call('GET', `/${group}/${api}`, { query: { ignore_unavailable: true, ...query }, ignore: [404] });
    if (b && typeof b === 'object' && !('error' in b)) Object.assign(out, b);
  }
  return out;
}
