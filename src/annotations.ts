// Annotations: what shows on the run page and the pull request, each with a title naming what failed,
// not only as lines in the log. GitHub shows the first few errors and warnings of a step there.
import * as core from '@actions/core';
import type { CheckRecord } from './record.js';

/** Each failed or warning preflight check as its own annotation, with what was found and what to do. */
export function annotateChecks(rows: readonly CheckRecord[]): void {
  for (const row of rows) {
    if (row.result !== 'fail' && row.result !== 'warn') continue;
    const text = row.fix ? `${row.found}. ${row.fix}` : row.found;
    const properties = { title: `Preflight: ${row.check}` };
    if (row.result === 'fail') core.error(text, properties);
    else core.warning(text, properties);
  }
}

/**
 * Fails the step with one titled error (what `core.setFailed` does, plus the title). The exit code is the
 * literal 1 (core.ExitCode.Failure): a const enum is not a runtime value in every loader, and
 * @github/local-action's stand-in for @actions/core has no `ExitCode` at all.
 */
export function failStep(message: string, title: string): void {
  process.exitCode = 1;
  core.error(message, { title });
}
