// action.yml held to GitHub's rules and to the code: it parses (with the same reader the local runner uses),
// its branding is one GitHub accepts, every input and output is described, the code reads exactly the
// inputs it declares, and the defaults it declares change nothing the code would not do on its own.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { isScalar, parseDocument, type Pair, type YAMLMap } from 'yaml';
import { inputEnvironment, loadActionMetadata, type ActionMetadata } from '../../stack/action-metadata.js';
import { ALL_INPUTS, Inputs, Outputs, SideInputs } from '../../src/constants.js';
import { readInputs } from '../../src/inputs/read-inputs.js';
import { MINIMAL_INPUTS } from '../support/inputs.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const action: ActionMetadata = loadActionMetadata(root);

// GitHub's "Metadata syntax reference" (docs.github.com, actions/reference/workflows-and-actions/metadata-syntax),
// section branding: "branding.color … Can be one of: white, black, yellow, blue, green, orange, red, purple,
// or gray-dark"; branding.icon is a Feather v4.28.0 icon from its "Exhaustive list of all currently supported
// icons" (brand icons and coffee, columns, divide*, frown, hexagon, key, meh, mouse-pointer, smile, tool and
// x-octagon are omitted). The list below is that exhaustive list.
const BRANDING_COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];
const BRANDING_ICONS = `activity airplay alert-circle alert-octagon alert-triangle align-center align-justify align-left
align-right anchor aperture archive arrow-down-circle arrow-down-left arrow-down-right arrow-down arrow-left-circle
arrow-left arrow-right-circle arrow-right arrow-up-circle arrow-up-left arrow-up-right arrow-up at-sign award
bar-chart-2 bar-chart battery-charging battery bell-off bell bluetooth bold book-open book bookmark box briefcase
calendar camera-off camera cast check-circle check-square check chevron-down chevron-left chevron-right chevron-up
chevrons-down chevrons-left chevrons-right chevrons-up circle clipboard clock cloud-drizzle cloud-lightning cloud-off
cloud-rain cloud-snow cloud code command compass copy corner-down-left corner-down-right corner-left-down
corner-left-up corner-right-down corner-right-up corner-up-left corner-up-right cpu credit-card crop crosshair
database delete disc dollar-sign download-cloud download droplet edit-2 edit-3 edit external-link eye-off eye
fast-forward feather file-minus file-plus file-text file film filter flag folder-minus folder-plus folder gift
git-branch git-commit git-merge git-pull-request globe grid hard-drive hash headphones heart help-circle home image
inbox info italic layers layout life-buoy link-2 link list loader lock log-in log-out mail map-pin map maximize-2
maximize menu message-circle message-square mic-off mic minimize-2 minimize minus-circle minus-square minus monitor
moon more-horizontal more-vertical move music navigation-2 navigation octagon package paperclip pause-circle pause
percent phone-call phone-forwarded phone-incoming phone-missed phone-off phone-outgoing phone pie-chart play-circle
play plus-circle plus-square plus pocket power printer radio refresh-ccw refresh-cw repeat rewind rotate-ccw
rotate-cw rss save scissors search send server settings share-2 share shield-off shield shopping-bag shopping-cart
shuffle sidebar skip-back skip-forward slash sliders smartphone speaker square star stop-circle sun sunrise sunset
table tablet tag target terminal thermometer thumbs-down thumbs-up toggle-left toggle-right trash-2 trash
trending-down trending-up triangle truck tv type umbrella underline unlock upload-cloud upload user-check user-minus
user-plus user-x user users video-off video voicemail volume-1 volume-2 volume-x volume watch wifi-off wifi wind
x-circle x-square x zap-off zap zoom-in zoom-out`.split(/\s+/);

/** Every TypeScript file under src/, with its path relative to the project. */
function sourceFiles(): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts')) out.push({ path: rel, text: readFileSync(join(root, rel), 'utf8') });
    }
  };
  walk('src');
  return out;
}

