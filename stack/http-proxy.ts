// A real HTTP proxy for the proxy tests: Debian's tinyproxy on 127.0.0.1, with its own config and log
// (one line per tunnel: `Request (file descriptor N): CONNECT 127.0.0.1:PORT HTTP/1.1`). Installed with
// apt-get when missing, as CI runs on a fresh machine as root.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopProcess } from './processes.js';

const TINYPROXY = '/usr/bin/tinyproxy';

function ensureTinyproxy(): void {
  if (existsSync(TINYPROXY)) return;
  console.log('[stack] tinyproxy is not installed: installing it with apt-get');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'tinyproxy'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

export interface RunningProxy {
  url: string;
  /** host:port of every tunnel opened through the proxy since it started, in order. */
  tunnels(): string[];
  stop(): Promise<void>;
}

export async function startHttpProxy(port: number, dir: string): Promise<RunningProxy> {
  ensureTinyproxy();
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'tinyproxy.log');
  const config = join(dir, 'tinyproxy.conf');
  writeFileSync(logFile, '');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Allow 127.0.0.1',
      'Timeout 600',
      'MaxClients 400',
      `LogFile "${logFile}"`,
      'LogLevel Connect',
      // No ConnectPort lines: CONNECT to any port (the stack's services are not on 443).
      '',
    ].join('\n'),
  );
  const child = spawn(TINYPROXY, ['-d', '-c', config], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!readFileSync(logFile, 'utf8').includes('Reloading config file finished')) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited (${child.exitCode}); see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`tinyproxy did not start on ${url}; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    tunnels: () =>
      [...readFileSync(logFile, 'utf8').matchAll(/Request \(file descriptor \d+\): CONNECT (\S+) HTTP/g)].map(
        (m) => m[1]!,
      ),
    stop: () => (child.pid ? stopProcess(child.pid, 5_000) : Promise.resolve()),
  };
}
