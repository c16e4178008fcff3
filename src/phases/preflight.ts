// Phase 2: everything that can be known before the first write, one row per check (src/preflight/):
// identities and accounts, both domains and their versions, which indices move and whether the target's
// version can read them, both buckets and what lies at the repository paths, IAM permissions (simulated)
// and fine-grained access control, snapshots already running, and the target's names, storage and
// settings. Every check runs even after one fails, so a plan lists everything to fix; then any failure
// stops the run here, before any write. Only GET requests reach the domains, and S3 is only read.
import type { RunContext } from '../context.js';
import type { PlanFacts } from '../record.js';
import { githubSubject, iamDocumentSet } from '../iam/run-documents.js';
import { principalsForRun } from '../iam/requirements.js';
import { planIndices, renameCollisions, type IndexPlan } from '../indices.js';
import { bucketCheck, registrationCheck, repositoryPathCheck } from '../preflight/buckets.js';
import { Checks } from '../preflight/checks.js';
import {
  compatibilityCheck,
  decodeCreatedVersion,
  parseVersion,
  versionText,
  type EngineVersion,
} from '../preflight/compatibility.js';
import { explainDomainError, inspectDomain, type DomainFacts, type SideLabel } from '../preflight/domains.js';
import { forecast } from '../preflight/forecast.js';
import { identityCheck, type Identity } from '../preflight/identity.js';
import { accessControlCheck, permissionChecks } from '../preflight/passrole.js';
import { snapshotsCheck } from '../preflight/snapshots.js';
import { metadataCheck, streamChecks, streamFacts } from '../preflight/streams.js';
import { resolveStreams } from '../search/streams.js';
import { backingIndicesOf, planStreams, type ResolvedStream } from '../streams/plan.js';
import {
  capacityCheck,
  collisionCheck,
  restoreSettingsCheck,
  settingsChecks,
  type SourceIndex,
} from '../preflight/target.js';
import { formatBytes, formatCount, formatDuration, plural } from '../report/format.js';
import { runSnapshotNames } from './snapshot.js';

export class PreflightError extends Error {
  override name = 'PreflightError';
}

export interface PreflightOutcome {
  plan: IndexPlan;
  details: string[];
}

/** Settings the checks read from each source index (names or wildcards of `GET <index>/_settings/<names>`). */
const SETTINGS_READ = [
  'index.version.created',
  'index.number_of_shards',
  'index.number_of_replicas',
  'index.auto_expand_replicas',
  'index.routing.allocation.*',
  'index.analysis.*',
];

/** Runs checks side by side but keeps their rows in the order given, so the table reads the same every run. */
async function together<T>(checks: Checks, ...fns: Array<(c: Checks) => Promise<T>>): Promise<T[]> {
  const own = fns.map(() => new Checks());
  const results = await Promise.all(fns.map((fn, i) => fn(own[i]!)));
  for (const c of own) checks.rows.push(...c.rows);
  return results;
}

const principalFor = (ctx: RunContext, label: SideLabel) =>
  ctx[label].config.roleToAssume ?? ctx.config.credentials.roleToAssume ?? `the ${label} credentials`;

