// The recipe as users run it by hand today (the developer guide's "Migrating to Amazon OpenSearch
// Service" and "Creating index snapshots"): register the repository, snapshot and wait, `aws s3 sync`
// between the buckets, register the copy read-only on the target, restore and wait, count each index.
// Every step at its tool's defaults: the engine's throttles as they are, the CLI without a config
// beyond path-style addressing. Requests go to the engine nodes straight (the gateway would only add
// SigV4 checks the timing does not depend on); the repositories carry no role_arn for that reason.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from './http.js';

export interface RecipeSides {
  sourceNode: string;
  targetNode: string;
  sourceBucket: string;
  targetBucket: string;
  targetRegion: string;
  motoUrl: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface RecipeRun {
  phases: Record<string, number>;
  counts: Record<string, number>;
}

async function timedStep<T>(phases: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await fn();
  phases[name] = Math.round(performance.now() - started);
  return value;
}

/** `aws s3 sync` at its defaults (10 requests in flight, 8 MiB parts above 8 MiB); path-style for moto on an IP. */
async function s3Sync(s: RecipeSides, from: string, to: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-e2e-aws-'));
  try {
    writeFileSync(join(dir, 'config'), '[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n');
    const env = {
      ...process.env,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      AWS_ACCESS_KEY_ID: s.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s.secretAccessKey,
    };
    const args = [
      '--endpoint-url',
      s.motoUrl,
      's3',
      'sync',
      from,
      to,
      '--region',
      s.targetRegion,
      '--only-show-errors',
    ];
    const child = spawn('aws', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    if (code !== 0) throw new Error(`aws s3 sync exited ${code}: ${stderr.slice(-1000)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runRecipe(
  s: RecipeSides,
  p: { repository: string; basePath: string; snapshot: string; indices: string[] },
): Promise<RecipeRun> {
  const phases: Record<string, number> = {};
  const pattern = p.indices.join(',');
  await timedStep(phases, 'register', () =>
    call(s.sourceNode, 'PUT', `/_snapshot/${p.repository}`, {
      type: 's3',
      settings: { bucket: s.sourceBucket, base_path: p.basePath },
    }),
  );
  await timedStep(phases, 'snapshot', async () => {
    const res = await call(s.sourceNode, 'PUT', `/_snapshot/${p.repository}/${p.snapshot}?wait_for_completion=true`, {
      indices: pattern,
      include_global_state: false,
    });
    if (res.snapshot?.state !== 'SUCCESS') throw new Error(`recipe snapshot ended ${res.snapshot?.state}`);
  });
  await timedStep(phases, 'copy', () =>
    s3Sync(s, `s3://${s.sourceBucket}/${p.basePath}`, `s3://${s.targetBucket}/${p.basePath}`),
  );
  await timedStep(phases, 'registerTarget', () =>
    call(s.targetNode, 'PUT', `/_snapshot/${p.repository}`, {
      type: 's3',
      settings: { bucket: s.targetBucket, base_path: p.basePath, readonly: true },
    }),
  );
  await timedStep(phases, 'restore', async () => {
    const res = await call(
      s.targetNode,
      'POST',
      `/_snapshot/${p.repository}/${p.snapshot}/_restore?wait_for_completion=true`,
      { indices: pattern, include_global_state: false },
    );
    if (res.snapshot?.shards?.failed) throw new Error(`recipe restore: ${res.snapshot.shards.failed} shards failed`);
  });
  const counts: Record<string, number> = {};
  await timedStep(phases, 'count', async () => {
    for (const index of p.indices) counts[index] = (await call(s.targetNode, 'GET', `/${index}/_count`)).count;
  });
  return { phases, counts };
}
