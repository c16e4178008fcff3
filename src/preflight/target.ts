// The target as the restore will meet it: names already taken (by indices or aliases, after renaming),
// room on its disks for the restored copies, and index settings it cannot honour — allocation filters
// naming node attributes it lacks, replica counts its zone layout refuses, analyzers reading packages it
// may not have — each with the override that fixes it.
import type { MigrationConfig } from '../config.js';
import type { NodeFacts } from '../search/domain.js';
import { isDataNode } from '../search/cluster.js';
import type { Domain } from '../search/domain.js';
import { plural } from '../util/format.js';
import type { Checks } from './checks.js';

export interface SourceIndex {
  index: string;
  target: string;
  /** Flat settings as the source has them. */
  settings: Record<string, string>;
  documents: number;
  primaryBytes: number;
  segments: number;
  aliases: string[];
}

const simpleMatch = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(value);

/** The settings an index will have on the target: the source's, minus ignore-index-settings, plus index-settings. */
export function restoredSettings(
  source: Record<string, string>,
  config: Pick<MigrationConfig, 'indexSettings' | 'ignoreIndexSettings'>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source))
    if (!config.ignoreIndexSettings.some((p) => simpleMatch(p, k))) out[k] = v;
  // inputs.ts already flattened index-settings to `index.*` keys and refused the ones a restore cannot change.
  for (const [k, v] of Object.entries(config.indexSettings)) {
    if (v === null) delete out[k];
    else out[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}

export function restoreSettingsCheck(config: MigrationConfig, checks: Checks): void {
  const overrides = Object.entries(config.indexSettings).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  checks.pass(
    'restore.settings',
    'Restore setting overrides',
    `${overrides.length ? overrides.join(', ') : 'no index-settings'}${config.ignoreIndexSettings.length ? `; dropped: ${config.ignoreIndexSettings.join(', ')}` : ''}`,
  );
}

/** Names the restore would create that the target already uses, as an index or as an alias. */
export async function collisionCheck(
  config: MigrationConfig,
  indices: SourceIndex[],
  target: Domain,
  ourSnapshots: string[],
  checks: Checks,
): Promise<string[]> {
  const id = 'target.collisions';
  const check = 'Target names free (indices and aliases, after renaming)';
  const names = indices.map((i) => i.target);
  const [existing, aliases] = await Promise.all([target.existingIndices(names), target.allAliases()]);
  const recovered = await target.restoredFrom(existing.filter((e) => e.status !== 'close').map((e) => e.index));
  const ours = existing.filter((e) => ourSnapshots.includes(recovered.get(e.index) ?? '')).map((e) => e.index);
  const closed = existing.filter((e) => e.status === 'close').map((e) => e.index);
  const foreign = existing.map((e) => e.index).filter((n) => !ours.includes(n) && !closed.includes(n));
  const problems: string[] = [];
  const fixes: string[] = [];
  const asAlias = names.filter((n) => aliases.has(n));
  if (asAlias.length) {
    problems.push(
      `${asAlias.join(', ')} ${asAlias.length === 1 ? 'is an alias' : 'are aliases'} on the target (of ${asAlias.map((a) => aliases.get(a)!.join(', ')).join('; ')})`,
    );
    fixes.push(
      'Restore under other names with rename-pattern/rename-replacement, or remove those aliases from the target.',
    );
  }
  const existingNames = new Set(existing.map((e) => e.index));
  const aliasClash = config.includeAliases
    ? [...new Set(indices.flatMap((i) => i.aliases))].filter(
        (a) => existingNames.has(a) && !(config.overwriteExisting && names.includes(a)),
      )
    : [];
  if (aliasClash.length) {
    problems.push(`source aliases ${aliasClash.join(', ')} are index names on the target`);
    fixes.push('Set include-aliases: false, or delete or rename those target indices.');
  }
  // A restore adds a source alias to the restored indices and keeps the target's own members of it:
  // an alias already on the target over other indices would then span both, and every read through it
  // counts the target's documents beside the migrated ones. Members this restore creates are fine (a re-run).
  const restored = new Set(names);
  const aliasTaken = config.includeAliases
    ? [...new Set(indices.flatMap((i) => i.aliases))]
        .map((a) => ({ alias: a, others: (aliases.get(a) ?? []).filter((ix) => !restored.has(ix)) }))
        .filter((a) => a.others.length > 0)
    : [];
  if (aliasTaken.length) {
    problems.push(
      `source ${aliasTaken.length === 1 ? 'alias' : 'aliases'} ${aliasTaken
        .map(
          (a) =>
            `${a.alias} (on the target over ${a.others.slice(0, 5).join(', ')}${a.others.length > 5 ? ', …' : ''})`,
        )
        .join(
          ', ',
        )} already ${aliasTaken.length === 1 ? 'exists' : 'exist'} on the target: after the restore ${aliasTaken.length === 1 ? 'it' : 'they'} would span both, and reads through ${aliasTaken.length === 1 ? 'it' : 'them'} would count those documents twice`,
    );
    fixes.push(
      'Remove those aliases from the target indices (POST _aliases with "remove" actions), or set include-aliases: false and create the aliases yourself after the migration.',
    );
  }
  if (foreign.length && !config.overwriteExisting) {
    problems.push(`the target already has ${foreign.join(', ')}`);
    fixes.push(
      'Set overwrite-existing-indices: true to replace them, or restore under other names with rename-pattern/rename-replacement (e.g. (.+) and migrated-$1).',
    );
  }
  if (problems.length) {
    checks.fail(id, check, `${problems.join('; ')}.`, fixes.join(' '));
    return [];
  }
  const notes = [
    ours.length ? `${ours.length} restored by an earlier attempt of this run (kept)` : '',
    closed.length
      ? `${closed.length} closed (${closed.slice(0, 5).join(', ')}): replaced only if an interrupted cut-over of this run closed them`
      : '',
    foreign.length
      ? `${foreign.length} existing replaced (overwrite-existing-indices): ${foreign.slice(0, 10).join(', ')}`
      : '',
  ].filter(Boolean);
  if (foreign.length || closed.length)
    checks.warn(
      id,
      check,
      notes.join('; '),
      closed.length
        ? 'If those closed indices are not this run’s, delete them or rename the restore.'
        : 'These target indices are deleted before the restore.',
    );
  else checks.pass(id, check, `${plural(names.length, 'name')} free${notes.length ? `; ${notes.join('; ')}` : ''}`);
  return foreign;
}

const ALLOCATION = /^index\.routing\.allocation\.(require|include|exclude)\.(.+)$/;

/** The value of a node attribute a filter can name: custom attributes and the built-in _name/_host/_ip/_id. */
function nodeValue(node: NodeFacts, attribute: string): string | undefined {
  if (attribute === '_name') return node.name;
  if (attribute === '_host') return node.host;
  if (attribute === '_ip') return node.ip;
  if (attribute === '_id') return node.id;
  return node.attributes[attribute];
}

/** Can some data node hold a copy under these filters? */
export function allocatable(settings: Record<string, string>, nodes: NodeFacts[]): { ok: boolean; filters: string[] } {
  const filters = Object.entries(settings).filter(([k, v]) => ALLOCATION.test(k) && v !== '');
  if (filters.length === 0) return { ok: true, filters: [] };
  const fits = (node: NodeFacts) =>
    filters.every(([k, v]) => {
      const [, kind, attribute] = ALLOCATION.exec(k)!;
      const values = v.split(',').map((x) => x.trim());
      const value = nodeValue(node, attribute!);
      const matches = value !== undefined && values.some((p) => simpleMatch(p, value));
      return kind === 'exclude' ? !matches : matches; // require/include with one attribute each: a match
    });
  return {
    ok: nodes.filter(isDataNode).some(fits),
    filters: filters.map(([k, v]) => `${k}=${v}`),
  };
}

/** Awareness as the target enforces it: attributes, forced values, and whether copies must balance over zones. */
function zoneLayout(
  settings: Record<string, string>,
  nodes: NodeFacts[],
): { attribute?: string; zones: number; balance: boolean } {
  const attribute =
    (settings['cluster.routing.allocation.awareness.attributes'] ?? '').split(',')[0]?.trim() || undefined;
  if (!attribute) return { zones: 1, balance: false };
  const forced = (settings[`cluster.routing.allocation.awareness.force.${attribute}.values`] ?? '')
    .split(',')
    .filter(Boolean);
  const seen = new Set(
    nodes
      .filter(isDataNode)
      .map((n) => n.attributes[attribute])
      .filter(Boolean),
  );
  return {
    attribute,
    zones: Math.max(forced.length, seen.size, 1),
    balance: settings['cluster.routing.allocation.awareness.balance'] === 'true',
  };
}

export function settingsChecks(
  config: MigrationConfig,
  indices: SourceIndex[],
  nodes: NodeFacts[],
  clusterSettings: Record<string, string>,
  checks: Checks,
): void {
  const restored = indices.map((i) => ({ ...i, after: restoredSettings(i.settings, config) }));
  const dataNodes = nodes.filter(isDataNode).length;

  // Allocation filters naming attributes the target's nodes lack leave shards unassigned: a red restore.
  const stuck = restored.map((i) => ({ i, a: allocatable(i.after, nodes) })).filter((x) => !x.a.ok);
  if (stuck.length) {
    const keys = [...new Set(stuck.flatMap((x) => x.a.filters.map((f) => f.split('=')[0]!)))];
    checks.fail(
      'target.allocation',
      'Allocation filters fit the target nodes',
      `${plural(stuck.length, 'index has', 'indices have')} filters no target data node matches (${stuck
        .slice(0, 5)
        .map((x) => `${x.i.index}: ${x.a.filters.join(', ')}`)
        .join('; ')}); their shards would stay unassigned (red)`,
      `Add ${keys.join(',')} to ignore-index-settings (e.g. ignore-index-settings: "${keys.join(',')}").`,
    );
  } else {
    const filtered = restored.filter((i) => Object.keys(i.after).some((k) => ALLOCATION.test(k))).length;
    checks.pass(
      'target.allocation',
      'Allocation filters fit the target nodes',
      filtered ? `${plural(filtered, 'index', 'indices')} with filters, all placeable` : 'no allocation filters',
    );
  }

  // Replicas against the zone layout: with awareness balance (Multi-AZ with Standby) the copies must be a
  // multiple of the zones or the restore is refused; more copies than data nodes only leave replicas unassigned.
  const layout = zoneLayout(clusterSettings, nodes);
  const replicas = (i: (typeof restored)[number]) => Number(i.after['index.number_of_replicas'] ?? 1);
  const autoExpand = (i: (typeof restored)[number]) => (i.after['index.auto_expand_replicas'] ?? 'false') !== 'false';
  const unbalanced = layout.balance
    ? restored.filter((i) => !autoExpand(i) && (replicas(i) + 1) % layout.zones !== 0)
    : [];
  if (unbalanced.length) {
    const want = layout.zones - 1;
    checks.fail(
      'target.replicas',
      'Replica counts fit the target zones',
      `the target balances copies over ${layout.zones} zones (${layout.attribute}); ${plural(unbalanced.length, 'index', 'indices')} would have ${[...new Set(unbalanced.map((i) => replicas(i) + 1))].join('/')} copies, which it refuses ("expected total copies needs to be a multiple of total awareness attributes [${layout.zones}]")`,
      `Set index-settings to {"index.number_of_replicas": ${want}} (or another count whose copies are a multiple of ${layout.zones}).`,
    );
  } else {
    const tooMany = restored.filter((i) => !autoExpand(i) && replicas(i) + 1 > Math.max(dataNodes, 1));
    if (tooMany.length && dataNodes > 0) {
      checks.warn(
        'target.replicas',
        'Replica counts fit the target zones',
        `${plural(tooMany.length, 'index wants', 'indices want')} ${Math.max(...tooMany.map(replicas))} replicas but the target has ${plural(dataNodes, 'data node')}: those replicas stay unassigned (yellow)`,
        `Set index-settings to {"index.number_of_replicas": ${Math.max(dataNodes - 1, 0)}}.`,
      );
    } else {
      checks.pass(
        'target.replicas',
        'Replica counts fit the target zones',
        `${plural(dataNodes, 'data node')}${layout.attribute ? `, ${plural(layout.zones, 'zone')} by ${layout.attribute}${layout.balance ? ', balanced' : ''}` : ''}; every index fits`,
      );
    }
  }

  // Custom packages (synonym/stopword files uploaded to the service) are referenced as analyzers/F<id>:
  // the target domain reads them only if the same package is associated with it.
  const packages = new Map<string, string[]>();
  for (const i of restored) {
    for (const [k, v] of Object.entries(i.after)) {
      if (!k.startsWith('index.analysis.')) continue;
      for (const m of v.matchAll(/analyzers\/(F[0-9A-Z]+)/g))
        packages.set(m[1]!, [...new Set([...(packages.get(m[1]!) ?? []), i.index])]);
    }
  }
  if (packages.size) {
    checks.warn(
      'target.packages',
      'Analyzer packages available on the target',
      `indices read custom packages: ${[...packages].map(([p, idx]) => `${p} (${idx.slice(0, 3).join(', ')})`).join('; ')}; a domain without them refuses the restore`,
      `Associate package${packages.size > 1 ? 's' : ''} ${[...packages.keys()].join(', ')} with the target domain (console → Packages, or aws opensearch associate-package) before migrating.`,
    );
  } else {
    checks.pass('target.packages', 'Analyzer packages available on the target', 'no index reads a custom package');
  }
}
