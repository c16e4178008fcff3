// The write block's and the restore throttles' state between the main step and the post step, on the action's own state
// (core.saveState in main, core.getState in post). One implementation for both entry points.
import * as core from '@actions/core';
import type { SavedWriteBlock, WriteBlockStore } from './phases/write-block.js';
import type { SavedThrottles, ThrottleStore } from './phases/restore-throttles.js';

/** The state's name: the runner hands it to the post step as STATE_write-block. */
export const WRITE_BLOCK_STATE = 'write-block';

export const actionStateStore: WriteBlockStore = {
  save: (block) => core.saveState(WRITE_BLOCK_STATE, JSON.stringify(block)),
  load: () => {
    const raw = core.getState(WRITE_BLOCK_STATE);
    return raw ? (JSON.parse(raw) as SavedWriteBlock) : undefined;
  },
};

/** The target's restore throttles to put back (phases/restore-throttles.ts): STATE_restore-throttles. */
export const RESTORE_THROTTLES_STATE = 'restore-throttles';

export const actionThrottleStore: ThrottleStore = {
  save: (saved) => core.saveState(RESTORE_THROTTLES_STATE, JSON.stringify(saved)),
  load: () => {
    const raw = core.getState(RESTORE_THROTTLES_STATE);
    return raw ? (JSON.parse(raw) as SavedThrottles) : undefined;
  },
};
