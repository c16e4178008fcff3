// The write block's state between the main step and the post step, on the action's own state
// (core.saveState in main, core.getState in post). One implementation for both entry points.
import * as core from '@actions/core';
import type { SavedWriteBlock, WriteBlockStore } from './phases/write-block.js';

/** The state's name: the runner hands it to the post step as STATE_write-block. */
export const WRITE_BLOCK_STATE = 'write-block';

export const actionStateStore: WriteBlockStore = {
  save: (block) => core.saveState(WRITE_BLOCK_STATE, JSON.stringify(block)),
  load: () => {
    const raw = core.getState(WRITE_BLOCK_STATE);
    return raw ? (JSON.parse(raw) as SavedWriteBlock) : undefined;
  },
};
