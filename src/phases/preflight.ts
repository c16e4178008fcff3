// Phase 2: everything that can be known before the first write, one row per check (src/preflight/):
// identities and accounts, both domains and their versions, which indices move and whether the target's
// version can read them, both buckets and what lies at the repository paths, IAM permissions (simulated)
// and fine-grained access control, snapshots already running, and the target's names, storage and
// settings. Every check runs even after one fails, so a plan lists everything to fix; then any failure
// stops the run here, before any write. Only GET requests reach the domains, and S3 is only read.
import type { RunContext } from '../context.js';
import type { Forecast, PreflightFindings } from '../record.js';
import { githubSubject, iamDocumentSet } from '../iam/run-documents.js';
import { principalsForRun } from '../iam/requirements.js';
import type { IndexSelection } from '../indices.js';
import { bucketCheck, registrationCheck, repositoryPathCheck } from '../preflight/buckets.js';
import { Checks } from '../preflight/checks.js';
import {
  compatibilityCheck,
  decodeCreatedVersion,
  parseVersion,
  versionText,
  type EngineVersion,
} from '../preflight/compatibility.js';
import { inspectDomain, type DomainFacts } from '../preflight/domains.js';
import { indexSelection, principalFor } from '../preflight/selection.js';
import { forecast } from '../preflight/forecast.js';
import { repositoryContentsCheck } from '../preflight/repository-contents.js';
import { sameRepositoryLocation } from '../config.js';
import type { CopySurvey } from '../aws/copy/survey.js';
import { identityCheck, type Identity } from '../preflight/identity.js';
import { accessControlCheck } from '../preflight/access-control.js';
import { permissionChecks } from '../preflight/iam-simulation.js';
import { capacityCheck } from '../preflight/capacity.js';
import { snapshotsCheck } from '../preflight/snapshots.js';
import { metadataCheck, streamChecks, streamFacts } from '../preflight/streams.js';
import { collisionCheck, restoreSettingsCheck, settingsChecks, type SourceIndex } from '../preflight/target.js';
import { runSnapshotNames } from './snapshot.js';
import { recoveryRate } from './restore-throttles.js';
import { DEFAULT_THROTTLE, timeBudgetCheck } from '../preflight/duration.js';
import { isDataNode, type NodeFacts } from '../search/cluster.js';

export class PreflightError extends Error {
  override name = 'PreflightError';
}

