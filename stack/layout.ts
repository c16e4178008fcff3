// Where every part of the local stack listens and what it is called: one place, read by the stack's
// own scripts, and written to `.stack/env` for tests, the demo and benchmarks.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** STACK_DIR lets a second stack (another port base) keep its own state beside the default one. */
export const stackDir = process.env.STACK_DIR ?? join(projectRoot, '.stack');
export const envFile = join(stackDir, 'env');
export const pidFile = join(stackDir, 'pids.json');

/** path.repo of a side whose engine has no S3 plugin (its fs repositories; the gateway syncs them). */
export const fsRepositoryRoot = (side: 'source' | 'target') => join(stackDir, `${side}-fs-repositories`);

export const ACCOUNT_ID = '123456789012';

export interface StackLayout {
  base: number;
  motoUrl: string;
  source: SideLayout;
  target: SideLayout;
  oidcPort: number;
}

export interface SideLayout {
  name: 'source' | 'target';
  region: string;
  bucket: string;
  nodePort: number;
  transportPort: number;
  gatewayPort: number;
}

/** Ports from one base so that a second stack (a helper's, a benchmark's) can sit beside the first. */
export function stackLayout(base = Number(process.env.STACK_PORT_BASE ?? 19200)): StackLayout {
  return {
    base,
    motoUrl: `http://127.0.0.1:${base}`,
    source: {
      name: 'source',
      region: 'us-east-1',
      bucket: 'stack-source-snapshots',
      nodePort: base + 1,
      transportPort: base + 101,
      gatewayPort: base + 11,
    },
    target: {
      name: 'target',
      region: 'eu-west-1',
      bucket: 'stack-target-snapshots',
      nodePort: base + 2,
      transportPort: base + 102,
      gatewayPort: base + 12,
    },
    oidcPort: base + 20,
  };
}

/** Reads `.stack/env` (lines of `export NAME='value'`) into an object; empty when the stack is down. */
export function readStackEnv(file = envFile): Record<string, string> {
  if (!existsSync(file)) return {};
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z0-9_]+)='(.*)'$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/'\\''/g, "'");
  }
  return env;
}

export function formatStackEnv(env: Record<string, string>): string {
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  return (
    '# Written by `npm run stack:up`; source it (. .stack/env) to reach the local stack.\n' +
    Object.entries(env)
      .map(([k, v]) => `export ${k}=${quote(v)}`)
      .join('\n') +
    '\n'
  );
}
