// A local GitHub runner: runs the action as the real runner does — action.yml read for the entry points, the
// post step's condition and the inputs' defaults (stack/action-metadata.ts), a separate Node process on the
// file runs.main / runs.post names, inputs as INPUT_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY /
// GITHUB_STATE files, and the OIDC request variables pointing at the stack's token endpoint. The post step
// gets the saved state back as STATE_* variables, as the runner passes it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { evaluateStatusCondition, inputEnvironment, loadActionMetadata, type JobStatus } from './action-metadata.js';
import { projectRoot, readStackEnv } from './layout.js';

/** `file`: another stack's env (a test's own stack under its STACK_DIR); default `.stack/env`. */
function stackEnv(file?: string): Record<string, string> {
  const env = readStackEnv(file);
  if (!env.STACK_SOURCE_ENDPOINT) throw new Error('the stack is not running: `npm run stack:up` first');
  return env;
}

export interface ActionRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  log: string;
  outputs: Record<string, string>;
  summary: string;
  state: Record<string, string>;
  dir: string;
  /** The post step did not run: its post-if was false for the job's status (code is then 0, the log empty). */
  skipped?: boolean;
}

/** Parses the runner's file-command format: `name<<DELIM\nvalue\nDELIM` (and plain `name=value`). */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delim) value.push(lines[i]);
      out[name] = value.join('\n');
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return out;
}

/** The inputs that point the action at the stack's two domains and buckets, as a user would write them. */
export function stackInputs(overrides: Record<string, string> = {}, stackEnvFile?: string): Record<string, string> {
  const env = stackEnv(stackEnvFile);
  return {
    'role-to-assume': env.STACK_OIDC_ROLE_ARN,
    'source-endpoint': env.STACK_SOURCE_ENDPOINT,
    'source-region': env.STACK_SOURCE_REGION,
    'source-bucket': env.STACK_SOURCE_BUCKET,
    'target-endpoint': env.STACK_TARGET_ENDPOINT,
    'target-region': env.STACK_TARGET_REGION,
    'target-bucket': env.STACK_TARGET_BUCKET,
    'snapshot-role-arn': env.STACK_SNAPSHOT_ROLE_ARN,
    'index-settings': '{"index.number_of_replicas": 0}',
    // The stack answers in milliseconds: poll it often so a test run does not sit in waits.
    'poll-interval-seconds': '0.5',
    ...overrides,
  };
}

export interface RunOptions {
  /** Extra environment (or `undefined` values to remove a variable, e.g. the OIDC request URL). */
  env?: Record<string, string | undefined>;
  runId?: string;
  entry?: 'main' | 'post';
  /** Reuse the files of an earlier run (the post step of the same job, a re-run). */
  dir?: string;
  timeoutMs?: number;
  /** Called with each chunk of the process's output (crash tests kill it at a chosen moment). */
  onOutput?: (chunk: string, kill: (signal: NodeJS.Signals) => void) => void;
  /**
   * The job's status that post-if is evaluated against. Default: what the main step run in the same `dir`
   * ended with (success on exit code 0, else failure), success when there was none.
   */
  jobStatus?: JobStatus;
  /** The folder holding action.yml (default: the project). */
  actionDir?: string;
  /** Run against the stack whose env file this is (default: the default stack's `.stack/env`). */
  stackEnvFile?: string;
}

/** Where a main step leaves its result for the post step of the same job (the runner keeps the job's status). */
const MAIN_RESULT_FILE = 'main-result';

/** The file an entry point names, resolved in the action's folder; OSDM_DIST_DIR swaps the dist/ folder. */
function entryFile(actionDir: string, path: string): string {
  const file = resolve(actionDir, path);
  // OSDM_DIST_DIR runs another bundle (an engineer's work in progress) without touching dist/.
  const distDir = process.env.OSDM_DIST_DIR;
  const inDist = relative(join(actionDir, 'dist'), file);
  return distDir && !inDist.startsWith('..') ? join(distDir, inDist) : file;
}

export async function runAction(inputs: Record<string, string>, opts: RunOptions = {}): Promise<ActionRun> {
  const env = stackEnv(opts.stackEnvFile);
  const actionDir = opts.actionDir ?? projectRoot;
  const action = loadActionMetadata(actionDir);
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'osdm-run-'));
  const files = { output: join(dir, 'outputs'), summary: join(dir, 'summary.md'), state: join(dir, 'state') };
  for (const f of Object.values(files)) if (!existsSync(f)) writeFileSync(f, '');
  const isPost = opts.entry === 'post';
  if (isPost) {
    if (!action.post) throw new Error('action.yml has no runs.post: the runner would not run a post step');
    writeFileSync(files.summary, '');
    const resultFile = join(dir, MAIN_RESULT_FILE);
    const status =
      opts.jobStatus ?? (existsSync(resultFile) ? (readFileSync(resultFile, 'utf8').trim() as JobStatus) : 'success');
    if (!evaluateStatusCondition(action.postIf, status)) {
      const read = (f: string) => parseFileCommands(readFileSync(f, 'utf8'));
      return {
        code: 0,
        signal: null,
        log: '',
        outputs: read(files.output),
        summary: '',
        state: read(files.state),
        dir,
        skipped: true,
      };
    }
  }

  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_RUN_ID: opts.runId ?? String(Date.now()),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REPOSITORY: env.STACK_GITHUB_REPOSITORY,
    GITHUB_WORKFLOW: 'migrate',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    ACTIONS_ID_TOKEN_REQUEST_URL: env.STACK_OIDC_REQUEST_URL,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: env.STACK_OIDC_REQUEST_TOKEN,
    // The SDK's own endpoint variables: the action has no test-only code path for the stack.
    AWS_ENDPOINT_URL_S3: env.AWS_ENDPOINT_URL,
    AWS_ENDPOINT_URL_STS: env.AWS_ENDPOINT_URL,
    AWS_ENDPOINT_URL_IAM: env.AWS_ENDPOINT_URL,
    AWS_EC2_METADATA_DISABLED: 'true',
    // This machine has Node 20 where GitHub runs node24: keep the SDK's Node-version notice out of the logs.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    RUNNER_TEMP: dir,
  };
  const given = inputEnvironment(action, inputs);
  Object.assign(childEnv, given.env);
  // The runner's own warning, before the action's first line, as on a run page.
  const preamble = given.unexpected.length
    ? `##[warning]Unexpected input(s) ${given.unexpected.map((n) => `'${n}'`).join(', ')}, valid inputs are [${Object.keys(
        action.inputs,
      )
        .map((n) => `'${n}'`)
        .join(', ')}]\n`
    : '';
  if (isPost) {
    for (const [k, v] of Object.entries(parseFileCommands(readFileSync(files.state, 'utf8'))))
      childEnv[`STATE_${k}`] = v;
  }
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }

  const script = entryFile(actionDir, isPost ? action.post! : action.main);
  // runs.using names the runtime (node24); the step runs on the Node the tests run on, which CI takes from
  // .node-version (a unit test keeps that equal to runs.using).
  const child = spawn(process.execPath, [script], { env: childEnv, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = preamble;
  const kill = (signal: NodeJS.Signals) => child.kill(signal);
  const onData = (d: Buffer) => {
    const s = d.toString();
    log += s;
    opts.onOutput?.(s, kill);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);
  if (!isPost) writeFileSync(join(dir, MAIN_RESULT_FILE), code === 0 ? 'success' : 'failure');
  return {
    code,
    signal,
    log,
    outputs: parseFileCommands(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    state: parseFileCommands(readFileSync(files.state, 'utf8')),
    dir,
  };
}
