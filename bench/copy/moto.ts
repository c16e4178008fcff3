// The moto_server the benchmark copies on: one it starts on a port of its own (the default, so a
// run never disturbs the stack), or an already running one named by BENCH_ENDPOINT.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';

export interface Moto {
  endpoint: string;
  /** CPU seconds moto has used so far, when its process is known (ours). */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

function processCpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces, so split after the closing paren).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime + stime
  } catch {
    return undefined;
  }
}

async function reachable(endpoint: string): Promise<boolean> {
  try {
    await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

export async function startMoto(port: number, existing?: string): Promise<Moto> {
  if (existing) {
    if (!(await reachable(existing))) throw new Error(`BENCH_ENDPOINT ${existing} does not answer`);
    return { endpoint: existing, cpuSeconds: () => undefined, stop: async () => undefined };
  }
  const endpoint = `http://127.0.0.1:${port}`;
  if (!(await portFree(port))) throw new Error(`port ${port} is taken; stop what runs there or set BENCH_MOTO_PORT`);
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!(await reachable(endpoint))) {
    if (child.exitCode !== null) throw new Error('moto_server exited at start');
    if (Date.now() > deadline) throw new Error('moto_server did not answer within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  // moto_server may be a pyenv shim that execs python: the pid is the server's after exec.
  const pid = child.pid!;
  return {
    endpoint,
    cpuSeconds: () => processCpuSeconds(pid),
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
