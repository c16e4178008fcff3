// Index names in URLs. OpenSearch refuses a request line longer than `http.max_initial_line_length`
// (4 KB by default, and a managed domain does not let customers change it), so one URL naming a few
// hundred daily indices fails ("An HTTP line is larger than 4096 bytes"). Every URL that lists index
// names or patterns is built here, as comma lists short enough that the whole line stays under 4 KB;
// callers send one request per list and merge the answers.

/** What the node accepts: the whole first line, `GET /<path>?<query> HTTP/1.1`. */
export const MAX_REQUEST_LINE_BYTES = 4096;
/**
 * Room for the list itself. The rest of a line (method, API suffix such as `/_settings/index.blocks.write`,
 * query string with `filter_path`, protocol) stays well under 1 KB in every request this client makes.
 */
export const MAX_LIST_BYTES = 3072;

/** A concrete name: every reserved character encoded (`+`, `&` and `%` are legal in index names). */
export const encodeName = (name: string): string => encodeURIComponent(name);
/** A pattern keeps its wildcards readable to the engine. */
export const encodePattern = (pattern: string): string => encodeURIComponent(pattern).replace(/%2A/g, '*');

/** Already-encoded items joined by commas into lists of at most `maxBytes` (an item is never split). */
export function commaLists(encoded: string[], maxBytes = MAX_LIST_BYTES): string[] {
  const lists: string[] = [];
  let current = '';
  for (const item of encoded) {
    if (item.length > maxBytes) throw new Error(`an index name or pattern is longer than ${maxBytes} bytes: ${item}`);
    if (current && current.length + 1 + item.length > maxBytes) {
      lists.push(current);
      current = '';
    }
    current = current ? `${current},${item}` : item;
  }
  if (current) lists.push(current);
  return lists;
}

/** Concrete index names as URL lists. */
export function nameLists(names: string[], maxBytes = MAX_LIST_BYTES): string[] {
  return commaLists(names.map(encodeName), maxBytes);
}

/**
 * Patterns as URL lists. One list whenever it fits, so the engine's own reading stays exact. Past that,
 * the inclusions are split and every list carries all the exclusions (`-name`): an exclusion then still
 * removes what it removed before. (A name re-included after its own exclusion — `a*,-a1,a1` — is the
 * one reading this changes; nobody writes that over 3 KB of patterns.)
 */
export function patternLists(patterns: string[], maxBytes = MAX_LIST_BYTES): string[] {
  const encoded = patterns.map(encodePattern);
  const whole = encoded.join(',');
  if (whole.length <= maxBytes) return [whole];
  const exclusions = encoded.filter((p) => p.startsWith('-')).join(',');
  const room = maxBytes - (exclusions ? exclusions.length + 1 : 0);
  if (room < 256)
    throw new Error(`the exclusions in \`indices\` alone take ${exclusions.length} bytes of a URL; list fewer of them`);
  return commaLists(
    encoded.filter((p) => !p.startsWith('-')),
    room,
  ).map((list) => (exclusions ? `${list},${exclusions}` : list));
}
