// What an index is besides its documents: its aliases (with filter, routing and write index), its mappings
// and its settings. A restore brings them over as they were in the snapshot, changed only by what the user
// asked for (index-settings, ignore-index-settings, rename) and by the few values every restore rewrites.
// These functions say what the target should hold and where it does not (pure, apart from `readDefinitions`).
import { perIndex, type Transport } from './transport.js';

export interface AliasDefinition {
  filter?: unknown;
  index_routing?: string;
  search_routing?: string;
  is_write_index?: boolean;
  is_hidden?: boolean;
}

export interface IndexDefinitions {
  aliases: Record<string, AliasDefinition>;
  mappings: Record<string, unknown>;
  /** Flat settings as the domain returns them (values are strings; lists are JSON). */
  settings: Record<string, string>;
}

export type DefinitionKind = 'alias' | 'mapping' | 'setting';

export interface DefinitionDifference {
  kind: DefinitionKind;
  /** Alias name, mapping path or setting key. */
  name: string;
  /** What the target should have (source after the overrides); '—' for nothing. */
  expected: string;
  found: string;
}

/** The overrides a restore applies, as the config states them. */
export interface RestoreOverrides {
  indexSettings: Record<string, unknown>;
  ignoreIndexSettings: string[];
  includeAliases: boolean;
  /** The restore drops `index.blocks.write` (the run's write block travels in the snapshot). */
  writeBlock: boolean;
}

/**
 * Settings every restore (or the engine restoring) writes anew: identity and creation facts, upgrade
 * marks, and what closing an index leaves behind (the two-phase cut-over restores over closed copies).
 */
const RESTORE_OWNED = [
  'index.uuid',
  'index.creation_date',
  'index.creation_date_string',
  'index.provided_name',
  'index.version.upgraded',
  'index.version.upgraded_string',
  'index.history.uuid',
  'index.verified_before_close',
  'index.routing.allocation.initial_recovery.*',
  'index.resize.*',
];

const NONE = '—';

function matcher(patterns: string[]): (key: string) => boolean {
  const res = patterns.map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
  return (key) => res.some((r) => r.test(key));
}

const settingValue = (v: unknown): string =>
  Array.isArray(v) || (v && typeof v === 'object') ? JSON.stringify(v) : String(v);

/** The settings the target index should hold, from the source's, after the restore's overrides. */
export function expectedSettings(source: Record<string, string>, o: RestoreOverrides): Record<string, string> {
  const ignored = matcher([
    ...RESTORE_OWNED,
    ...o.ignoreIndexSettings,
    ...(o.writeBlock ? ['index.blocks.write'] : []),
  ]);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (!ignored(k)) out[k] = v;
  for (const [k, v] of Object.entries(o.indexSettings)) {
    if (v === null) delete out[k];
    else out[k] = settingValue(v);
  }
  return out;
}

/** Keys and values compared by content, object keys in any order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const shown = (v: unknown): string => (v === undefined ? NONE : clip(canonicalJson(v)));
const clip = (s: string, max = 200): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** Paths where two JSON values differ (mappings): `properties.title.type`, at most `limit` of them. */
export function jsonDifferences(
  expected: unknown,
  found: unknown,
  limit = 20,
  path = '',
  out: Array<{ path: string; expected: string; found: string }> = [],
): Array<{ path: string; expected: string; found: string }> {
  if (out.length >= limit) return out;
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(expected) && isObject(found)) {
    const keys = [...new Set([...Object.keys(expected as object), ...Object.keys(found as object)])].sort();
    for (const k of keys)
      jsonDifferences((expected as any)[k], (found as any)[k], limit, path ? `${path}.${k}` : k, out);
    return out;
  }
  if (canonicalJson(expected) !== canonicalJson(found) || (expected === undefined) !== (found === undefined))
    out.push({ path: path || '(root)', expected: shown(expected), found: shown(found) });
  return out;
}

/** An alias as it can be compared: only the parts that change what it does. */
function aliasShape(a: AliasDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['filter', 'index_routing', 'search_routing', 'is_write_index', 'is_hidden'] as const)
    if (a[k] !== undefined && a[k] !== null) out[k] = a[k];
  return out;
}

function describeAlias(a: AliasDefinition | undefined): string {
  if (!a) return 'absent';
  const s = aliasShape(a);
  return Object.keys(s).length ? clip(canonicalJson(s)) : 'present (no filter, routing or write flag)';
}

/** Every way the target index's definitions differ from what the source's should have become. */
export function compareDefinitions(
  source: IndexDefinitions,
  target: IndexDefinitions,
  o: RestoreOverrides,
): DefinitionDifference[] {
  const out: DefinitionDifference[] = [];
  const expectedAliases = o.includeAliases ? source.aliases : {};
  for (const name of [...new Set([...Object.keys(expectedAliases), ...Object.keys(target.aliases)])].sort()) {
    const e = expectedAliases[name];
    const f = target.aliases[name];
    if (!e || !f || canonicalJson(aliasShape(e)) !== canonicalJson(aliasShape(f)))
      out.push({ kind: 'alias', name, expected: describeAlias(e), found: describeAlias(f) });
  }
  for (const d of jsonDifferences(source.mappings, target.mappings))
    out.push({ kind: 'mapping', name: d.path, expected: d.expected, found: d.found });
  const settings = expectedSettings(source.settings, o);
  for (const [k, v] of Object.entries(settings).sort(([a], [b]) => a.localeCompare(b))) {
    const found = target.settings[k];
    if (found !== v) out.push({ kind: 'setting', name: k, expected: v, found: found ?? NONE });
  }
  return out;
}

function flatSettings(raw: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(raw ?? {}).map(([k, v]) => [k, settingValue(v)]));
}

/** Aliases, mappings and flat settings of these indices (three GETs per group of names). */
export async function readDefinitions(t: Transport, names: string[]): Promise<Map<string, IndexDefinitions>> {
  const out = new Map<string, IndexDefinitions>();
  if (names.length === 0) return out;
  const [aliases, mappings, settings] = await Promise.all([
    perIndex(t, names, '_alias'),
    perIndex(t, names, '_mapping'),
    perIndex(t, names, '_settings', { flat_settings: true }),
  ]);
  for (const name of names) {
    if (!settings[name]) continue;
    out.set(name, {
      aliases: aliases[name]?.aliases ?? {},
      mappings: mappings[name]?.mappings ?? {},
      settings: flatSettings(settings[name]?.settings),
    });
  }
  return out;
}
