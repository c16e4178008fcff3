// Two input defects (issue 15 §3): a Java-only rename-pattern that passed validation and then broke the
// preflight (`Invalid group`), and endpoint passwords holding `/` or `@` that escaped redaction.

import { jest } from '@jest/globals';
import { selectIndices } from '../../src/indices.js';
import { InputError, readInputs } from '../../src/inputs/read-inputs.js';
import { MINIMAL_INPUTS } from '../support/inputs.js';

const minimal: Record<string, string> = { ...MINIMAL_INPUTS };

let stdout: string[];

function read(inputs: Record<string, string>): ReturnType<typeof readInputs> | InputError {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
  try {
    return readInputs();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
}

beforeEach(() => {
  process.env['GITHUB_RUN_ID'] = '4242';
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});
afterEach(() => jest.restoreAllMocks());

describe('rename-pattern: Java syntax is translated or refused the same way by validation and the plan', () => {
  const sources = ['logs-app', 'logs-web', 'orders'];

  test('(?i)logs-(.+) is accepted and names the restored indices as Java would', () => {
    const config = read({ ...minimal, 'rename-pattern': '(?i)LOGS-(.+)', 'rename-replacement': 'old-$1' });
    expect(config).not.toBeInstanceOf(InputError);
    const plan = selectIndices(sources, (config as ReturnType<typeof readInputs>).rename);
    expect(plan.migrate).toEqual([
      { source: 'logs-app', target: 'old-app' },
      { source: 'logs-web', target: 'old-web' },
      { source: 'orders', target: 'orders' },
    ]);
  });

  // Whatever validation accepts, the plan can apply; whatever it cannot apply, validation refuses.
  test.each([
    ['(?i)logs-(.+)', 'x-$1'],
    ['(?is)logs-(.+)', 'x-$1'],
    ['(?i:LOGS)-(.+)', 'x-$1'],
    ['(?>logs)-(.+)', 'x-$1'],
    ['logs-(.++)', 'x-$1'],
    ['logs-(.*+)', 'x-$1'],
    ['(?x) logs - (.+)', 'x-$1'],
    ['logs-(?i)(.+)', 'x-$1'],
    ['(?<rest>logs-.+)', 'x-${rest}'],
    ['logs-(.+)', 'x-\\$1'],
  ])('%s → %s', (pattern, replacement) => {
    const result = read({ ...minimal, 'rename-pattern': pattern, 'rename-replacement': replacement });
    if (result instanceof InputError) {
      expect(
        result.problems.some((p: string) => p.startsWith('rename-pattern: ') || p.startsWith('rename-replacement: ')),
      ).toBe(true);
    } else {
      expect(() => selectIndices(sources, result.rename)).not.toThrow();
    }
  });

  test('a literal \\$ in the replacement stays a dollar sign, as in Java', () => {
    const result = read({ ...minimal, 'rename-pattern': '(.+)', 'rename-replacement': 'a\\$b-$1' });
    // Index names cannot hold "$"? They can: OpenSearch refuses only \ / * ? " < > | space , # : and uppercase.
    if (result instanceof InputError) throw result;
    expect(selectIndices(['logs'], result.rename).migrate[0]!.target).toBe('a$b-logs');
  });
});

describe('endpoint credentials never reach the input error', () => {
  test.each([
    [
      'a slash in the password',
      'https://admin:pa/ss-9x@search-old-abc123.us-east-1.es.amazonaws.com',
      ['pa/ss-9x', 'ss-9x'],
    ],
    ['an @ in the password', 'http://admin:p@ss-9x@search-old-abc123.us-east-1.es.amazonaws.com', ['p@ss-9x', 'ss-9x']],
    [
      'both, and a path',
      'https://admin:a/b@c-9x@search-old-abc123.us-east-1.es.amazonaws.com/_dashboards',
      ['a/b@c-9x', 'c-9x', 'b@c'],
    ],
    [
      'an encoded @',
      'http://admin:p%40ss-9x@search-old-abc123.us-east-1.es.amazonaws.com',
      ['p%40ss-9x', 'p@ss-9x', 'ss-9x'],
    ],
  ])('%s', (_what, endpoint, secrets) => {
    const result = read({ ...minimal, 'source-endpoint': endpoint });
    expect(result).toBeInstanceOf(InputError);
    const message = (result as InputError).message;
    expect(message).toMatch(/source-endpoint: /);
    expect(secrets.filter((s) => message.includes(s))).toEqual([]);
    // And it is masked from here on, whatever the runner printed before.
    const masked = stdout.filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice('::add-mask::'.length).trim());
    expect(masked).toContain(secrets[0]!.replace('%40', '@'));
  });
});
