// The job summary as the run goes: a short section appended as each phase ends (a run that is killed
// later still leaves what it did), then the whole summary written over them at the end. GitHub gives
// every step its own summary file, so overwriting replaces only this step's sections.
import * as core from '@actions/core';

async function write(html: string, overwrite: boolean): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(html).write({ overwrite });
  } catch (err) {
    core.summary.emptyBuffer();
    core.warning(`could not write the job summary: ${(err as Error).message}`);
  }
}

/** One phase's section, after those of the phases before it. */
export const appendSection = (html: string): Promise<void> => write(html, false);

/** The run's whole summary, in place of the sections written while it ran. */
export const writeWholeSummary = (html: string): Promise<void> => write(html, true);
