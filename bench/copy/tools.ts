// The contenders, each run as its own process and timed the same way: our engine (in a child
// Node process, compiled to JavaScript first), `aws s3 sync` (AWS CLI v1) and `rclone sync` (Debian's
// rclone, server-side across its two remotes), each at its defaults or tuned. /usr/bin/time, where
// present, gives every process's peak RSS.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CopyResult } from '../../src/aws/copy/index.js';

export type Tool = 'engine' | 'cli-default' | 'cli-tuned' | 'rclone-default' | 'rclone-tuned';
export type CliTool = 'cli-default' | 'cli-tuned';
export type RcloneTool = 'rclone-default' | 'rclone-tuned';

export interface Side {
  bucket: string;
  prefix: string;
  region: string;
}

export interface ToolRun {
  wallMs: number;
  maxRssKb?: number;
  /** User + system CPU seconds of the tool's process. */
  cpuS?: number;
  engine?: { result: CopyResult; wallMs: number; maxRssKb: number };
}

const TIME = '/usr/bin/time';
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
/** Inside node_modules so the compiled child still resolves the project's packages. */
const compiled = join(root, 'node_modules', '.cache', 'bench-copy');
const credentials = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

async function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ wallMs: number; maxRssKb?: number; cpuS?: number; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-time-'));
  const timeFile = join(dir, 'time');
  const withTime = existsSync(TIME);
  const [cmd, argv] = withTime ? [TIME, ['-f', '%M %U %S', '-o', timeFile, command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const measured =
    withTime && existsSync(timeFile)
      ? readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number)
      : [];
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`);
  const [maxRssKb, user, system] = measured;
  return { wallMs, maxRssKb, cpuS: user === undefined ? undefined : user + (system ?? 0), stdout };
}

export interface EngineSettings {
  concurrency?: number;
  multipartThreshold?: number;
  partSize?: number;
}

/**
 * Compiles the engine's child to plain JavaScript, as the action runs from a bundle: under tsx the
 * loader alone would add ~34 MiB to the peak RSS being measured, and its start-up to the wall time.
 */
export async function compileEngine(): Promise<void> {
  rmSync(compiled, { recursive: true, force: true });
  await timed(
    join(root, 'node_modules', '.bin', 'tsc'),
    [
      join(here, 'engine-child.ts'),
      '--outDir',
      compiled,
      '--rootDir',
      root,
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--skipLibCheck',
      '--esModuleInterop',
      '--types',
      'node',
    ],
    process.env,
  );
  writeFileSync(join(compiled, 'package.json'), '{"type":"module"}\n');
}

export async function runEngine(
  endpoint: string,
  source: Side,
  destination: Side,
  settings: EngineSettings = {},
): Promise<ToolRun> {
  const config = JSON.stringify({ endpoint, source, destination, ...settings });
  const child = existsSync(join(compiled, 'bench', 'copy', 'engine-child.js'));
  const args = child
    ? [join(compiled, 'bench', 'copy', 'engine-child.js')]
    : ['--import', 'tsx', join(here, 'engine-child.ts')];
  const run = await timed(process.execPath, args, {
    ...process.env,
    ...credentials,
    BENCH_CHILD: config,
    NODE_NO_WARNINGS: '1',
  });
  const engine = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as NonNullable<ToolRun['engine']>;
  return { wallMs: run.wallMs, maxRssKb: run.maxRssKb ?? engine.maxRssKb, cpuS: run.cpuS, engine };
}

/** An AWS config file for the CLI: path-style addressing (moto on an IP), and the concurrency if tuned. */
async function cliConfig(dir: string, concurrency?: number): Promise<string> {
  const file = join(dir, 'config');
  const set = async (key: string, value: string) => {
    await timed('aws', ['configure', 'set', key, value], { ...process.env, AWS_CONFIG_FILE: file });
  };
  await set('default.region', 'us-east-1');
  await set('default.s3.addressing_style', 'path');
  if (concurrency) await set('default.s3.max_concurrent_requests', String(concurrency));
  return file;
}

export async function runCli(
  tool: CliTool,
  endpoint: string,
  source: Side,
  destination: Side,
  concurrency: number,
): Promise<ToolRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-aws-'));
  try {
    const config = await cliConfig(dir, tool === 'cli-tuned' ? concurrency : undefined);
    const run = await timed(
      'aws',
      [
        '--endpoint-url',
        endpoint,
        's3',
        'sync',
        `s3://${source.bucket}/${source.prefix}`,
        `s3://${destination.bucket}/${destination.prefix}`,
        // Not --source-region: the CLI builds the source client without --endpoint-url then.
        '--region',
        destination.region,
        '--exclude',
        'tests-*', // our engine leaves repository-verification leftovers behind too
        '--only-show-errors',
      ],
      { ...process.env, ...credentials, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') },
    );
    return { wallMs: run.wallMs, maxRssKb: run.maxRssKb, cpuS: run.cpuS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** rclone is a Debian package: install it where it is missing (the benchmark runs as root on CI machines). */
export function ensureRclone(log: (line: string) => void): string {
  const version = () => {
    try {
      return execFileSync('rclone', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(
        '\n',
      )[0];
    } catch {
      return undefined;
    }
  };
  const present = version();
  if (present) return present;
  if (process.getuid?.() !== 0) throw new Error('rclone is not installed and this is not root: apt-get install rclone');
  log('rclone is missing: installing the Debian package');
  const apt = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: apt });
  execFileSync('apt-get', ['install', '-y', '-qq', 'rclone'], { stdio: 'inherit', env: apt });
  const installed = version();
  if (!installed) throw new Error('rclone is still missing after apt-get install rclone');
  return installed;
}

