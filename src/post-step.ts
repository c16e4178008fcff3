// The post step: runs after the job's steps even when the main step failed, was cancelled or was killed.
// It undoes what the main step owned and left behind: a write block on the source, and the target's
// restore throttles (phases/restore-throttles.ts), put back exactly as they were.
import * as core from '@actions/core';
import { readInputs } from './inputs/read-inputs.js';
import { credentialsPhase } from './phases/credentials.js';
import { restoreThrottles, type ThrottleStore } from './phases/restore-throttles.js';
import { liftWriteBlock, type WriteBlockStore } from './phases/write-block.js';
import { actionStateStore, actionThrottleStore } from './state-store.js';

export async function post(
  store: WriteBlockStore = actionStateStore,
  throttleStore: ThrottleStore = actionThrottleStore,
): Promise<void> {
  const saved = store.load();
  const blocked = saved !== undefined && (saved.state === 'active' || saved.state === 'left');
  const throttles = throttleStore.load();
  const raised = throttles !== undefined && (throttles.state === 'raised' || throttles.state === 'left');
  if (!blocked && !raised) return;
  let sides: Awaited<ReturnType<typeof credentialsPhase>>;
  try {
    sides = await credentialsPhase(readInputs());
  } catch (err) {
    const left = [
      ...(blocked ? [`the source indices ${saved.indices.join(', ')} may still be write-blocked`] : []),
      ...(raised ? ["the target's restore throttles may still be raised"] : []),
    ];
    core.setFailed(`post: ${left.join('; ')} and could not be undone: ${(err as Error).message}`);
    return;
  }
  if (blocked) {
    try {
      await liftWriteBlock(sides.source.domain, { indices: saved.indices, state: 'active' }, store);
      core.info(`post: lifted the write block the main step left on ${saved.indices.length} source indices`);
    } catch (err) {
      core.setFailed(
        `post: the source indices ${saved.indices.join(', ')} may still be write-blocked and could not be unblocked: ${(err as Error).message}. ` +
          'Lift it by hand: PUT <index>/_settings {"index.blocks.write": null}',
      );
    }
  }
  if (raised) {
    try {
      await restoreThrottles(sides.target.domain, throttles, throttleStore);
      core.info("post: put back the target's restore throttles the main step left raised");
    } catch (err) {
      core.setFailed(
        `post: the target's restore throttles may still be raised and could not be put back: ${(err as Error).message}. ` +
          `Put them back by hand: PUT _cluster/settings {"persistent": ${JSON.stringify(throttles.previous)}}`,
      );
    }
  }
}
