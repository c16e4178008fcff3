// The post step: runs after the job's steps even when the main step failed, was cancelled or was killed.
// Its only job is the write block: if the main step left one active, lift it.
import * as core from '@actions/core';
import { readInputs } from './inputs/read-inputs.js';
import { credentialsPhase } from './phases/credentials.js';
import { liftWriteBlock, type WriteBlockStore } from './phases/write-block.js';
import { actionStateStore } from './state-store.js';

export async function post(store: WriteBlockStore = actionStateStore): Promise<void> {
  const saved = store.load();
  if (!saved || (saved.state !== 'active' && saved.state !== 'left')) return;
  try {
    const config = readInputs();
    const { source } = await credentialsPhase(config);
    await liftWriteBlock(source.domain, { indices: saved.indices, state: 'active' }, store);
    core.info(`post: lifted the write block the main step left on ${saved.indices.length} source indices`);
  } catch (err) {
    core.setFailed(
      `post: the source indices ${saved.indices.join(', ')} may still be write-blocked and could not be unblocked: ${(err as Error).message}. ` +
        'Lift it by hand: PUT <index>/_settings {"index.blocks.write": null}',
    );
  }
}
