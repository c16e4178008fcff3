// What a run looks like from where users sit: behind an HTTP proxy (a real tinyproxy on 127.0.0.1), with
// step debug logging on, on the run page (annotations) and in the job summary when it fails early.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { startHttpProxy, type RunningProxy } from '../../stack/http-proxy.js';
import { runAction, stackInputs } from '../support/action.js';
import { nodeClient, stackEnv, unique } from '../support/stack.js';

const env = stackEnv();
const source = nodeClient('source');
const hostPort = (url: string) => new URL(url).host;
const moto = hostPort(env.AWS_ENDPOINT_URL);
const gateways = [hostPort(env.STACK_SOURCE_ENDPOINT), hostPort(env.STACK_TARGET_ENDPOINT)];

async function createIndex(index: string, docs: number): Promise<void> {
  await source.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
  const body = Array.from({ length: docs }, (_, i) => [{ index: { _index: index, _id: String(i) } }, { n: i }]).flat();
  await source.bulk({ body, refresh: true });
}

/** The annotations of a log: `::error title=…::message` lines, as the run page shows them. */
function annotations(log: string, kind: 'error' | 'warning'): Array<{ title: string; message: string }> {
  return [...log.matchAll(new RegExp(`^::${kind}(?: ([^:]*))?::(.*)$`, 'gm'))].map((m) => ({
    title:
      /title=([^,]*)/
        .exec(m[1] ?? '')?.[1]
        ?.replace(/%3A/g, ':')
        .replace(/%2C/g, ',') ?? '',
    message: m[2]!,
  }));
}

describe('behind an HTTP proxy', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startHttpProxy(Number(env.STACK_PORT_BASE) + 160, mkdtempSync(join(tmpdir(), 'osdm-proxy-')));
  });
  afterAll(() => proxy?.stop());

  test('HTTPS_PROXY/HTTP_PROXY carry a whole migration; NO_PROXY sends the hosts it names direct', async () => {
    const index = unique('t-proxied');
    await createIndex(index, 25);
    const before = proxy.tunnels().length;
    const run = await runAction(stackInputs({ indices: index }), {
      env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: moto },
    });
    expect(run.outputs.verified).toBe('true');
    expect(run.code).toBe(0);
    const tunnels = proxy.tunnels().slice(before);
    // Both domains were reached through the proxy (its own log says so); moto, named in NO_PROXY, never.
    for (const gateway of gateways) expect(tunnels).toContain(gateway);
    expect(tunnels).not.toContain(moto);
  });

  test('the http-proxy input stands in for the variables: S3, STS and IAM go through it, NO_PROXY still exempts', async () => {
    const index = unique('t-proxied-plan');
    await createIndex(index, 5);
    const before = proxy.tunnels().length;
    const run = await runAction(stackInputs({ mode: 'plan', indices: index, 'http-proxy': proxy.url }), {
      env: { NO_PROXY: gateways.join(',') },
    });
    expect(run.code).toBe(0);
    const tunnels = proxy.tunnels().slice(before);
    expect(tunnels).toContain(moto);
    for (const gateway of gateways) expect(tunnels).not.toContain(gateway);
  });

  test('an http-proxy that is not a URL is refused before anything is touched', async () => {
    const run = await runAction(stackInputs({ 'http-proxy': 'proxy.internal 3128' }));
    expect(run.code).not.toBe(0);
    expect(run.log).toMatch(/http-proxy: is not an http:\/\/ or https:\/\/ URL/);
  });
});

describe('on the run page and in the job summary', () => {
  test('refused inputs: one titled error, and a summary listing every problem', async () => {
    const run = await runAction(stackInputs({ 'copy-concurrency': 'lots', 'index-settings': '{nope' }));
    expect(run.code).not.toBe(0);
    const errors = annotations(run.log, 'error');
    expect(errors.map((e) => e.title)).toEqual(['Invalid inputs']);
    expect(run.summary).toMatch(/2 inputs need fixing: nothing was touched/);
    expect(run.summary).toContain('copy-concurrency');
    expect(run.summary).toContain('index-settings');
  });

  test('a failed preflight check is its own titled annotation, and the summary keeps the phases it reached', async () => {
    const run = await runAction(stackInputs({ indices: unique('t-nothing-matches') }));
    expect(run.code).not.toBe(0);
    const errors = annotations(run.log, 'error');
    expect(errors.some((e) => e.title.startsWith('Preflight: '))).toBe(true);
    expect(errors.some((e) => e.title === 'Preflight failed')).toBe(true);
    expect(run.summary).toMatch(/Migration failed in preflight/i);
  });

  test('a run killed after its snapshot still leaves the sections of the phases it finished', async () => {
    const index = unique('t-killed');
    await createIndex(index, 10);
    let killed = false;
    const run = await runAction(stackInputs({ indices: index }), {
      onOutput: (chunk, kill) => {
        if (!killed && /::group::Copy/.test(chunk)) {
          killed = true;
          kill('SIGKILL');
        }
      },
    });
    expect(run.signal).toBe('SIGKILL');
    expect(run.summary).toMatch(/<h3>✅ Credentials: succeeded in /);
    expect(run.summary).toMatch(/<h3>✅ Preflight: succeeded in /);
    expect(run.summary).toMatch(/<h3>✅ Snapshot: succeeded in /);
    expect(run.summary).not.toMatch(/Restore: succeeded/);
  });

  test("no role-to-assume and no credentials anywhere: says what to set, not the SDK's words", async () => {
    const inputs = stackInputs({ mode: 'plan', indices: unique('t-no-credentials') });
    delete inputs['role-to-assume'];
    const run = await runAction(inputs, {
      env: {
        HOME: mkdtempSync(join(tmpdir(), 'osdm-home-')),
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        AWS_CONFIG_FILE: '/nonexistent',
      },
    });
    expect(run.code).not.toBe(0);
    expect(run.log).toMatch(/no AWS credentials: role-to-assume is not set/);
    expect(run.log).toMatch(/configure-aws-credentials/);
  });

  test('with step debug logging, every request is traced (service, method, path, status) and no secret is', async () => {
    const index = unique('t-traced');
    await createIndex(index, 5);
    const run = await runAction(stackInputs({ mode: 'plan', indices: index }), { env: { RUNNER_DEBUG: '1' } });
    expect(run.code).toBe(0);
    const debug = run.log.split('\n').filter((l) => l.startsWith('::debug::'));
    expect(debug.some((l) => /^::debug::STS AssumeRoleWithWebIdentityCommand: POST \/ → 200$/.test(l))).toBe(true);
    expect(debug.some((l) => /^::debug::S3 \w+Command: (GET|HEAD) \S* → 200$/.test(l))).toBe(true);
    expect(debug.some((l) => /^::debug::source domain: GET \/ → 200$/.test(l))).toBe(true);
    expect(debug.some((l) => /^::debug::target domain: GET \S+ → 200/.test(l))).toBe(true);
    const masks = [...run.log.matchAll(/^::add-mask::(.+)$/gm)].map((m) => m[1]!);
    expect(masks.length).toBeGreaterThan(0);
    for (const secret of masks) expect(debug.filter((l) => l.includes(secret))).toEqual([]);
  });
});