export interface PreflightOutcome {
  /** The indices this run migrates. */
  selection: IndexSelection;
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

function engineVersion(facts: DomainFacts): EngineVersion | undefined {
  return facts.info && facts.version ? parseVersion(facts.info.engine, facts.version) : undefined;
}

export async function preflightPhase(ctx: RunContext, found: PreflightFindings): Promise<PreflightOutcome> {
  const { config, source, target } = ctx;
  const checks = new Checks(found.checks);

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
      found.engines[label] = { engine: facts.info.engine, version: facts.version };
    }
  }

  // The IAM documents again, now with the accounts, domain names and caller identities just found.
  const earlier = found.iamDocuments;
  const subject = earlier
    ? {
        subject: earlier.subject,
        from: earlier.subjectFrom,
        notes: earlier.notes.filter((n) => n.startsWith('The `sub`')),
      }
    : await githubSubject(config);
  const iamFacts = {
    callers: { ...(sourceId ? { source: sourceId.arn } : {}), ...(targetId ? { target: targetId.arn } : {}) },
    domains: { ...(sd!.ref ? { source: sd!.ref } : {}), ...(td!.ref ? { target: td!.ref } : {}) },
  };
  found.iamDocuments = iamDocumentSet(config, subject, iamFacts);

  const picked = sd!.reachable ? await indexSelection(ctx, checks) : undefined;
  let indices: SourceIndex[] = [];
  const created = new Map<string, string>();
  if (picked) {
    await checks.guard('source.index-facts', 'Source index settings and sizes', async () => {
      const names = picked.selection.migrate.map((m) => m.source);
      const [settings, sizes, aliases, documents] = await Promise.all([
        source.domain.indexSettings(config.indices, SETTINGS_READ),
        source.domain.indexSizes(config.indices),
        source.domain.aliases(names),
        source.domain.documentCounts(config.indices, names.length),
      ]);
      indices = picked.selection.migrate.map((m) => ({
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
  // One bucket check when both sides share the bucket, whatever their paths (the path checks follow).
  const sameBucket = config.source.bucket === config.target.bucket;
  const [sourceBucketOk, targetBucketOk] = await together<boolean>(
    checks,
    (c) => bucketCheck(source, 'source', principalFor(ctx, 'source'), c),
    (c) => (sameBucket ? Promise.resolve(true) : bucketCheck(target, 'target', principalFor(ctx, 'target'), c)),
  );
  if (sourceBucketOk && targetBucketOk) await repositoryPathCheck(config, source, target, checks);
  const survey: CopySurvey | undefined =
    sourceBucketOk && targetBucketOk && !sameRepositoryLocation(config)
      ? await repositoryContentsCheck(ctx, checks)
      : undefined;
  await together(
    checks,
    (c) => (sd!.reachable ? registrationCheck(source, 'source', c) : Promise.resolve()),
    (c) => (td!.reachable ? registrationCheck(target, 'target', c) : Promise.resolve()),
  );

  // Permissions: IAM's simulation of every statement this run needs, the snapshot role's trust, FGAC.
  await checks.guard('iam', 'IAM permissions', () =>
    permissionChecks(
      ctx,
      principalsForRun(config, {
        ...iamFacts,
        subject: subject.subject,
        ...(subject.issuer ? { issuer: subject.issuer } : {}),
      }),
      { source: sourceId, target: targetId },
      checks,
    ),
  );
  await together(
    checks,
    (c) => (sd!.reachable ? accessControlCheck(source, 'source', sourceId, c, sd!.info?.engine) : Promise.resolve()),
    (c) => (td!.reachable ? accessControlCheck(target, 'target', targetId, c, td!.info?.engine) : Promise.resolve()),
  );

  const { reuses, repository: sourceRepository } = sd!.reachable
    ? await snapshotsCheck(ctx, checks)
    : { reuses: false, repository: undefined };

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

  let streamRows: Forecast['streams'] = [];
  if (picked && td!.reachable) {
    await streamChecks(ctx, picked.selection, runSnapshotNames(config.snapshot), checks);
    await checks.guard('source.streams', 'Source data streams', async () => {
      streamRows = await streamFacts(ctx, picked.selection);
    });
  }
  const metadata = sd!.reachable && td!.reachable ? await metadataCheck(ctx, checks) : undefined;

  if (picked && (indices.length || picked.selection.streams.length)) {
    const throttles =
      sd!.reachable && td!.reachable
        ? {
            sourceDataNodes: dataNodes(sd!.nodes),
            targetDataNodes: dataNodes(td!.nodes),
            // The rate the run's snapshot meets: snapshot-rate, else the repository's own, else the default.
            snapshotRate:
              config.snapshotRate ?? String(sourceRepository?.settings?.max_snapshot_bytes_per_sec ?? DEFAULT_THROTTLE),
            recoveryRate: (await recoveryRate(target.domain)) ?? DEFAULT_THROTTLE,
          }
        : undefined;
    found.forecast = forecast(config, indices, {
      ...(throttles ? { throttles } : {}),
      reuses,
      replaces,
      bytesNeeded: capacity.needed,
      ...(capacity.free !== undefined ? { bytesFree: capacity.free } : {}),
      created,
      ...(survey ? { survey } : {}),
    });
    if (streamRows.length) found.forecast.streams = streamRows;
    if (metadata) found.forecast.metadata = metadata;
    timeBudgetCheck(config, found.forecast, checks);
  }

  const failed = checks.failed;
  if (failed.length || !picked) {
    const list = failed.map((f) => `  - ${f.check}: ${f.found}${f.fix ? ` → ${f.fix}` : ''}`).join('\n');
    throw new PreflightError(
      `${failed.length} preflight check${failed.length === 1 ? '' : 's'} failed; nothing was changed:\n${list}`,
    );
  }
  return { selection: picked.selection };
}

/** Nodes that hold data; a domain that does not list them counts as one. */
function dataNodes(nodes: NodeFacts[] | undefined): number {
  return Math.max((nodes ?? []).filter(isDataNode).length, 1);
}
