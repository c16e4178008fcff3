// The local runner's reading of action.yml (stack/action-metadata.ts), held to what GitHub documents for
// its own runner: defaults handed over as INPUT_* when a workflow leaves an input out, names upper-cased
// with spaces as `_` and dashes kept, post-if defaulting to always() and evaluated on the job's status.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  evaluateStatusCondition,
  inputEnvironment,
  inputVariable,
  loadActionMetadata,
} from '../../stack/action-metadata.js';

function actionDir(yml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'osdm-action-'));
  writeFileSync(join(dir, 'action.yml'), yml);
  return dir;
}

const sample = `
name: Sample
description: A sample action.
inputs:
  num-octocats:
    description: Number of Octocats
    default: '1'
  Eye_Color:
    description: Eye colour
    required: true
  ratio:
    description: An unquoted number
    default: 1.50
runs:
  using: node24
  main: dist/index.js
  post: dist/post/index.js
`;

describe('loadActionMetadata', () => {
  test('reads entry points, inputs and their defaults as strings; post-if defaults to always()', () => {
    const action = loadActionMetadata(actionDir(sample));
    expect(action).toMatchObject({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/post/index.js',
      postIf: 'always()',
      inputs: {
        'num-octocats': { default: '1', required: false },
        Eye_Color: { required: true },
        // YAML reads 1.50 as a number: the runner gets its string form, "1.5" (why the metadata test wants quotes).
        ratio: { default: '1.5' },
      },
    });
    expect(action.inputs['Eye_Color']).not.toHaveProperty('default');
  });

  test('takes post-if from runs', () => {
    const action = loadActionMetadata(
      actionDir(sample.replace('  post: dist/post/index.js', '  post: p.js\n  post-if: failure()')),
    );
    expect({ post: action.post, postIf: action.postIf }).toEqual({ post: 'p.js', postIf: 'failure()' });
  });

  test('refuses the unquoted description that once broke action.yml (as GitHub refuses to load it)', () => {
    const broken = sample.replace(
      '    description: An unquoted number',
      '    description: JSON object of index settings, e.g. {"index.number_of_replicas": 0}.',
    );
    expect(() => loadActionMetadata(actionDir(broken))).toThrow(/not valid YAML/);
  });

  test('refuses a runtime that is not Node, and a missing main', () => {
    expect(() => loadActionMetadata(actionDir(sample.replace('using: node24', 'using: node12')))).toThrow(
      /runs\.using is "node12"/,
    );
    expect(() => loadActionMetadata(actionDir(sample.replace('  main: dist/index.js\n', '')))).toThrow(/runs\.main/);
  });
});

describe('inputEnvironment', () => {
  const action = loadActionMetadata(actionDir(sample));

  test('names variables as GitHub does: upper case, spaces to _, dashes kept', () => {
    expect(inputVariable('num-octocats')).toBe('INPUT_NUM-OCTOCATS');
    expect(inputVariable('Eye_Color')).toBe('INPUT_EYE_COLOR');
    // A declared id cannot hold a space (ids are letters, digits, - and _), but a with: key can.
    expect(inputVariable('eye color')).toBe('INPUT_EYE_COLOR');
  });

  test('refuses an input id GitHub refuses', () => {
    expect(() => loadActionMetadata(actionDir(sample.replace('  Eye_Color:', '  eye color:')))).toThrow(
      /input id "eye color" is not a valid id/,
    );
  });

  test('hands every declared default over when the workflow leaves the input out', () => {
    expect(inputEnvironment(action, {}).env).toEqual({ 'INPUT_NUM-OCTOCATS': '1', INPUT_RATIO: '1.5' });
  });

  test('a value the workflow writes wins over the default, even an empty one', () => {
    expect(inputEnvironment(action, { 'num-octocats': '', eye_color: 'green' }).env).toEqual({
      'INPUT_NUM-OCTOCATS': '',
      INPUT_EYE_COLOR: 'green',
      INPUT_RATIO: '1.5',
    });
  });

  test('a required input left out is not an error (the action checks), and undeclared inputs are reported', () => {
    const { env, unexpected } = inputEnvironment(action, { colour: 'red' });
    expect(env).not.toHaveProperty('INPUT_EYE_COLOR');
    expect(env['INPUT_COLOUR']).toBe('red');
    expect(unexpected).toEqual(['colour']);
  });
});

describe('evaluateStatusCondition', () => {
  test.each([
    ['always()', 'success', true],
    ['always()', 'failure', true],
    ['always()', 'cancelled', true],
    ['success()', 'success', true],
    ['success()', 'failure', false],
    ['failure()', 'failure', true],
    ['failure()', 'success', false],
    ['cancelled()', 'cancelled', true],
    ['${{ failure() }}', 'failure', true],
    ['!cancelled()', 'cancelled', false],
    ['!cancelled()', 'failure', true],
  ] as const)('%s on a job that is %s: %s', (expression, status, expected) => {
    expect(evaluateStatusCondition(expression, status)).toBe(expected);
  });

  test('refuses what it does not model instead of guessing', () => {
    expect(() => evaluateStatusCondition("runner.os == 'linux'", 'success')).toThrow(/only status functions/);
  });
});
