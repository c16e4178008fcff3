// Which snapshots restore where. Two rules, from the engines' own checks:
// - a snapshot never restores onto an older version than the cluster that wrote it;
// - each index must be readable by the target's major version, judged by the version that CREATED the
//   index (`index.version.created`, not the version it runs on now): OpenSearch 1.x reads indices from
//   Elasticsearch 6.x/7.x and OpenSearch 1.x; 2.x reads Elasticsearch 7.x, OpenSearch 1.x and 2.x;
//   3.x reads OpenSearch 2.x and 3.x only; Elasticsearch N reads N-1 and N. OpenSearch was forked from
//   Elasticsearch 7.10.2, so nothing an Elasticsearch 7.11 or later created restores on OpenSearch.
// Sources: OpenSearch "Using snapshots to migrate data"; AWS "Using a snapshot to migrate data" and
// "Upgrading Amazon OpenSearch Service domains" (3.x needs indices created in 1.3/7.10 reindexed).
import { plural } from '../util/format.js';
import type { Checks } from './checks.js';

export type Engine = 'OpenSearch' | 'Elasticsearch';

export interface EngineVersion {
  engine: Engine;
  major: number;
  minor: number;
  patch: number;
}

/** OpenSearch marks its version ids with this bit so they sort after every Elasticsearch id (org.opensearch.Version). */
const OPENSEARCH_MASK = 0x08000000;

export function parseVersion(engine: Engine, text: string): EngineVersion | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? { engine, major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) } : undefined;
}

/** `index.version.created` (e.g. 136407827 = OpenSearch 2.19.0, 7100299 = Elasticsearch 7.10.2) → a version. */
export function decodeCreatedVersion(id: number): EngineVersion | undefined {
  if (!Number.isInteger(id) || id <= 0) return undefined;
  const opensearch = (id & OPENSEARCH_MASK) !== 0;
  const raw = opensearch ? id ^ OPENSEARCH_MASK : id;
  return {
    engine: opensearch ? 'OpenSearch' : 'Elasticsearch',
    major: Math.floor(raw / 1_000_000),
    minor: Math.floor(raw / 10_000) % 100,
    patch: Math.floor(raw / 100) % 100,
  };
}

/** One ordering across both engines: every OpenSearch version is newer than every Elasticsearch one. */
export function orderOf(v: EngineVersion): number {
  const raw = v.major * 1_000_000 + v.minor * 10_000 + v.patch * 100;
  return v.engine === 'OpenSearch' ? OPENSEARCH_MASK + raw : raw;
}

export const versionText = (v: EngineVersion): string => `${v.engine} ${v.major}.${v.minor}.${v.patch}`;

/** The (engine, major) pairs whose indices a target of this version can read. */
export function readableMajors(target: EngineVersion): Array<{ engine: Engine; major: number }> {
  if (target.engine === 'Elasticsearch')
    return [
      { engine: 'Elasticsearch', major: target.major - 1 },
      { engine: 'Elasticsearch', major: target.major },
    ];
  if (target.major === 1)
    return [
      { engine: 'Elasticsearch', major: 6 },
      { engine: 'Elasticsearch', major: 7 },
      { engine: 'OpenSearch', major: 1 },
    ];
  if (target.major === 2)
    return [
      { engine: 'Elasticsearch', major: 7 },
      { engine: 'OpenSearch', major: 1 },
      { engine: 'OpenSearch', major: 2 },
    ];
  return [
    { engine: 'OpenSearch', major: target.major - 1 },
    { engine: 'OpenSearch', major: target.major },
  ];
}

const majorsText = (target: EngineVersion) =>
  readableMajors(target)
    .map((m) => `${m.engine} ${m.major}.x`)
    .join(', ');

export type Verdict = { ok: true } | { ok: false; why: string; fix: string };

