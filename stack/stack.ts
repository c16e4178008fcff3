// Starting and stopping the whole local test ground. `ensureStack()` is what tests, the demo and the
// benchmarks call: it reuses a running stack, or starts one and says so (so the caller can stop it).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { seedAws, MOTO_ADMIN, STACK_REPOSITORY } from './aws-seed.js';
import { buildLauncher, startNode } from './opensearch.js';
import { engine, sideEngines } from './engines.js';
import { DEFAULT_MAX_BODY_BYTES } from './gateway/index.js';
import { seedSource, type SeededIndex } from './seed-data.js';
import { seedProduction, type ProductionSeed } from './seed-production.js';
import { isAlive, spawnDetached, stopProcess, waitForHttp } from './processes.js';
import {
  ACCOUNT_ID,
  envFile,
  formatStackEnv,
  pidFile,
  projectRoot,
  readStackEnv,
  stackDir,
  stackLayout,
  fsRepositoryRoot,
} from './layout.js';

type Pids = Record<string, number>;
const log = (line: string) => console.log(`[stack] ${line}`);

function readPids(): Pids {
  return existsSync(pidFile) ? (JSON.parse(readFileSync(pidFile, 'utf8')) as Pids) : {};
}

export function runningPids(): Pids {
  return Object.fromEntries(Object.entries(readPids()).filter(([, pid]) => isAlive(pid)));
}

