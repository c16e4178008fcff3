import type { ActionRun } from '../../stack/runner.js';
export { runAction, stackInputs, parseFileCommands, type ActionRun } from '../../stack/runner.js';

/** The last lines of a failed run's log (masks left out), for a test's failure message; '' when it succeeded. */
export const failureTail = (run: ActionRun): string =>
  run.code === 0
    ? ''
    : run.log
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .slice(-30)
        .join('\n');
