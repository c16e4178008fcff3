// A stack of its own for a test that needs legacy engines: its own port base (offset from the test
// run's) and STACK_DIR, started with `stack:up` as a user would and stopped after. The default stack
// and test run never build or start a legacy engine.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@opensearch-project/opensearch';
import { projectRoot, readStackEnv } from '../../stack/layout.js';

const run = promisify(execFile);

export interface LegacyStack {
  env: Record<string, string>;
  envFile: string;
  /** Seconds `stack:up` took, as it printed. */
  upSeconds: number;
  node(side: 'source' | 'target'): Client;
  stop(): Promise<void>;
}

/**
 * base+200 … base+399: clear of the test run's own stack (base … base+199). Every legacy test uses the
 * same range and stops its stack after, so they follow one another (`jest --runInBand`).
 */
const LEGACY_STACK_OFFSET = 200;

export async function startLegacyStack(p: { source: string; target: string }): Promise<LegacyStack> {
  const base = Number(process.env.STACK_PORT_BASE ?? 19200) + LEGACY_STACK_OFFSET;
  const dir = join(projectRoot, '.stack-legacy');
  const env = {
    ...process.env,
    STACK_PORT_BASE: String(base),
    STACK_DIR: dir,
    STACK_SOURCE_ENGINE: p.source,
    STACK_TARGET_ENGINE: p.target,
  };
  const cli = (command: string) =>
    run(process.execPath, ['--import', 'tsx', join(projectRoot, 'stack', 'cli.ts'), command], {
      env,
      cwd: projectRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
  await cli('down'); // a stack an interrupted run left behind
  const { stdout } = await cli('up');
  const envFile = join(dir, 'env');
  const stackEnv = readStackEnv(envFile);
  return {
    env: stackEnv,
    envFile,
    upSeconds: Number(/up in ([\d.]+)s/.exec(stdout)?.[1] ?? NaN),
    node: (side) => new Client({ node: side === 'source' ? stackEnv.STACK_SOURCE_NODE : stackEnv.STACK_TARGET_NODE }),
    stop: async () => {
      await cli('down');
    },
  };
}

/** A few small indices, written on the bare source node (the seed's analyzers need analysis-common). */
export async function seedSmall(node: Client, names: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [i, index] of names.entries()) {
    const documents = 50 * (i + 1);
    await node.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
    const body = Array.from({ length: documents }, (_, n) => [
      { index: { _index: index } },
      { n, text: `doc ${n}` },
    ]).flat();
    await node.bulk({ body, refresh: true } as any);
    counts[index] = documents;
  }
  return counts;
}