/** moto 5.2 comes with the machine image; install it only where it is missing. */
function ensureMoto(): void {
  const present = () => {
    try {
      execFileSync('python3', ['-c', 'import moto.server, moto.sts, moto.iam, werkzeug'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (present()) return;
  log('moto is not installed: installing moto[server] 5.2 with pip');
  execFileSync('python3', ['-m', 'pip', 'install', '--quiet', 'moto[server]>=5.2,<5.3'], { stdio: 'inherit' });
  if (!present()) throw new Error('moto is still not importable after pip install');
}

export async function stackUp(): Promise<Record<string, string>> {
  const running = runningPids();
  if (Object.keys(running).length > 0 && existsSync(envFile)) {
    log(
      `already running (${Object.entries(running)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}); \`npm run stack:down\` stops it`,
    );
    return readStackEnv();
  }
  const started = Date.now();
  const layout = stackLayout();
  rmSync(stackDir, { recursive: true, force: true });
  mkdirSync(join(stackDir, 'logs'), { recursive: true });
  const pids: Pids = {};
  const savePids = () => writeFileSync(pidFile, JSON.stringify(pids, null, 2));

  try {
    ensureMoto();
    pids.moto = spawnDetached(
      'python3',
      [join(projectRoot, 'stack', 'moto', 'serve.py'), '127.0.0.1', String(layout.base)],
      {
        logFile: join(stackDir, 'logs', 'moto.log'),
      },
    );
    savePids();
    // Legacy engines are built only when a side asks for one. The class cache's training node
    // listens inside this stack's own port range.
    const engines = sideEngines();
    for (const e of new Set([engines.source.name, engines.target.name])) {
      await buildLauncher(log, { httpPort: layout.base + 150, transportPort: layout.base + 151 }, engine(e));
    }
    // Each index costs the node heap: the default 512m holds the default seed; a thousand indices (the
    // production seed profile) want STACK_NODE_HEAP=1536m or more, or the node spends its time in GC.
    const heap = process.env.STACK_NODE_HEAP ?? '512m';
    if (!/^\d+[mg]$/.test(heap)) throw new Error(`STACK_NODE_HEAP must look like 512m or 2g, not ${heap}`);

    const nodes = await Promise.all(
      [layout.source, layout.target].map((side) =>
        startNode({
          engine: engines[side.name],
          name: side.name,
          httpPort: side.nodePort,
          transportPort: side.transportPort,
          home: join(stackDir, `${side.name}-node`),
          s3Endpoint: layout.motoUrl.replace('http://', ''),
          s3Region: 'us-east-1',
          s3AccessKey: MOTO_ADMIN.accessKeyId,
          s3SecretKey: MOTO_ADMIN.secretAccessKey,
          repoPath: engines[side.name].snapshots === 'fs' ? fsRepositoryRoot(side.name) : undefined,
          logFile: join(stackDir, 'logs', `${side.name}-node.log`),
          heap,
        }).then((n) => {
          pids[`${side.name}Node`] = n.pid;
          savePids();
          return n;
        }),
      ),
    );
    await waitForHttp(`${layout.motoUrl}/moto-api/`, {
      timeoutMs: 30_000,
      what: 'moto_server',
      alive: () => isAlive(pids.moto),
    });
    const aws = await seedAws(layout);

    const requestToken = randomBytes(24).toString('hex');
    pids.services = spawnDetached(process.execPath, ['--import', 'tsx', join(projectRoot, 'stack', 'services.ts')], {
      logFile: join(stackDir, 'logs', 'services.log'),
      env: {
        ...process.env,
        STACK_PORT_BASE: String(layout.base),
        STACK_OIDC_REQUEST_TOKEN: requestToken,
        STACK_SOURCE_ENGINE: engines.source.name,
        STACK_TARGET_ENGINE: engines.target.name,
      },
      cwd: projectRoot,
    });
    savePids();
    const servicesFile = join(stackDir, 'services.json');
    const deadline = Date.now() + 30_000;
    while (!existsSync(servicesFile)) {
      if (!isAlive(pids.services))
        throw new Error(`stack services exited:\n${tail(join(stackDir, 'logs', 'services.log'))}`);
      if (Date.now() > deadline) throw new Error('stack services did not become ready within 30s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const services = JSON.parse(readFileSync(servicesFile, 'utf8')) as {
      sourceGateway: string;
      targetGateway: string;
      oidcRequestUrl: string;
    };

    const env: Record<string, string> = {
      STACK_PORT_BASE: String(layout.base),
      STACK_SOURCE_ENGINE: engines.source.name,
      STACK_TARGET_ENGINE: engines.target.name,
      AWS_ENDPOINT_URL: layout.motoUrl,
      AWS_EC2_METADATA_DISABLED: 'true',
      STACK_ACCOUNT_ID: ACCOUNT_ID,
      STACK_SOURCE_ENDPOINT: services.sourceGateway,
      STACK_TARGET_ENDPOINT: services.targetGateway,
      STACK_SOURCE_NODE: nodes[0].url,
      STACK_TARGET_NODE: nodes[1].url,
      STACK_SOURCE_REGION: layout.source.region,
      STACK_TARGET_REGION: layout.target.region,
      STACK_SOURCE_BUCKET: layout.source.bucket,
      STACK_TARGET_BUCKET: layout.target.bucket,
      STACK_OIDC_URL: `http://127.0.0.1:${layout.oidcPort}`,
      STACK_OIDC_REQUEST_URL: services.oidcRequestUrl,
      STACK_OIDC_REQUEST_TOKEN: requestToken,
      STACK_GITHUB_REPOSITORY: STACK_REPOSITORY,
      STACK_OIDC_ROLE_ARN: aws.oidcRoleArn,
      STACK_NO_PASSROLE_ROLE_ARN: aws.noPassRoleArn,
      STACK_SNAPSHOT_ROLE_ARN: aws.snapshotRoleArn,
      STACK_SOURCE_CHAIN_ROLE_ARN: aws.sourceChainRoleArn,
      STACK_TARGET_CHAIN_ROLE_ARN: aws.targetChainRoleArn,
      STACK_AWS_ACCESS_KEY_ID: aws.operator.accessKeyId,
      STACK_AWS_SECRET_ACCESS_KEY: aws.operator.secretAccessKey,
      STACK_ADMIN_ACCESS_KEY_ID: MOTO_ADMIN.accessKeyId,
      STACK_ADMIN_SECRET_ACCESS_KEY: MOTO_ADMIN.secretAccessKey,
      STACK_NODE_HEAP: heap,
      STACK_MAX_BODY_BYTES: process.env.STACK_MAX_BODY_BYTES ?? String(DEFAULT_MAX_BODY_BYTES),
    };
    writeFileSync(envFile, formatStackEnv(env));
    log(
      `up in ${((Date.now() - started) / 1000).toFixed(1)}s: source ${engines.source.name}, target ${engines.target.name}; source ${env.STACK_SOURCE_ENDPOINT} → node ${nodes[0].url}, target ${env.STACK_TARGET_ENDPOINT} → node ${nodes[1].url}, moto ${layout.motoUrl}`,
    );
    log(`environment written to ${envFile}`);
    return env;
  } catch (err) {
    log(`start failed; stopping what was started (logs in ${join(stackDir, 'logs')})`);
    await Promise.all(Object.values(pids).map((pid) => stopProcess(pid)));
    rmSync(pidFile, { force: true });
    throw err;
  }
}

export async function stackDown(): Promise<void> {
  const pids = readPids();
  if (Object.keys(pids).length === 0) {
    log('not running');
    return;
  }
  await Promise.all(Object.entries(pids).map(([, pid]) => stopProcess(pid)));
  rmSync(pidFile, { force: true });
  rmSync(envFile, { force: true });
  log(`stopped ${Object.keys(pids).join(', ')}`);
}

/** Reuses a running stack or starts one; `started` tells the caller whether it owns it. */
export async function ensureStack(): Promise<{ env: Record<string, string>; started: boolean }> {
  const running = Object.keys(runningPids()).length === 4 && existsSync(envFile);
  if (running) return { env: readStackEnv(), started: false };
  if (Object.keys(readPids()).length > 0) await stackDown();
  return { env: await stackUp(), started: true };
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export const seededFile = join(stackDir, 'seeded');

/** Seeds the source once per stack; the marker file holds what was seeded, for tests to compare with. */
export async function ensureSeeded(
  env: Record<string, string>,
  opts: { force?: boolean } = {},
): Promise<SeededIndex[]> {
  if (!opts.force && existsSync(seededFile)) return JSON.parse(readFileSync(seededFile, 'utf8')) as SeededIndex[];
  const started = Date.now();
  const seeded = await seedSource(env.STACK_SOURCE_NODE, { log: (l) => log(`seed: ${l}`) });
  writeFileSync(seededFile, JSON.stringify(seeded));
  log(
    `seeded ${seeded.reduce((n, s) => n + s.documents, 0)} documents in ${seeded.length} indices in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
  return seeded;
}

export const productionSeededFile = join(stackDir, 'seeded-production');

/**
 * Seeds the production profile (seed-production.ts) beside whatever the source holds; its marker is its
 * own, so the default seed's marker (and the tests that compare against it) stay as they are.
 */
export async function ensureProductionSeeded(
  env: Record<string, string>,
  opts: { force?: boolean } = {},
): Promise<ProductionSeed> {
  if (!opts.force && existsSync(productionSeededFile))
    return JSON.parse(readFileSync(productionSeededFile, 'utf8')) as ProductionSeed;
  const seeded = await seedProduction(env.STACK_SOURCE_NODE, { log: (l) => log(`seed production: ${l}`) });
  writeFileSync(productionSeededFile, JSON.stringify(seeded));
  return seeded;
}
