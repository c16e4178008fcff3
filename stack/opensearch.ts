// Starts and stops the test ground's real OpenSearch nodes.
//
// Each node is one JVM running stack/opensearch-node (OpenSearch 3.x embedded, with the
// repository-s3 plugin), built once with Maven from Maven Central. Nodes are spawned detached so
// a `stack up` process can exit and leave them running; `stopProcess` ends them by pid.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_PROJECT = join(dirname(fileURLToPath(import.meta.url)), 'opensearch-node');
const POM = join(NODE_PROJECT, 'pom.xml');
const JAR = join(NODE_PROJECT, 'target', 'opensearch-node.jar');
const LIB = join(NODE_PROJECT, 'target', 'lib');

/** OpenSearch 3.x (the first line whose repository-s3 is on Maven Central) needs Java 21+. */
const MIN_JAVA = 21;
// Maven colours its output even with -B.
// eslint-disable-next-line no-control-regex -- the escape character is what the pattern is for
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;

export interface StartNodeOptions {
  name: string;
  httpPort: number;
  transportPort: number;
  /** path.home; data, logs and config live under it. */
  home: string;
  /** host:port of the S3 endpoint (moto), reached over plain http with path-style addressing. */
  s3Endpoint: string;
  s3Region: string;
  s3AccessKey: string;
  s3SecretKey: string;
  /** JVM heap (-Xms = -Xmx). Default 512m. */
  heap?: string;
  /** The node's stdout and stderr are appended here. */
  logFile: string;
  /** Defaults to `name`. */
  clusterName?: string;
  /** How long to wait for the node to answer HTTP. Default 120 s. */
  timeoutMs?: number;
}

export interface StartedNode {
  pid: number;
  url: string;
}

/** Where the JDK that builds and runs the node lives; throws with a hint when none fits. */
export function javaHome(): string {
  const candidates = [process.env.OPENSEARCH_JAVA_HOME, process.env.JAVA_HOME, ...jdksUnder('/usr/lib/jvm')];
  let best: { home: string; major: number } | undefined;
  for (const home of candidates) {
    if (!home) continue;
    const major = javaMajor(home);
    if (major === undefined || major < MIN_JAVA) continue;
    // An explicit OPENSEARCH_JAVA_HOME wins; otherwise take the newest JDK found.
    if (home === process.env.OPENSEARCH_JAVA_HOME) return home;
    if (!best || major > best.major) best = { home, major };
  }
  if (best) return best.home;
  throw new Error(
    `OpenSearch 3.x needs a Java ${MIN_JAVA}+ JDK: none found in OPENSEARCH_JAVA_HOME, JAVA_HOME or /usr/lib/jvm. ` +
      'Set OPENSEARCH_JAVA_HOME to one.',
  );
}

function jdksUnder(dir: string): string[] {
  try {
    return readdirSync(dir).map((d) => join(dir, d));
  } catch {
    return [];
  }
}

