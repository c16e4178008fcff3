// A snapshot already running on the source (AWS takes its automated one every hour): the run does not
// fail on it, it waits, so the plan says how long it may wait. And a snapshot of this run's name that an
// earlier attempt left: reused, not taken again.
import type { RunContext } from '../context.js';
import type { Checks } from './checks.js';
import type { RegisteredRepository } from '../search/domain.js';

/** Also returns the run's repository as the source has it now (for its snapshot rate), if registered. */
export async function snapshotsCheck(
  ctx: RunContext,
  checks: Checks,
): Promise<{ reuses: boolean; repository?: RegisteredRepository }> {
  const { config, source } = ctx;
  const id = 'source.snapshots';
  const check = 'Snapshots running on the source';
  let reuses = false;
  let repository: RegisteredRepository | undefined;
  await checks.guard(id, check, async () => {
    const running = await source.domain.runningSnapshots();
    const ours = running.some((r) => r.repository === source.config.repository && r.snapshot === config.snapshot);
    repository = await source.domain.getRepository(source.config.repository);
    const existing = repository
      ? await source.domain.getSnapshot(source.config.repository, config.snapshot).catch(() => undefined)
      : undefined;
    reuses = existing !== undefined;
    const reuse = existing
      ? `; snapshot ${config.snapshot} already exists (${existing.state}): an earlier attempt's, reused`
      : '';
    const others = running.filter(
      (r) => !(r.repository === source.config.repository && r.snapshot === config.snapshot),
    );
    if (others.length) {
      return checks.warn(
        id,
        check,
        `${others.map((r) => `${r.repository}/${r.snapshot} (${r.state})`).join(', ')} is running${reuse}: the run waits for it, up to snapshot-timeout-minutes (${config.timeouts.snapshotMs / 60_000})`,
        others.some((r) => r.repository.startsWith('cs-'))
          ? "Nothing to do: AWS's automated snapshot ends by itself. To avoid the wait, start migrations away from the domain's automated snapshot hour."
          : 'Let it finish, or stop it (DELETE _snapshot/<repository>/<snapshot>) if it is abandoned.',
      );
    }
    checks.pass(id, check, `none running${ours ? ` except this run's own ${config.snapshot}` : ''}${reuse}`);
  });
  return { reuses, ...(repository ? { repository } : {}) };
}
