// The moto the benchmark copies on: the stack's own moto program (stack/moto/serve.py) started on a
// port of its own (the default, so a run never disturbs a running stack), plain `moto_server` with
// BENCH_MOTO_SERVER=werkzeug (to compare the two servers), or an already running one named by
// BENCH_ENDPOINT.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type MotoServer = 'stack' | 'werkzeug';

const serveScript = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'stack', 'moto', 'serve.py');

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

export async function startMoto(port: number, existing?: string, server: MotoServer = 'stack'): Promise<Moto> {
  if (existing) {
    if (!(await reachable(existing))) throw new Error(`BENCH_ENDPOINT ${existing} does not answer`);
    return { endpoint: existing, cpuSeconds: () => undefined, stop: async () => undefined };
  }
  const endpoint = `http://127.0.0.1:${port}`;
  if (!(await portFree(port))) throw new Error(`port ${port} is taken; stop what runs there or set BENCH_MOTO_PORT`);
  const [command, args] =
    server === 'stack'
      ? ['python3', [serveScript, '127.0.0.1', String(port)]]
      : ['moto_server', ['-H', '127.0.0.1', '-p', String(port)]];
  const child: ChildProcess = spawn(command, args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!(await reachable(endpoint))) {
    if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited at start`);
    if (Date.now() > deadline) throw new Error(`moto (${command}) did not answer within 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // python3 and moto_server may be pyenv shims that exec python: the pid is the server's after exec.
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
