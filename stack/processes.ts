// Detached processes for the stack: they outlive the command that started them (tests and the demo
// reuse a running stack) and are stopped later by process id.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';

export function spawnDetached(
  command: string,
  args: string[],
  opts: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): number {
  const out = openSync(opts.logFile, 'a');
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: opts.env ?? process.env,
    cwd: opts.cwd,
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  child.unref();
  return child.pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the process group, wait, then SIGKILL what is left. */
export async function stopProcess(pid: number, timeoutMs = 15_000): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) signal('SIGKILL');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls a URL until it answers (any HTTP status below 500 counts), or fails with what the caller gives. */
export async function waitForHttp(
  url: string,
  opts: { timeoutMs: number; alive?: () => boolean; what: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
    } catch {
      /* not listening yet */
    }
    if (opts.alive && !opts.alive()) throw new Error(`${opts.what} exited before it answered on ${url}`);
    if (Date.now() > deadline)
      throw new Error(`${opts.what} did not answer on ${url} within ${opts.timeoutMs / 1000}s`);
    await sleep(250);
  }
}
