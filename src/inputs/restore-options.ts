// Checkers for what the snapshot and the restore are asked to do: repository and snapshot names, index
// patterns, the rename rule, and the index settings applied or dropped on restore.
import { Defaults, Inputs, RESERVED_REPOSITORIES, isSystemIndex } from '../constants.js';
import { q, type Problems } from './problems.js';

// Characters OpenSearch refuses in index, repository and snapshot names (MetadataCreateIndexService, Strings.validFileName).
const BAD_NAME_CHARS = /[\\/*?"<>| ,#:]/;

export function resourceName(
  p: Problems,
  name: string,
  raw: string,
  kind: 'repository' | 'snapshot',
): string | undefined {
  const fix = `write a lowercase ${kind} name without spaces or any of \\ / * ? " < > | , # :, e.g. ${kind === 'repository' ? Defaults.repository : 'migrate-1234'}`;
  const why =
    raw !== raw.toLowerCase()
      ? 'has uppercase letters'
      : BAD_NAME_CHARS.test(raw)
        ? `has a character OpenSearch refuses (${q(BAD_NAME_CHARS.exec(raw)![0])})`
        : /^[_\-+]/.test(raw)
          ? 'starts with _, - or +'
          : raw === '.' || raw === '..'
            ? 'is . or ..'
            : Buffer.byteLength(raw) > 255
              ? 'is longer than 255 bytes'
              : kind === 'repository' && RESERVED_REPOSITORIES.includes(raw)
                ? "is reserved for Amazon OpenSearch Service's automated snapshots"
                : undefined;
  return why ? void p.add(name, `${q(raw)} ${why}`, fix) : raw;
}

/** Patterns in OpenSearch multi-target syntax, inclusions first (exclusions only apply after them), `*` added if none. */
export function indexPatterns(p: Problems, entries: string[]): string[] {
  const name = Inputs.Indices;
  const include: string[] = [];
  const exclude: string[] = [];
  for (const entry of entries) {
    const negated = entry.startsWith('-');
    const pattern = negated ? entry.slice(1).trim() : entry;
    const why =
      pattern === ''
        ? 'is an exclusion with nothing after the -'
        : pattern !== pattern.toLowerCase()
          ? 'has uppercase letters; index names are lowercase'
          : /[\\/?"<>| #:]/.test(pattern)
            ? 'has a character index names cannot contain (\\ / ? " < > | space # :)'
            : /^[_+]/.test(pattern)
              ? 'starts with _ or +'
              : !negated && isSystemIndex(pattern)
                ? 'can only match system indices, which are never migrated'
                : negated && pattern.replace(/\*+/g, '*') === '*'
                  ? 'excludes every index'
                  : Buffer.byteLength(pattern) > 255
                    ? 'is longer than 255 bytes'
                    : undefined;
    if (why) {
      p.add(
        name,
        `${q(entry)} ${why}`,
        'write comma- or newline-separated patterns like logs-*, orders, -logs-debug-* (default *)',
      );
    } else (negated ? exclude : include).push(pattern);
  }
  if (include.length === 0) include.push(Defaults.indices);
  return [...new Set(include), ...[...new Set(exclude)].map((x) => `-${x}`)];
}

/**
 * OpenSearch applies the rename with Java's String.replaceAll. Check the pattern compiles (as JS, after removing
 * the Java-only constructs that don't change its groups) and every $N / ${name} in the replacement exists in it.
 */
export function rename(
  p: Problems,
  pattern: string,
  replacement: string,
): { pattern: string; replacement: string } | undefined {
  if (pattern === '' && replacement === '') return undefined;
  const both = 'set both rename-pattern and rename-replacement (e.g. (.+) and restored-$1), or neither';
  if (pattern === '') return void p.add(Inputs.RenamePattern, 'is empty while rename-replacement is set', both);
  if (replacement === '') return void p.add(Inputs.RenameReplacement, 'is empty while rename-pattern is set', both);
  const js = pattern
    .replace(/\(\?[imsxuUd-]+\)/g, '') // inline flags (?i)
    .replace(/\(\?[imsxuUd-]+:/g, '(?:') // flagged groups (?i:...)
    .replace(/\(\?>/g, '(?:') // atomic groups
    .replace(/([*+?}])\+/g, '$1'); // possessive quantifiers
  let groups: number;
  try {
    new RegExp(js); // compiles on its own (wrapping first could hide an unbalanced ')(')
    groups = new RegExp(`(?:${js})|`).exec('')!.length - 1; // the empty alternative matches '', exposing every group
  } catch (e) {
    return void p.add(
      Inputs.RenamePattern,
      `${q(pattern)} is not a valid regular expression (${(e as Error).message})`,
      'write a Java regular expression such as (.+) or ^logs-(.*)$',
    );
  }
  const named = new Set([...pattern.matchAll(/\(\?<([a-zA-Z][a-zA-Z0-9]*)>/g)].map((m) => m[1]!));
  const fix = `use $0..$${groups}${named.size ? ` or \${${[...named][0]}}` : ''} for groups of rename-pattern, and \\$ for a literal dollar`;
  let literal = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      if (++i >= replacement.length)
        return void p.add(Inputs.RenameReplacement, 'ends with a lone backslash', 'write \\\\ for a literal backslash');
      literal += replacement[i];
    } else if (c === '$' && replacement[i + 1] === '{') {
      const end = replacement.indexOf('}', i);
      const group = end < 0 ? '' : replacement.slice(i + 2, end);
      if (!named.has(group))
        return void p.add(
          Inputs.RenameReplacement,
          `refers to \${${group}}, which rename-pattern does not define`,
          fix,
        );
      i = end;
    } else if (c === '$') {
      // Java reads the first digit always, then more digits only while they still name an existing group.
      const first = replacement[i + 1];
      if (first === undefined || !/\d/.test(first))
        return void p.add(Inputs.RenameReplacement, 'has a $ that is not followed by a group number', fix);
      let g = Number(first);
      if (g > groups)
        return void p.add(Inputs.RenameReplacement, `refers to $${g} but rename-pattern has ${groups} group(s)`, fix);
      i++;
      while (/\d/.test(replacement[i + 1] ?? '') && g * 10 + Number(replacement[i + 1]) <= groups)
        g = g * 10 + Number(replacement[++i]);
    } else literal += c;
  }
  if (literal !== literal.toLowerCase() || /[\\/*?"<>| ,#:]/.test(literal)) {
    return void p.add(
      Inputs.RenameReplacement,
      `${q(replacement)} would produce index names OpenSearch refuses`,
      'use lowercase letters, digits, - and _ around the group references',
    );
  }
  return { pattern, replacement };
}

// RestoreService refuses to change these (index_settings) or to drop them (ignore_index_settings).
const UNMODIFIABLE_SETTINGS = [
  'index.number_of_shards',
  'index.version.created',
  'index.uuid',
  'index.creation_date',
  'index.history.uuid',
  'index.remote_store.enabled',
  'index.remote_store.segment.repository',
  'index.remote_store.translog.repository',
];
const UNREMOVABLE_SETTINGS = [
  ...UNMODIFIABLE_SETTINGS,
  'index.number_of_replicas',
  'index.auto_expand_replicas',
  'index.version.upgraded',
];

/** OpenSearch reads a restore's setting names with an implied `index.` prefix; do the same so checks see the real key. */
const withIndexPrefix = (key: string): string => (key.startsWith('index.') ? key : `index.${key}`);

export function indexSettings(p: Problems, raw: string): Record<string, unknown> {
  const name = Inputs.IndexSettings;
  if (raw === '') return {};
  const fix = 'write a JSON object of index settings, e.g. {"index.number_of_replicas": 0}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    p.add(name, 'is not valid JSON', fix);
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    p.add(name, 'is not a JSON object', fix);
    return {};
  }
  const flat: Record<string, unknown> = {};
  const walk = (obj: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === 'object' && v !== null && !Array.isArray(v))
        walk(v as Record<string, unknown>, `${prefix}${k}.`);
      else flat[withIndexPrefix(`${prefix}${k}`)] = v;
    }
  };
  walk(parsed as Record<string, unknown>, '');
  for (const key of Object.keys(flat)) {
    if (UNMODIFIABLE_SETTINGS.includes(key))
      p.add(
        name,
        `sets ${key}, which a restore cannot change`,
        `remove ${key} (shard counts are fixed by the snapshot)`,
      );
  }
  return flat;
}

export function ignoreIndexSettings(p: Problems, entries: string[]): string[] {
  const keys = entries.map(withIndexPrefix);
  for (const key of keys) {
    if (!/^[a-z0-9_.*-]+$/.test(key))
      p.add(
        Inputs.IgnoreIndexSettings,
        `${q(key)} is not a setting name`,
        'write comma-separated names like index.refresh_interval, index.routing.*',
      );
    else if (UNREMOVABLE_SETTINGS.includes(key))
      p.add(
        Inputs.IgnoreIndexSettings,
        `${q(key)} cannot be dropped on restore`,
        `remove it (to change ${key}, set it in index-settings)`,
      );
  }
  return [...new Set(keys)];
}