/** Reads JAVA_VERSION from the JDK's `release` file (no JVM start needed). */
function javaMajor(home: string): number | undefined {
  try {
    if (!existsSync(join(home, 'bin', 'javac'))) return undefined;
    const m = /^JAVA_VERSION="(\d+)/m.exec(readFileSync(join(home, 'release'), 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function newestSourceMtime(): number {
  let newest = statSync(POM).mtimeMs;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(join(NODE_PROJECT, 'src'));
  return newest;
}

/** True when target/ holds a jar and its lib/ at least as new as the pom and the sources. */
export function launcherBuilt(): boolean {
  if (!existsSync(JAR) || !existsSync(LIB)) return false;
  return statSync(JAR).mtimeMs >= newestSourceMtime();
}

/**
 * The JVM's class cache for the node (JDK 25's AOT cache, JEP 483/514): classes loaded, linked
 * and their lambdas spun once by a training start, mapped in on every start after. Measured on this
 * machine under load (CPU seconds to a health answer): 7.6 s without, 2.6–3.0 s with. Valid only
 * for the jar it was trained on, so it is trained again after each build.
 */
const CLASS_CACHE = join(NODE_PROJECT, 'target', 'opensearch-node.aot');
/** JEP 514's one-step training (-XX:AOTCacheOutput) is in JDK 25. */
const MIN_JAVA_FOR_CLASS_CACHE = 25;

function classCacheFresh(): boolean {
  return existsSync(CLASS_CACHE) && statSync(CLASS_CACHE).mtimeMs >= statSync(JAR).mtimeMs;
}

function classCacheArgs(): string[] {
  // The cache's saved code stubs may not match a start with other flags; the JVM drops them and
  // says so on stdout. The classes still load from the cache.
  return classCacheFresh() ? [`-XX:AOTCache=${CLASS_CACHE}`, '-Xlog:aot*=error'] : [];
}

/** Where a training start may listen: inside the caller's port range, never beside another stack. */
export interface TrainingPorts {
  httpPort: number;
  transportPort: number;
}

/**
 * Runs `mvn -q -B package` unless the build output is already up to date, then trains the class
 * cache once (a start to a health answer and a clean stop) when the JDK has one and `training`
 * says where the training node may listen.
 */
export async function buildLauncher(log: (line: string) => void = () => {}, training?: TrainingPorts): Promise<void> {
  await buildJar(log);
  if (training && !classCacheFresh() && (javaMajor(javaHome()) ?? 0) >= MIN_JAVA_FOR_CLASS_CACHE) {
    await trainClassCache(training, log);
  }
}

async function trainClassCache(ports: TrainingPorts, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const home = mkdtempSync(join(tmpdir(), 'opensearch-node-training-'));
  // Written aside and renamed: a second stack starting meanwhile must never map a half-written file.
  const output = `${CLASS_CACHE}.${process.pid}.tmp`;
  try {
    const node = await spawnNode({
      name: 'training',
      httpPort: ports.httpPort,
      transportPort: ports.transportPort,
      home,
      logFile: join(home, 'node.log'),
      jvmArgs: [`-XX:AOTCacheOutput=${output}`],
    });
    // The JVM writes the cache as it exits: wait for the process, not only for the port to close.
    await stopProcess(node.pid, 120_000);
    if (!existsSync(output)) throw new Error(`no cache written:\n${tail(join(home, 'node.log'))}`);
    renameSync(output, CLASS_CACHE);
    log(`node class cache trained in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    // Only a speed-up: a node starts without it, just slower.
    log(`node class cache not trained (${(err as Error).message.split('\n')[0]}); nodes start without it`);
    rmSync(output, { force: true });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function buildJar(log: (line: string) => void): Promise<void> {
  if (launcherBuilt()) return;
  const home = javaHome();
  const major = javaMajor(home) ?? MIN_JAVA;
  log(`building the OpenSearch node launcher with ${home} (first run downloads ~100 MB from Maven Central)`);
  const env: NodeJS.ProcessEnv = { ...process.env, JAVA_HOME: home };
  // Maven 3.8's bundled Guava touches sun.misc.Unsafe; JDK 23+ warns about it on every run.
  if (major >= 23) env.MAVEN_OPTS = `${env.MAVEN_OPTS ?? ''} --sun-misc-unsafe-memory-access=allow`.trim();
  const started = Date.now();
  const output: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('mvn', ['-q', '-B', '-f', POM, 'package'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer): void => {
      // Maven colours its output even with -B; keep the log plain.
      for (const line of chunk.toString('utf8').replace(ANSI_COLOUR, '').split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        log(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(new Error(`cannot run mvn (is Maven installed?): ${err.message}`)));
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0 || !launcherBuilt()) {
    throw new Error(`mvn package failed (exit ${code}):\n${output.slice(-40).join('\n')}`);
  }
  log(`OpenSearch node launcher built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Spawns one detached node and resolves once it answers `GET /_cluster/health`. */
export async function startNode(opts: StartNodeOptions): Promise<StartedNode> {
  await buildLauncher();
  return spawnNode({ ...opts, jvmArgs: classCacheArgs() });
}

async function spawnNode(
  opts: Omit<StartNodeOptions, 's3Endpoint' | 's3Region' | 's3AccessKey' | 's3SecretKey'> &
    Partial<StartNodeOptions> & { jvmArgs: string[] },
): Promise<StartedNode> {
  const url = `http://127.0.0.1:${opts.httpPort}`;
  // A node left over from an earlier run would answer the health check and fool us.
  for (const port of [opts.httpPort, opts.transportPort]) {
    if (await portOpen(port)) throw new Error(`port ${port} on 127.0.0.1 is already in use (a node left running?)`);
  }
  mkdirSync(opts.home, { recursive: true });
  mkdirSync(dirname(opts.logFile), { recursive: true });

  const heap = opts.heap ?? '512m';
  const args = [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    // Measured on 2 cores (time to a health answer): C1 only plus the serial collector ~2.2 s,
    // JVM defaults ~2.9 s; a test ground's small indices never need C2's peak speed.
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    // No -Xshare flag: the JVM maps its own class archive by default, and -XX:AOTCacheOutput
    // refuses to run beside any -Xshare setting.
    // Lucene maps files through the FFM API; say so rather than print a warning per node.
    '--enable-native-access=ALL-UNNAMED',
    '-Djava.net.preferIPv4Stack=true',
    ...opts.jvmArgs,
    '-jar',
    JAR,
    `--name=${opts.name}`,
    `--cluster-name=${opts.clusterName ?? opts.name}`,
    `--http-port=${opts.httpPort}`,
    `--transport-port=${opts.transportPort}`,
    `--home=${opts.home}`,
  ];
  if (opts.s3Endpoint) {
    args.push(
      `--s3-endpoint=${opts.s3Endpoint}`,
      `--s3-region=${opts.s3Region}`,
      `--s3-access-key=${opts.s3AccessKey}`,
      `--s3-secret-key=${opts.s3SecretKey}`,
    );
  }
  const out = openSync(opts.logFile, 'a');
  const child = spawn(join(javaHome(), 'bin', 'java'), args, {
    cwd: opts.home,
    detached: true,
    stdio: ['ignore', out, out],
    // The node's S3 client must never probe the EC2 metadata service (it would leave loopback).
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
  });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn java for node ${opts.name}`);
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = signal ? `signal ${signal}` : `code ${code}`;
  });
  child.unref();

  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`node ${opts.name} exited (${exited}) before answering:\n${tail(opts.logFile)}`);
    if (await answers(`${url}/_cluster/health`)) return { pid, url };
    await sleep(250);
  }
  await stopProcess(pid, 5_000);
  throw new Error(`node ${opts.name} did not answer at ${url} in time:\n${tail(opts.logFile)}`);
}

/** SIGTERM, wait up to timeoutMs for a clean exit, then SIGKILL. Quiet if already gone. */
export async function stopProcess(pid: number, timeoutMs = 30_000): Promise<void> {
  if (!signal(pid, 'SIGTERM')) return;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return;
    await sleep(100);
  }
  signal(pid, 'SIGKILL');
  while (alive(pid)) await sleep(100);
}

function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false; // ESRCH: already gone
  }
}

function alive(pid: number): boolean {
  return signal(pid, 0);
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
