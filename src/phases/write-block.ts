// The read-only window: `index.blocks.write` on exactly the indices this run migrates, from just before
// the snapshot (two-phase: from the start of phase 2) until the run ends. Its state goes to a store the
// action's post step reads, so the post step lifts a block that a failed, cancelled or killed main step
// left behind. The window is measured from the moment the block is asked for to the moment its lifting
// is confirmed: the longest the source can have refused writes.
import type { Domain } from '../search/domain.js';
import type { WriteBlockFacts } from '../record.js';

export interface SavedWriteBlock {
  indices: string[];
  state: WriteBlockFacts['state'];
}

/** Where the write block's state outlives the main step (the action's state; a test gives its own). */
export interface WriteBlockStore {
  save(block: SavedWriteBlock): void;
  load(): SavedWriteBlock | undefined;
}

/**
 * Blocks writes on `facts.indices`. `facts` is already in the run record, so a request that fails
 * half-way (or a time-out) still leaves a block that main.ts lifts.
 */
export async function setWriteBlock(domain: Domain, facts: WriteBlockFacts, store: WriteBlockStore): Promise<void> {
  // Saved before the request: if the process dies between the two, the post step still lifts it.
  store.save({ indices: facts.indices, state: 'active' });
  facts.state = 'active';
  facts.setAt = Date.now();
  if (facts.indices.length) await domain.setWriteBlock(facts.indices, true);
}

export async function liftWriteBlock(domain: Domain, facts: WriteBlockFacts, store: WriteBlockStore): Promise<void> {
  if (facts.indices.length) await domain.setWriteBlock(facts.indices, false);
  facts.liftedAt = Date.now();
  facts.state = 'lifted';
  store.save({ indices: facts.indices, state: 'lifted' });
}

export function keepWriteBlock(facts: WriteBlockFacts, store: WriteBlockStore): void {
  facts.state = 'kept';
  store.save({ indices: facts.indices, state: 'kept' });
}