/** May a snapshot written by `writer` be restored on `target`? */
export function clusterVerdict(writer: EngineVersion, target: EngineVersion): Verdict {
  if (orderOf(writer) > orderOf(target)) {
    return {
      ok: false,
      why: `the target runs ${versionText(target)}, older than the source (${versionText(writer)}): a snapshot never restores onto an older version`,
      fix: `Create the target with ${writer.engine} ${writer.major}.${writer.minor} or later (or upgrade it), then run again.`,
    };
  }
  if (
    writer.engine === 'Elasticsearch' &&
    target.engine === 'OpenSearch' &&
    orderOf(writer) > orderOf({ engine: 'Elasticsearch', major: 7, minor: 10, patch: 2 })
  ) {
    return {
      ok: false,
      why: `${versionText(writer)} is newer than Elasticsearch 7.10.2, which OpenSearch was forked from: OpenSearch cannot read its snapshots`,
      fix: 'Move the data with a remote reindex (or a re-ingest) instead of a snapshot.',
    };
  }
  return { ok: true };
}

/** May an index created by `created` be restored on `target`? */
export function indexVerdict(created: EngineVersion, target: EngineVersion): Verdict {
  if (orderOf(created) > orderOf(target)) {
    return {
      ok: false,
      why: `created by ${versionText(created)}, newer than the target`,
      fix: `Use a target running ${versionText(created)} or later.`,
    };
  }
  if (created.engine === 'OpenSearch' && target.engine === 'Elasticsearch') {
    return {
      ok: false,
      why: 'created by OpenSearch, which Elasticsearch cannot read',
      fix: 'Choose an OpenSearch target.',
    };
  }
  if (
    created.engine === 'Elasticsearch' &&
    target.engine === 'OpenSearch' &&
    created.major === 7 &&
    created.minor > 10
  ) {
    return {
      ok: false,
      why: `created by ${versionText(created)}; OpenSearch reads Elasticsearch indices up to 7.10`,
      fix: 'Reindex it into OpenSearch (remote reindex) instead of restoring it.',
    };
  }
  if (!readableMajors(target).some((m) => m.engine === created.engine && m.major === created.major)) {
    const via =
      target.engine === 'OpenSearch' && target.major >= 3
        ? `Reindex it on ${target.engine} ${target.major - 1}.x first (restore it on a ${target.major - 1}.x domain, reindex it there, and migrate from that domain)`
        : 'Reindex it on a version the target can read first';
    return {
      ok: false,
      why: `created by ${versionText(created)}; ${versionText(target)} reads indices created by ${majorsText(target)} only`,
      fix: `${via}, or leave it out with indices: "-<name>".`,
    };
  }
  return { ok: true };
}

/** The compatibility row: the cluster rule, then every index by the version that created it. */
export function compatibilityCheck(
  checks: Checks,
  writer: EngineVersion,
  target: EngineVersion,
  created: Array<{ index: string; created: EngineVersion | undefined }>,
): void {
  const id = 'compatibility';
  const check = 'Snapshot restorable on the target version';
  const cluster = clusterVerdict(writer, target);
  if (!cluster.ok) return checks.fail(id, check, cluster.why, cluster.fix);
  const refused = created.flatMap((c) => {
    if (!c.created) return [];
    const v = indexVerdict(c.created, target);
    return v.ok ? [] : [{ ...c, verdict: v }];
  });
  if (refused.length) {
    const shown = refused.slice(0, 10).map((r) => `${r.index} (${r.verdict.ok ? '' : r.verdict.why})`);
    const fix = [...new Set(refused.map((r) => (r.verdict.ok ? '' : r.verdict.fix)))]
      .join(' ')
      .replace('-<name>', `-${refused[0]!.index}`);
    return checks.fail(
      id,
      check,
      `${refused.length} of ${plural(created.length, 'index', 'indices')} cannot be restored on ${versionText(target)}: ${shown.join('; ')}${refused.length > 10 ? '; …' : ''}`,
      fix,
    );
  }
  const unknown = created.filter((c) => !c.created).length;
  const createdBy = [
    ...new Set(
      created.filter((c) => c.created).map((c) => `${c.created!.engine} ${c.created!.major}.${c.created!.minor}`),
    ),
  ].join(', ');
  checks.pass(
    id,
    check,
    `${versionText(writer)} → ${versionText(target)}: ${plural(created.length - unknown, 'index', 'indices')} created by ${createdBy || 'no known version'}; ${versionText(target)} reads ${majorsText(target)}${unknown ? ` (${unknown} without index.version.created)` : ''}`,
  );
}