describe('action.yml against GitHub’s metadata rules', () => {
  test('parses as YAML, with a name and a description of at most 125 characters', () => {
    expect(action.name).not.toBe('');
    expect(action.description.length).toBeGreaterThan(0);
    expect(action.description.length).toBeLessThanOrEqual(125);
    expect(action.description).not.toMatch(/\n/);
  });

  test('names a real author', () => {
    expect(action.raw.author).toBe('opensearch-domain-migrate maintainers');
  });

  test('branding uses a colour and a Feather icon GitHub accepts', () => {
    const branding = action.raw.branding as { icon?: unknown; color?: unknown };
    // The docs' list as copied: 257 names, none twice, none of the omitted ones.
    expect(new Set(BRANDING_ICONS).size).toBe(257);
    expect(BRANDING_ICONS.filter((i) => ['coffee', 'key', 'tool', 'x-octagon', 'github'].includes(i))).toEqual([]);
    expect(BRANDING_COLORS).toContain(branding.color);
    expect(BRANDING_ICONS).toContain(branding.icon);
  });

  test('runs the bundle on node24, with a post step that always runs, and CI tests that same Node', () => {
    expect({ using: action.using, main: action.main, post: action.post, postIf: action.postIf }).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/post/index.js',
      postIf: 'always()',
    });
    // setup-node reads .node-version (node-version-file) in CI, so the tests run on the runtime action.yml declares.
    const nodeVersion = readFileSync(join(root, '.node-version'), 'utf8').trim();
    expect(`node${nodeVersion.split('.')[0]}`).toBe(action.using);
    // The bundle script writes the files runs.main and runs.post name.
    const bundle = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
      .scripts.bundle!;
    expect(bundle).toMatch(/ncc build src\/index\.ts -o dist\b/);
    expect(bundle).toMatch(/ncc build src\/post\.ts -o dist\/post\b/);
  });

  test('every input and output has a description', () => {
    const undescribed = [
      ...Object.entries(action.inputs).filter(([, i]) => i.description.trim() === ''),
      ...Object.entries(action.outputs).filter(([, o]) => o.description.trim() === ''),
    ].map(([name]) => name);
    expect(undescribed).toEqual([]);
  });

  test('every default is written as a YAML string (an unquoted 1.0 would reach the action as "1")', () => {
    const doc = parseDocument(readFileSync(join(root, 'action.yml'), 'utf8'));
    const inputs = doc.get('inputs') as YAMLMap;
    const notStrings = (inputs.items as Array<Pair<{ value: string }, YAMLMap>>)
      .map((pair) => [pair.key.value, pair.value?.get('default', true)] as const)
      .filter(([, d]) => d !== undefined && !(isScalar(d) && typeof d.value === 'string'))
      .map(([name]) => name);
    expect(notStrings).toEqual([]);
  });
});

