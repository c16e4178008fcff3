// Basic-auth passwords, the ones the reliability runs could not otherwise meet: both domains behind
// gateways with fine-grained access control (an internal user), through the paths where a password could
// slip into text: a plan that succeeds, a migration refused by the domain, a wrong password, an endpoint
// that does not answer, and a password pasted into the endpoint URL. Every run of the reliability suite is
// scanned the same way (support.ts: findLeaks); here the passwords are known, so they are looked for too,
// plain and as the Authorization header's base64.
import { startGateway, type RunningGateway } from '../../stack/gateway/index.js';
import { stackInputs } from '../support/action.js';
import { ownDestination, recordFigure, runChecked, stackEnvironment as env } from './support.js';

const USER = 'migration-admin';
const PASSWORDS = { source: 'Src-pa55word-7Kq2x', target: 'Tgt-pa55word-Wm4z9' };
const WRONG = 'Not-the-pa55word-3Hv8';

let gateways: { source: RunningGateway; target: RunningGateway };
/** Nothing is copied here (every run stops before the copy); the path only has to be free. */
const destination = ownDestination(`secrets-${Date.now().toString(36)}`);

beforeAll(async () => {
  const start = (side: 'source' | 'target') =>
    startGateway({
      port: 0,
      nodeUrl: side === 'source' ? env.STACK_SOURCE_NODE! : env.STACK_TARGET_NODE!,
      region: side === 'source' ? env.STACK_SOURCE_REGION! : env.STACK_TARGET_REGION!,
      motoUrl: env.AWS_ENDPOINT_URL!,
      accountId: env.STACK_ACCOUNT_ID!,
      basicAuth: { username: USER, password: PASSWORDS[side] },
    });
  gateways = { source: await start('source'), target: await start('target') };
});

afterAll(async () => {
  await Promise.all([gateways?.source.close(), gateways?.target.close()]);
});

const basic = (overrides: Record<string, string> = {}) =>
  stackInputs({
    'source-endpoint': gateways.source.url,
    'source-auth': 'basic',
    'source-username': USER,
    'source-password': PASSWORDS.source,
    'target-endpoint': gateways.target.url,
    'target-auth': 'basic',
    'target-username': USER,
    'target-password': PASSWORDS.target,
    indices: 'products',
    // Under a name and at a path the target does not hold, so the plan passes whatever earlier tests left.
    'rename-pattern': '(.+)',
    'rename-replacement': 't-secret-$1',
    ...destination.inputs,
    ...overrides,
  });

const masked = (log: string, secret: string) => log.split('\n').includes(`::add-mask::${secret}`);

test.each([
  { what: 'a plan with basic auth on both sides succeeds', inputs: () => basic({ mode: 'plan' }), code: 0 },
  { what: 'a migration the domain refuses (no IAM caller to pass the snapshot role)', inputs: () => basic(), code: 1 },
  { what: 'a wrong password', inputs: () => basic({ mode: 'plan', 'source-password': WRONG }), code: 1 },
  {
    what: 'an endpoint that does not answer',
    inputs: () => basic({ mode: 'plan', 'source-endpoint': 'http://127.0.0.1:9' }),
    code: 1,
  },
])('$what: no password anywhere in log, summary, outputs or errors', async ({ inputs, code }) => {
  const given = inputs();
  const run = await runChecked('secrets', given, {}, [
    { username: USER, password: WRONG },
    { username: USER, password: PASSWORDS.source },
    { username: USER, password: PASSWORDS.target },
  ]);
  expect({ code: run.code, leaks: run.leaks }).toEqual({ code, leaks: [] });
  // Announced to the runner before anything could print it.
  expect(masked(run.log, given['source-password']!)).toBe(true);
  expect(masked(run.log, given['target-password']!)).toBe(true);
  recordFigure('secrets', { case: given.mode ?? 'migrate', code: run.code, leaks: run.leaks.length });
});

test('a password pasted into the endpoint URL is masked, refused, and printed nowhere', async () => {
  const url = new URL(gateways.source.url);
  const secret = 'In-the-URL-pa55-Zr8c';
  const run = await runChecked(
    'secrets',
    stackInputs({ 'source-endpoint': `http://${USER}:${secret}@${url.host}`, indices: 'products' }),
    {},
    [{ username: USER, password: secret }],
  );
  expect(run.code).toBe(1);
  expect(run.log).toContain('source-endpoint: contains credentials');
  expect(masked(run.log, secret)).toBe(true);
  expect(run.leaks).toEqual([]);
});