/** Which indices move: the existing rules (user indices only, names must exist, open, distinct after renaming). */
async function indexSelection(
  ctx: RunContext,
  checks: Checks,
): Promise<{ plan: IndexPlan; aliases: string[] } | undefined> {
  const { config, source } = ctx;
  const id = 'source.indices';
  const check = 'Indices to migrate';
  let resolved: Array<{ index: string; open: boolean }>;
  let aliases: string[];
  let streams: ResolvedStream[];
  try {
    ({ indices: resolved, aliases } = await source.domain.resolveIndices(config.indices));
    ({ streams } = await resolveStreams(source.domain, config.indices));
  } catch (err) {
    const { found, fix } = explainDomainError(err, source, 'source', principalFor(ctx, 'source'));
    checks.fail(id, check, found, fix);
    return undefined;
  }
  // A data stream moves by its name, its backing indices with it: they are neither indices of their own nor system ones.
  const selectedStreams = planStreams(streams, config.rename);
  const backing = backingIndicesOf(selectedStreams.streams);
  resolved = resolved.filter((r) => !backing.has(r.index));
  const plan = planIndices(
    resolved.map((r) => r.index),
    config.rename,
  );
  plan.streams = selectedStreams.streams;
  plan.excluded.push(...selectedStreams.excluded);
  if (plan.migrate.length === 0 && plan.streams.length === 0) {
    checks.fail(
      id,
      check,
      `\`indices\` (${config.indices.join(',')}) matches no user index on the source` +
        (plan.excluded.length ? ` (only system indices, which are never migrated: ${plan.excluded.join(', ')})` : ''),
      'List the indices or patterns to migrate, e.g. `indices: "orders-*,products"`.',
    );
    return undefined;
  }
  const missing = config.indices.filter(
    (p) =>
      !p.startsWith('-') &&
      !p.includes('*') &&
      !resolved.some((r) => r.index === p) &&
      !aliases.includes(p) &&
      !streams.some((s) => s.name === p),
  );
  if (missing.length) {
    checks.fail(
      id,
      check,
      `\`indices\` names ${missing.join(', ')}, which the source does not have (neither an index, an alias nor a data stream)`,
      'Fix the name or use a pattern.',
    );
    return undefined;
  }
  const closed = resolved.filter((r) => !r.open && !plan.excluded.includes(r.index));
  if (closed.length) {
    checks.fail(
      id,
      check,
      `closed source indices cannot be snapshotted: ${closed.map((c) => c.index).join(', ')}`,
      `Open them or exclude them in \`indices\` (e.g. "-${closed[0]!.index}").`,
    );
    return undefined;
  }
  const collisions = renameCollisions({
    ...plan,
    migrate: [...plan.migrate, ...plan.streams.map((s) => ({ source: s.source, target: s.target }))],
  });
  if (collisions.length) {
    checks.fail(
      id,
      check,
      `\`rename-pattern\` maps several indices to one name: ${collisions.map((c) => `${c.sources.join(' + ')} → ${c.target}`).join('; ')}`,
      'Use a capture group in the pattern so every name stays distinct.',
    );
    return undefined;
  }
  const renamed = plan.migrate.filter((m) => m.source !== m.target).length;
  checks.pass(
    id,
    check,
    `${plural(plan.migrate.length, 'index', 'indices')}${plan.streams.length ? ` and ${plural(plan.streams.length, 'data stream')} (${plan.streams.reduce((n, s) => n + s.backingIndices.length, 0)} backing indices)` : ''}${renamed ? ` (${renamed} renamed, e.g. ${plan.migrate.find((m) => m.source !== m.target)!.source} → ${plan.migrate.find((m) => m.source !== m.target)!.target})` : ''}${plan.excluded.length ? `; ${plan.excluded.length} system indices left out` : ''}`,
  );
  return { plan, aliases };
}

function engineVersion(facts: DomainFacts): EngineVersion | undefined {
  return facts.info && facts.version ? parseVersion(facts.info.engine, facts.version) : undefined;
}