describe('action.yml against the code', () => {
  const files = sourceFiles();
  const code = files
    .filter((f) => f.path !== 'src/constants.ts')
    .map((f) => f.text)
    .join('\n');

  test('declares exactly the inputs and outputs src/constants.ts names', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...ALL_INPUTS].sort());
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Outputs).sort());
  });

  test('every declared input is read by the code', () => {
    // Side inputs are read through a variable bound to SideInputs[side] (or SideInputs.source/target).
    const aliases = [
      ...code.matchAll(/\b(?:const|let)\s+(\w+)\s*=\s*SideInputs(?:\[[^\]]+\]|\.(?:source|target))/g),
    ].map((m) => m[1]!);
    const sideRef = `(?:SideInputs(?:\\[[^\\]]+\\]|\\.(?:source|target))${aliases.map((a) => `|\\b${a}`).join('')})`;
    const unread = [
      ...Object.keys(Inputs)
        .filter((key) => !new RegExp(`\\bInputs\\.${key}\\b`).test(code))
        .map((key) => Inputs[key as keyof typeof Inputs]),
      ...Object.keys(SideInputs.source)
        .filter((key) => !new RegExp(`${sideRef}\\.${key}\\b`).test(code))
        .map((key) => `<side>-${SideInputs.source[key as keyof typeof SideInputs.source].replace(/^source-/, '')}`),
    ];
    expect(unread).toEqual([]);
  });

  test('the code reads no input by a name action.yml does not declare, and only the inputs module reads inputs', () => {
    const literal = /\bget(?:Boolean|Multiline)?Input\(\s*(['"`])([^'"`]+)\1|\bINPUT_([A-Z0-9_-]+)/g;
    const undeclared = files.flatMap((f) =>
      [...f.text.matchAll(literal)]
        .map((m) => (m[2] ?? m[3]!).toLowerCase())
        .filter((name) => !(name in action.inputs))
        .map((name) => `${f.path}: ${name}`),
    );
    expect(undeclared).toEqual([]);
    const readers = files.filter((f) => /\bcore\.get(?:Boolean|Multiline)?Input\(/.test(f.text)).map((f) => f.path);
    expect(readers.filter((p) => !/^src\/inputs(?:\.ts$|\/)/.test(p))).toEqual([]);
    expect(readers.length).toBeGreaterThan(0);
  });

  test('every output the code sets is declared', () => {
    const literal = [...code.matchAll(/\bsetOutput\(\s*(['"`])([^'"`]+)\1/g)].map((m) => m[2]!);
    expect(literal.filter((name) => !(name in action.outputs))).toEqual([]);
    const unset = Object.keys(Outputs).filter((key) => !new RegExp(`\\bOutputs\\.${key}\\b`).test(code));
    expect(unset).toEqual([]);
  });
});

// The runner hands every declared default to the action as if the workflow had written it. So for any set
// of inputs a user writes, the config must come out the same whether the defaults are passed (GitHub) or
// not (the code's own fallbacks): a default in action.yml that disagrees with the code, or one that
// contradicts another input's value, changes the config or turns a valid set of inputs into an error.
describe('the defaults action.yml declares are the code’s own', () => {
  const minimal: Record<string, string> = { ...MINIMAL_INPUTS };
  const scenarios: Array<[string, Record<string, string>]> = [
    ['the smallest valid set', minimal],
    ['plan mode', { ...minimal, mode: 'plan' }],
    ['a 30-minute budget', { ...minimal, 'timeout-minutes': '30' }],
    ['a 30-second budget', { ...minimal, 'timeout-minutes': '0.5' }],
    ['a two-phase cut-over', { ...minimal, cutover: 'two-phase' }],
    ['a kept write block', { ...minimal, 'write-block': 'true', 'keep-write-block': 'true' }],
    [
      'internal users on both sides',
      {
        ...minimal,
        'source-auth': 'basic',
        'source-username': 'admin',
        'source-password': 'pw-1',
        'target-auth': 'basic',
        'target-username': 'admin',
        'target-password': 'pw-2',
      },
    ],
    [
      'one Region, one bucket, everything derived from the source',
      {
        'source-endpoint': 'https://search-old-abc123.us-east-1.es.amazonaws.com',
        'target-endpoint': 'https://search-new-def456.us-east-1.es.amazonaws.com',
        'source-bucket': 'snapshots',
        'snapshot-role-arn': 'arn:aws:iam::111122223333:role/opensearch-snapshot',
      },
    ],
  ];

  const readWith = (env: Record<string, string>): unknown => {
    for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
    Object.assign(process.env, env);
    return readInputs();
  };

  beforeEach(() => {
    process.env['GITHUB_RUN_ID'] = '4242';
    // core.setSecret writes ::add-mask:: to stdout: keep it out of the test log.
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());

  test('some inputs declare defaults (the check below is not vacuous)', () => {
    expect(Object.values(action.inputs).filter((i) => i.default !== undefined).length).toBeGreaterThanOrEqual(15);
  });

  test.each(scenarios)('%s: the same config with and without the declared defaults', (_what, given) => {
    const withoutDefaults = inputEnvironment({ inputs: {} }, given).env;
    const asGitHubRunsIt = inputEnvironment(action, given).env;
    expect(Object.keys(asGitHubRunsIt).length).toBeGreaterThan(Object.keys(withoutDefaults).length);
    const expected = readWith(withoutDefaults);
    expect(readWith(asGitHubRunsIt)).toEqual(expected);
  });
});
