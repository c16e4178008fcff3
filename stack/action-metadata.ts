// action.yml read the way GitHub's runner reads it, for the local runner (stack/runner.ts): parsed by a real
// YAML parser, the entry points and the post step's condition taken from `runs`, and every declared input's
// default handed to the process when the workflow leaves the input out. What GitHub documents
// (docs.github.com, "Metadata syntax reference"):
// - "When you specify an input [or use a default input value], GitHub creates an environment variable for
//   the input with the name INPUT_<VARIABLE_NAME>", the name upper-cased with spaces replaced by `_`
//   (a `-` stays a `-`: `num-octocats` is read as INPUT_NUM-OCTOCATS).
// - `inputs.<id>.default` "is used when an input parameter isn't specified in a workflow file"; an input
//   with `required: true` that is left out is not an error by itself (the action has to check).
// - `runs.post` runs at the end of the job; `runs.post-if` defaults to `always()`, and its status functions
//   "evaluate against the job's status, not the action's own status".
// - `runs.using` for a JavaScript action is `node20` or `node24`.
// The runner also warns about `with:` keys the action does not declare ("Unexpected input(s) …").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ActionInput {
  description: string;
  required: boolean;
  /** The default as the runner passes it: always a string (YAML scalars are stringified). */
  default?: string;
}

export interface ActionMetadata {
  name: string;
  description: string;
  using: string;
  /** Paths relative to the action's folder, as action.yml writes them. */
  main: string;
  post?: string;
  /** The post step's condition; GitHub's default when action.yml names none. */
  postIf: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description: string }>;
  /** The parsed document itself, for checks of keys this reader does not model (branding, author). */
  raw: Record<string, unknown>;
}

export const JAVASCRIPT_RUNTIMES: readonly string[] = ['node20', 'node24'];

function fail(file: string, what: string): never {
  throw new Error(`${file}: ${what} (GitHub would fail the step with "Fail to load action.yml")`);
}

const asRecord = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Reads and checks `<dir>/action.yml` (or action.yaml). Throws on what GitHub's loader refuses. */
export function loadActionMetadata(dir: string): ActionMetadata {
  let file = join(dir, 'action.yml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    file = join(dir, 'action.yaml');
    text = readFileSync(file, 'utf8');
  }
  let raw: Record<string, unknown>;
  try {
    // yaml's default schema is YAML 1.2 core, which is what GitHub's runner speaks; a duplicate key is an error.
    raw = asRecord(parse(text, { uniqueKeys: true }));
  } catch (err) {
    return fail(file, `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const runs = asRecord(raw.runs);
  const using = String(runs.using ?? '');
  if (!JAVASCRIPT_RUNTIMES.includes(using)) fail(file, `runs.using is ${JSON.stringify(using)}, not a Node runtime`);
  if (typeof runs.main !== 'string' || runs.main === '') fail(file, 'runs.main is missing');
  if (runs.post !== undefined && typeof runs.post !== 'string') fail(file, 'runs.post is not a path');

  const inputs: Record<string, ActionInput> = {};
  for (const [id, spec] of Object.entries(asRecord(raw.inputs))) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(id)) fail(file, `input id ${JSON.stringify(id)} is not a valid id`);
    const s = asRecord(spec);
    const required = s.required === true || s.required === 'true';
    inputs[id] = {
      description: typeof s.description === 'string' ? s.description : '',
      required,
      ...(s.default !== undefined && s.default !== null ? { default: String(s.default) } : {}),
    };
  }
  const outputs: Record<string, { description: string }> = {};
  for (const [id, spec] of Object.entries(asRecord(raw.outputs))) {
    const s = asRecord(spec);
    outputs[id] = { description: typeof s.description === 'string' ? s.description : '' };
  }
  return {
    name: String(raw.name ?? ''),
    description: String(raw.description ?? ''),
    using,
    main: runs.main as string,
    ...(typeof runs.post === 'string' ? { post: runs.post } : {}),
    postIf: typeof runs['post-if'] === 'string' && runs['post-if'].trim() !== '' ? runs['post-if'] : 'always()',
    inputs,
    outputs,
    raw,
  };
}

/** The variable the runner sets for an input: INPUT_ + the name upper-cased, spaces to `_`, `-` kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * The INPUT_* variables of one step: every input the workflow's `with:` sets, and the declared default of
 * every declared input it leaves out. `unexpected` lists `with:` keys action.yml does not declare (the
 * runner warns about them and still passes them).
 */
export function inputEnvironment(
  action: Pick<ActionMetadata, 'inputs'>,
  given: Record<string, string>,
): { env: Record<string, string>; unexpected: string[] } {
  const env: Record<string, string> = {};
  // Input ids are case-insensitive to the runner (it lower-cases them), so compare them that way.
  const declared = new Map(Object.keys(action.inputs).map((id) => [id.toLowerCase(), id]));
  const unexpected = Object.keys(given).filter((name) => !declared.has(name.toLowerCase()));
  const givenLower = new Set(Object.keys(given).map((n) => n.toLowerCase()));
  for (const [id, spec] of Object.entries(action.inputs)) {
    if (!givenLower.has(id.toLowerCase()) && spec.default !== undefined) env[inputVariable(id)] = spec.default;
  }
  for (const [name, value] of Object.entries(given)) env[inputVariable(name)] = value;
  return { env, unexpected };
}

export type JobStatus = 'success' | 'failure' | 'cancelled';

/**
 * A `post-if` condition against the job's status. Only the status functions, optionally inside `${{ }}`
 * and negated with `!`, are modelled; anything else (contexts such as runner.os, operators) is refused so
 * a test never passes on a condition this runner only pretends to understand.
 */
export function evaluateStatusCondition(expression: string, status: JobStatus): boolean {
  const bare = expression
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
    .trim();
  const m = /^(!\s*)?(always|success|failure|cancelled)\(\s*\)$/.exec(bare);
  if (!m) throw new Error(`post-if ${JSON.stringify(expression)}: the local runner evaluates only status functions`);
  const value =
    m[2] === 'always'
      ? true
      : m[2] === 'success'
        ? status === 'success'
        : m[2] === 'failure'
          ? status === 'failure'
          : status === 'cancelled';
  return m[1] ? !value : value;
}