export async function preflightPhase(ctx: RunContext): Promise<PreflightOutcome> {
  const { config, source, target, record } = ctx;
  const checks = new Checks();
  record.checks = checks.rows; // the same array: a run that stops midway still shows its rows

  const [sd, td] = await together(
    checks,
    (c) => inspectDomain(source, 'source', principalFor(ctx, 'source'), c),
    (c) => inspectDomain(target, 'target', principalFor(ctx, 'target'), c),
  );
  const [sourceId, targetId] = await together<Identity | undefined>(
    checks,
    (c) => identityCheck(source, 'source', sd!, c),
    (c) => identityCheck(target, 'target', td!, c),
  );
  for (const [label, facts] of [
    ['source', sd!],
    ['target', td!],
  ] as const) {
    if (facts.info) {
      record[label].engine = facts.info.engine;
      record[label].version = facts.version;
    }
  }

  // The IAM documents again, now with the accounts, domain names and caller identities just found.
  const subject = record.iamDocuments
    ? {
        subject: record.iamDocuments.subject,
        from: record.iamDocuments.subjectFrom,
        notes: record.iamDocuments.notes.filter((n) => n.startsWith('The `sub`')),
      }
    : await githubSubject(config);
  const iamFacts = {
    callers: { ...(sourceId ? { source: sourceId.arn } : {}), ...(targetId ? { target: targetId.arn } : {}) },
    domains: { ...(sd!.ref ? { source: sd!.ref } : {}), ...(td!.ref ? { target: td!.ref } : {}) },
  };
  record.iamDocuments = iamDocumentSet(config, subject, iamFacts);

  const selection = sd!.reachable ? await indexSelection(ctx, checks) : undefined;
  let indices: SourceIndex[] = [];
  const created = new Map<string, string>();
  if (selection) {
    await checks.guard('source.index-facts', 'Source index settings and sizes', async () => {
      const names = selection.plan.migrate.map((m) => m.source);
      const [settings, sizes, aliases, documents] = await Promise.all([
        source.domain.indexSettings(config.indices, SETTINGS_READ),
        source.domain.indexSizes(config.indices),
        source.domain.aliases(names),
        source.domain.documentCounts(config.indices, names.length),
      ]);
      indices = selection.plan.migrate.map((m) => ({
        index: m.source,
        target: m.target,
        settings: settings.get(m.source) ?? {},
        documents: documents.get(m.source) ?? 0,
        primaryBytes: sizes.get(m.source)?.primaryBytes ?? 0,
        segments: sizes.get(m.source)?.segments ?? 0,
        aliases: aliases.get(m.source) ?? [],
      }));
    });
    const writer = engineVersion(sd!);
    const reader = engineVersion(td!);
    if (writer && reader && indices.length) {
      const versions = indices.map((i) => ({
        index: i.index,
        created: decodeCreatedVersion(Number(i.settings['index.version.created'])),
      }));
      for (const v of versions) if (v.created) created.set(v.index, versionText(v.created));
      compatibilityCheck(checks, writer, reader, versions);
    } else if (indices.length) {
      checks.skip('compatibility', 'Snapshot restorable on the target version', 'not checked: a domain did not answer');
    }
  }

  // Buckets (once when both sides share one), repository paths, repository names on the domains.
  const sameBucket = config.source.bucket === config.target.bucket;
  const [sourceBucketOk, targetBucketOk] = await together<boolean>(
    checks,
    (c) => bucketCheck(source, 'source', principalFor(ctx, 'source'), c),
    (c) => (sameBucket ? Promise.resolve(true) : bucketCheck(target, 'target', principalFor(ctx, 'target'), c)),
  );
  if (sourceBucketOk && targetBucketOk) await repositoryPathCheck(config, source, target, checks);
  await together(
    checks,
    (c) => (sd!.reachable ? registrationCheck(source, 'source', c) : Promise.resolve()),
    (c) => (td!.reachable ? registrationCheck(target, 'target', c) : Promise.resolve()),
  );

  // Permissions: IAM's simulation of every statement this run needs, the snapshot role's trust, FGAC.
  await checks.guard('iam', 'IAM permissions', () =>
    permissionChecks(
      ctx,
      principalsForRun(config, { ...iamFacts, subject: subject.subject }),
      { source: sourceId, target: targetId },
      checks,
    ),
  );
  await together(
    checks,
    (c) => (sd!.reachable ? accessControlCheck(source, 'source', sourceId, c) : Promise.resolve()),
    (c) => (td!.reachable ? accessControlCheck(target, 'target', targetId, c) : Promise.resolve()),
  );

  const { reuses } = sd!.reachable ? await snapshotsCheck(ctx, checks) : { reuses: false };

  // The target as the restore meets it.
  restoreSettingsCheck(config, checks);
  let replaces: string[] = [];
  let capacity: { needed: number; free?: number } = { needed: 0 };
  if (td!.reachable && indices.length) {
    await checks.guard('target.collisions', 'Target names free (indices and aliases, after renaming)', async () => {
      replaces = await collisionCheck(config, indices, target.domain, runSnapshotNames(config.snapshot), checks);
    });
    const clusterSettings = await target.domain.allocationSettings().catch(() => ({}) as Record<string, string>);
    settingsChecks(config, indices, td!.nodes ?? [], clusterSettings, checks);
    await checks.guard('target.capacity', 'Target storage for the restored indices', async () => {
      capacity = await capacityCheck(
        config,
        indices,
        target.domain,
        td!.nodes ?? [],
        clusterSettings,
        replaces,
        checks,
      );
    });
  }

  let streamRows: PlanFacts['streams'] = [];
  if (selection && td!.reachable) {
    await streamChecks(ctx, selection.plan, runSnapshotNames(config.snapshot), checks);
    await checks.guard('source.streams', 'Source data streams', async () => {
      streamRows = await streamFacts(ctx, selection.plan);
    });
  }
  const metadata = sd!.reachable && td!.reachable ? await metadataCheck(ctx, checks) : undefined;

  if (selection && (indices.length || selection.plan.streams.length)) {
    record.plan = forecast(config, indices, {
      reuses,
      replaces,
      bytesNeeded: capacity.needed,
      ...(capacity.free !== undefined ? { bytesFree: capacity.free } : {}),
      created,
    });
    if (streamRows.length) record.plan.streams = streamRows;
    if (metadata) record.plan.metadata = metadata;
  }

  const failed = checks.failed;
  if (failed.length || !selection) {
    const list = failed.map((f) => `  - ${f.check}: ${f.found}${f.fix ? ` → ${f.fix}` : ''}`).join('\n');
    throw new PreflightError(
      `${failed.length} preflight check${failed.length === 1 ? '' : 's'} failed; nothing was changed:\n${list}`,
    );
  }
  const warned = checks.rows.filter((r) => r.result === 'warn').length;
  const p = record.plan;
  const details = [
    `source ${sd!.info!.engine} ${sd!.version}, target ${td!.info!.engine} ${td!.version}`,
    `${checks.rows.length} checks: ${checks.rows.filter((r) => r.result === 'pass').length} passed${warned ? `, ${warned} warned` : ''}`,
    `${selection.plan.migrate.length} indices${selection.plan.streams.length ? ` and ${selection.plan.streams.length} data streams` : ''} to migrate${selection.plan.excluded.length ? `, ${selection.plan.excluded.length} system indices excluded` : ''}` +
      (p ? ` (${formatCount(p.snapshot.documents)} documents, ${formatBytes(p.snapshot.primaryBytes)})` : ''),
  ];
  if (p && !p.copy.skipped)
    details.push(
      `copy ≈ ${formatCount(p.copy.objectsEstimate)} objects, ${formatBytes(p.copy.bytesEstimate)}, ~${formatDuration(p.copy.estimatedMs)}`,
    );
  return { plan: selection.plan, details };
}
