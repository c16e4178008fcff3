// Telling a write block an earlier attempt of this run left behind from the user's own. The post step
// normally lifts the block of a killed or cancelled main step; when it could not (the runner itself died,
// the domain did not answer), a re-run finds the indices blocked. The run's snapshot says which of them the
// user had blocked when the earlier attempt looked (resume/snapshot-mark.ts); every other one is the run's.
import type { RunContext } from '../context.js';
import { leftByEarlierAttempt, readMark } from './snapshot-mark.js';

export async function inheritedWriteBlock(
  ctx: RunContext,
  indices: string[],
): Promise<{ users: string[]; inherited: string[] }> {
  const blocked = await ctx.source.domain.writeBlocked(indices);
  if (blocked.length === 0) return { users: [], inherited: [] };
  const found = await ctx.source.domain
    .getSnapshot(ctx.source.config.repository, ctx.config.snapshot)
    .catch(() => undefined);
  const mark = readMark(found?.metadata);
  // Only this run's own snapshot speaks for this run's attempts.
  if (!mark || mark.run !== ctx.config.runId) return { users: blocked, inherited: [] };
  const inherited = leftByEarlierAttempt(blocked, mark) ?? [];
  return { users: blocked.filter((i) => !inherited.includes(i)), inherited };
}