/**
 * `rclone sync` bucket to bucket. The two sides are two remotes (one per region, as two accounts or
 * regions would be), so the copy stays server-side only with --server-side-across-configs. Remotes
 * come from RCLONE_CONFIG_* variables; AWS_CA_BUNDLE is unset (rclone reads it and fails on plain http).
 * Defaults are rclone's own (4 transfers, 8 checkers); tuned raises both to the engine's concurrency.
 */
export async function runRclone(
  tool: RcloneTool,
  endpoint: string,
  source: Side,
  destination: Side,
  concurrency: number,
): Promise<ToolRun> {
  const remote = (name: string, region: string) => ({
    [`RCLONE_CONFIG_${name}_TYPE`]: 's3',
    [`RCLONE_CONFIG_${name}_PROVIDER`]: 'Other',
    [`RCLONE_CONFIG_${name}_ENDPOINT`]: endpoint,
    [`RCLONE_CONFIG_${name}_REGION`]: region,
    [`RCLONE_CONFIG_${name}_FORCE_PATH_STYLE`]: 'true',
    [`RCLONE_CONFIG_${name}_ACCESS_KEY_ID`]: credentials.AWS_ACCESS_KEY_ID,
    [`RCLONE_CONFIG_${name}_SECRET_ACCESS_KEY`]: credentials.AWS_SECRET_ACCESS_KEY,
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...remote('SRC', source.region),
    ...remote('DST', destination.region),
    RCLONE_CONFIG: '/dev/null',
  };
  delete env.AWS_CA_BUNDLE;
  const tuned = tool === 'rclone-tuned' ? ['--transfers', String(concurrency), '--checkers', String(concurrency)] : [];
  const run = await timed(
    'rclone',
    [
      'sync',
      `SRC:${source.bucket}/${source.prefix}`,
      `DST:${destination.bucket}/${destination.prefix}`,
      '--server-side-across-configs',
      // The repository-verification leftovers, left out as by the other tools.
      '--exclude',
      '/tests-*/**',
      '--exclude',
      '/tests-*',
      ...tuned,
    ],
    env,
  );
  return { wallMs: run.wallMs, maxRssKb: run.maxRssKb, cpuS: run.cpuS };
}
