// Reads and validates every input into one MigrationConfig before anything is touched. Nothing else reads
// inputs. Problems are collected, not thrown one at a time, so a user fixes the whole list in one push.
// (Longer than the house's ~300 lines because every rule lives here, one small checker per kind of value.)

import * as core from '@actions/core';
import type { AuthConfig, Cutover, MigrationConfig, Mode, SideConfig } from './config.js';
import { Bounds, Defaults, Inputs, RESERVED_REPOSITORIES, SideInputs, isSystemIndex, type Side } from './constants.js';

/** Every input problem found, one line each: `<input>: <what is wrong> — <what to write>`. */
export class InputError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    const head = problems.length === 1 ? '1 input needs fixing' : `${problems.length} inputs need fixing`;
    super(`${head} (nothing was touched):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InputError';
    this.problems = problems;
  }
}

class Problems {
  private readonly seen = new Set<string>();
  add(input: string, wrong: string, fix: string): void {
    this.seen.add(`${input}: ${wrong} — ${fix}`);
  }
  get list(): string[] {
    return [...this.seen];
  }
}

/** Quote a user's value for a message, cut short so a pasted blob doesn't flood the log. */
function q(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value);
}

// --- readers -------------------------------------------------------------------------------------------

const str = (name: string): string => core.getInput(name);

/** Comma- and/or newline-separated list, trimmed, empties dropped. */
function list(name: string): string[] {
  return core
    .getMultilineInput(name)
    .flatMap((line) => line.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function bool(p: Problems, name: string, fallback: boolean): boolean {
  if (str(name) === '') return fallback;
  try {
    return core.getBooleanInput(name);
  } catch {
    p.add(name, `${q(str(name))} is not a boolean`, 'write true or false');
    return fallback;
  }
}

function numberIn(
  p: Problems,
  name: string,
  fallback: number,
  { min, max }: { min: number; max: number },
  whole: boolean,
): number {
  const raw = str(name);
  if (raw === '') return fallback;
  const shape = whole ? /^[+-]?\d+$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
  const n = Number(raw);
  if (!shape.test(raw) || !Number.isFinite(n) || n < min || n > max) {
    p.add(
      name,
      `${q(raw)} is not ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}`,
      `write one, e.g. ${fallback}`,
    );
    return fallback;
  }
  return n;
}

// --- value checkers: each returns the normalised value or undefined after recording the problem ----------

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Hide URL credentials before a value goes into a message. */
function redactUrl(raw: string): string {
  return raw.replace(/\/\/[^/@]*@/, '//***@');
}

function endpoint(p: Problems, name: string, side: Side, raw: string): URL | undefined {
  const example = 'https://search-my-domain-abc123.us-east-1.es.amazonaws.com';
  if (raw === '') return void p.add(name, 'is required', `write the domain endpoint, e.g. ${example}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return void p.add(name, `${q(redactUrl(raw))} is not a URL`, `write https://<domain endpoint>, e.g. ${example}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    const bare = raw.includes('://') ? raw.slice(raw.indexOf('://') + 3) : raw;
    return void p.add(name, `${q(redactUrl(raw))} is not an https:// URL`, `write ${q(redactUrl(`https://${bare}`))}`);
  }
  let ok = true;
  if (url.username || url.password) {
    // The password must never reach a log line; the runner already printed the raw input, at least mask it from now on.
    if (url.password) core.setSecret(decodeURIComponent(url.password));
    p.add(
      name,
      'contains credentials',
      `remove user:password@ from the URL and set ${SideInputs[side].Auth}: basic with ${SideInputs[side].Username} and ${SideInputs[side].Password}`,
    );
    ok = false;
  }
  if (url.protocol === 'http:' && !LOCAL_HOSTS.has(url.hostname)) {
    p.add(
      name,
      `${q(redactUrl(raw))} uses http`,
      'write an https:// URL (plain http is only allowed for localhost/127.0.0.1)',
    );
    ok = false;
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    p.add(
      name,
      `has a path (${q(url.pathname)})`,
      `write only the origin, e.g. ${url.protocol}//${url.host} (not the Dashboards URL)`,
    );
    ok = false;
  }
  if (url.search || url.hash) {
    p.add(name, 'has a query or fragment', `write only the origin, e.g. ${url.protocol}//${url.host}`);
    ok = false;
  }
  return ok ? url : undefined;
}

// AWS regions: <area>[-gov]-<direction>-<n>, China's cn-*, and the isolated partitions' us-iso*/eu-isoe.
const REGION =
  /^(?:(?:us|eu|ap|sa|ca|me|af|il|mx)(?:-gov)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d|cn-(?:north|northwest)-\d|(?:us|eu)-iso[a-z]?-(?:north|south|east|west)-\d)$/;

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.includes('-gov-')) return 'aws-us-gov';
  const iso = /^(?:us|eu)-iso([a-z]?)-/.exec(region);
  if (iso) return iso[1] ? `aws-iso-${iso[1]}` : 'aws-iso';
  return 'aws';
}

/** The region an AWS domain endpoint names (search-x.REGION.es.amazonaws.com, vpc-x.REGION.es.amazonaws.com[.cn]). */
function endpointRegion(url: URL): string | undefined {
  return /\.([a-z0-9-]+)\.es\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname)?.[1];
}

function region(p: Problems, name: string, endpointName: string, raw: string, endpointRaw: string): string | undefined {
  // Read the Region from the endpoint even when the endpoint was refused for another reason, so one mistake isn't reported twice.
  const fromEndpoint = URL.canParse(endpointRaw) ? endpointRegion(new URL(endpointRaw)) : undefined;
  if (raw === '') {
    if (fromEndpoint) return fromEndpoint;
    return void p.add(name, 'is required', "write the domain's AWS Region, e.g. us-east-1");
  }
  if (!REGION.test(raw)) {
    return void p.add(
      name,
      `${q(raw)} is not an AWS Region`,
      'write a Region code such as us-east-1, eu-west-2 or ap-southeast-1',
    );
  }
  if (fromEndpoint && fromEndpoint !== raw) {
    return void p.add(
      name,
      `${q(raw)} disagrees with ${endpointName}, which is in ${fromEndpoint}`,
      `write ${fromEndpoint} or leave ${name} empty`,
    );
  }
  return raw;
}

function bucket(p: Problems, name: string, raw: string): string | undefined {
  if (raw === '') return void p.add(name, 'is required', 'write the S3 bucket name, e.g. my-snapshots');
  const fix =
    'write an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
  if (/^s3:\/\/|^arn:/.test(raw)) {
    const inside = raw.replace(/^s3:\/\/|^arn:[^:]*:s3:::/, '').split('/')[0]!;
    const example = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(inside) ? inside : 'my-snapshots';
    return void p.add(
      name,
      `${q(raw)} is a URI or ARN`,
      `write only the bucket name, without s3:// or a path, e.g. ${example}`,
    );
  }
  const why =
    raw.length < 3 || raw.length > 63
      ? 'is not 3-63 characters long'
      : /[^a-z0-9.-]/.test(raw)
        ? 'has characters other than lowercase letters, digits, dots and hyphens'
        : !/^[a-z0-9].*[a-z0-9]$/.test(raw)
          ? 'does not start and end with a letter or digit'
          : raw.includes('..')
            ? 'has two adjacent dots'
            : /^\d+\.\d+\.\d+\.\d+$/.test(raw)
              ? 'is formatted as an IP address'
              : /^(xn--|sthree-|amzn-s3-demo-)/.test(raw)
                ? 'starts with a prefix S3 reserves'
                : /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(raw)
                  ? 'ends with a suffix S3 reserves'
                  : undefined;
  return why ? void p.add(name, `${q(raw)} ${why}`, fix) : raw;
}

/** Key prefix inside the bucket: no leading slash, trailing slashes dropped, no empty or dot segments. */
function basePath(p: Problems, name: string, raw: string): string | undefined {
  const path = raw.replace(/\/+$/, '');
  const fix = 'write a key prefix like team/opensearch-snapshots (no leading slash, no bucket name, no s3://)';
  if (/^s3:\/\//.test(raw)) return void p.add(name, `${q(raw)} is an S3 URI`, fix);
  if (path.startsWith('/')) return void p.add(name, `${q(raw)} starts with a slash`, fix);
  if (path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
    return void p.add(name, `${q(raw)} has an empty, . or .. segment`, fix);
  }
  return path;
}

// Characters OpenSearch refuses in index, repository and snapshot names (MetadataCreateIndexService, Strings.validFileName).
const BAD_NAME_CHARS = /[\\/*?"<>| ,#:]/;

function resourceName(p: Problems, name: string, raw: string, kind: 'repository' | 'snapshot'): string | undefined {
  const fix = `write a lowercase ${kind} name without spaces or any of \\ / * ? " < > | , # :, e.g. ${kind === 'repository' ? Defaults.repository : 'migrate-1234'}`;
  const why =
    raw !== raw.toLowerCase()
      ? 'has uppercase letters'
      : BAD_NAME_CHARS.test(raw)
        ? `has a character OpenSearch refuses (${q(BAD_NAME_CHARS.exec(raw)![0])})`
        : /^[_\-+]/.test(raw)
          ? 'starts with _, - or +'
          : raw === '.' || raw === '..'
            ? 'is . or ..'
            : Buffer.byteLength(raw) > 255
              ? 'is longer than 255 bytes'
              : kind === 'repository' && RESERVED_REPOSITORIES.includes(raw)
                ? "is reserved for Amazon OpenSearch Service's automated snapshots"
                : undefined;
  return why ? void p.add(name, `${q(raw)} ${why}`, fix) : raw;
}

const ROLE_ARN = /^arn:(aws[-a-z]*):iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** An IAM role ARN, optionally required to live in the partition of `region`. */
function roleArn(p: Problems, name: string, raw: string, region?: string): string | undefined {
  if (raw === '') return undefined;
  const fix = 'write an IAM role ARN: arn:aws:iam::123456789012:role/NAME';
  const m = ROLE_ARN.exec(raw);
  if (!m) {
    const why = /:assumed-role\//.test(raw)
      ? 'is a session ARN'
      : raw.startsWith('arn:')
        ? 'is not an IAM role ARN'
        : 'is not an ARN';
    return void p.add(name, `${q(raw)} ${why}`, fix);
  }
  if (region && partitionOf(region) !== m[1]) {
    return void p.add(
      name,
      `${q(raw)} is in partition ${m[1]} but its Region ${region} is in ${partitionOf(region)}`,
      `write a role ARN that starts with arn:${partitionOf(region)}:`,
    );
  }
  return raw;
}

// --- index selection and restore options ---------------------------------------------------------------

/** Patterns in OpenSearch multi-target syntax, inclusions first (exclusions only apply after them), `*` added if none. */
function indexPatterns(p: Problems, entries: string[]): string[] {
  const name = Inputs.Indices;
  const include: string[] = [];
  const exclude: string[] = [];
  for (const entry of entries) {
    const negated = entry.startsWith('-');
    const pattern = negated ? entry.slice(1).trim() : entry;
    const why =
      pattern === ''
        ? 'is an exclusion with nothing after the -'
        : pattern !== pattern.toLowerCase()
          ? 'has uppercase letters; index names are lowercase'
          : /[\\/?"<>| #:]/.test(pattern)
            ? 'has a character index names cannot contain (\\ / ? " < > | space # :)'
            : /^[_+]/.test(pattern)
              ? 'starts with _ or +'
              : !negated && isSystemIndex(pattern)
                ? 'can only match system indices, which are never migrated'
                : negated && pattern.replace(/\*+/g, '*') === '*'
                  ? 'excludes every index'
                  : Buffer.byteLength(pattern) > 255
                    ? 'is longer than 255 bytes'
                    : undefined;
    if (why) {
      p.add(
        name,
        `${q(entry)} ${why}`,
        'write comma- or newline-separated patterns like logs-*, orders, -logs-debug-* (default *)',
      );
    } else (negated ? exclude : include).push(pattern);
  }
  if (include.length === 0) include.push(Defaults.indices);
  return [...new Set(include), ...[...new Set(exclude)].map((x) => `-${x}`)];
}

/**
 * OpenSearch applies the rename with Java's String.replaceAll. Check the pattern compiles (as JS, after removing
 * the Java-only constructs that don't change its groups) and every $N / ${name} in the replacement exists in it.
 */
function rename(
  p: Problems,
  pattern: string,
  replacement: string,
): { pattern: string; replacement: string } | undefined {
  if (pattern === '' && replacement === '') return undefined;
  const both = 'set both rename-pattern and rename-replacement (e.g. (.+) and restored-$1), or neither';
  if (pattern === '') return void p.add(Inputs.RenamePattern, 'is empty while rename-replacement is set', both);
  if (replacement === '') return void p.add(Inputs.RenameReplacement, 'is empty while rename-pattern is set', both);
  const js = pattern
    .replace(/\(\?[imsxuUd-]+\)/g, '') // inline flags (?i)
    .replace(/\(\?[imsxuUd-]+:/g, '(?:') // flagged groups (?i:...)
    .replace(/\(\?>/g, '(?:') // atomic groups
    .replace(/([*+?}])\+/g, '$1'); // possessive quantifiers
  let groups: number;
  try {
    new RegExp(js); // compiles on its own (wrapping first could hide an unbalanced ')(')
    groups = new RegExp(`(?:${js})|`).exec('')!.length - 1; // the empty alternative matches '', exposing every group
  } catch (e) {
    return void p.add(
      Inputs.RenamePattern,
      `${q(pattern)} is not a valid regular expression (${(e as Error).message})`,
      'write a Java regular expression such as (.+) or ^logs-(.*)$',
    );
  }
  const named = new Set([...pattern.matchAll(/\(\?<([a-zA-Z][a-zA-Z0-9]*)>/g)].map((m) => m[1]!));
  const fix = `use $0..$${groups}${named.size ? ` or \${${[...named][0]}}` : ''} for groups of rename-pattern, and \\$ for a literal dollar`;
  let literal = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      if (++i >= replacement.length)
        return void p.add(Inputs.RenameReplacement, 'ends with a lone backslash', 'write \\\\ for a literal backslash');
      literal += replacement[i];
    } else if (c === '$' && replacement[i + 1] === '{') {
      const end = replacement.indexOf('}', i);
      const group = end < 0 ? '' : replacement.slice(i + 2, end);
      if (!named.has(group))
        return void p.add(
          Inputs.RenameReplacement,
          `refers to \${${group}}, which rename-pattern does not define`,
          fix,
        );
      i = end;
    } else if (c === '$') {
      // Java reads the first digit always, then more digits only while they still name an existing group.
      const first = replacement[i + 1];
      if (first === undefined || !/\d/.test(first))
        return void p.add(Inputs.RenameReplacement, 'has a $ that is not followed by a group number', fix);
      let g = Number(first);
      if (g > groups)
        return void p.add(Inputs.RenameReplacement, `refers to $${g} but rename-pattern has ${groups} group(s)`, fix);
      i++;
      while (/\d/.test(replacement[i + 1] ?? '') && g * 10 + Number(replacement[i + 1]) <= groups)
        g = g * 10 + Number(replacement[++i]);
    } else literal += c;
  }
  if (literal !== literal.toLowerCase() || /[\\/*?"<>| ,#:]/.test(literal)) {
    return void p.add(
      Inputs.RenameReplacement,
      `${q(replacement)} would produce index names OpenSearch refuses`,
      'use lowercase letters, digits, - and _ around the group references',
    );
  }
  return { pattern, replacement };
}

// RestoreService refuses to change these (index_settings) or to drop them (ignore_index_settings).
const UNMODIFIABLE_SETTINGS = [
  'index.number_of_shards',
  'index.version.created',
  'index.uuid',
  'index.creation_date',
  'index.history.uuid',
  'index.remote_store.enabled',
  'index.remote_store.segment.repository',
  'index.remote_store.translog.repository',
];
const UNREMOVABLE_SETTINGS = [
  ...UNMODIFIABLE_SETTINGS,
  'index.number_of_replicas',
  'index.auto_expand_replicas',
  'index.version.upgraded',
];

/** OpenSearch reads a restore's setting names with an implied `index.` prefix; do the same so checks see the real key. */
const withIndexPrefix = (key: string): string => (key.startsWith('index.') ? key : `index.${key}`);

function indexSettings(p: Problems, raw: string): Record<string, unknown> {
  const name = Inputs.IndexSettings;
  if (raw === '') return {};
  const fix = 'write a JSON object of index settings, e.g. {"index.number_of_replicas": 0}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    p.add(name, 'is not valid JSON', fix);
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    p.add(name, 'is not a JSON object', fix);
    return {};
  }
  const flat: Record<string, unknown> = {};
  const walk = (obj: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === 'object' && v !== null && !Array.isArray(v))
        walk(v as Record<string, unknown>, `${prefix}${k}.`);
      else flat[withIndexPrefix(`${prefix}${k}`)] = v;
    }
  };
  walk(parsed as Record<string, unknown>, '');
  for (const key of Object.keys(flat)) {
    if (UNMODIFIABLE_SETTINGS.includes(key))
      p.add(
        name,
        `sets ${key}, which a restore cannot change`,
        `remove ${key} (shard counts are fixed by the snapshot)`,
      );
  }
  return flat;
}

function ignoreIndexSettings(p: Problems, entries: string[]): string[] {
  const keys = entries.map(withIndexPrefix);
  for (const key of keys) {
    if (!/^[a-z0-9_.*-]+$/.test(key))
      p.add(
        Inputs.IgnoreIndexSettings,
        `${q(key)} is not a setting name`,
        'write comma-separated names like index.refresh_interval, index.routing.*',
      );
    else if (UNREMOVABLE_SETTINGS.includes(key))
      p.add(
        Inputs.IgnoreIndexSettings,
        `${q(key)} cannot be dropped on restore`,
        `remove it (to change ${key}, set it in index-settings)`,
      );
  }
  return [...new Set(keys)];
}

function verifySample(p: Problems, raw: string): number | 'all' {
  if (raw.trim().toLowerCase() === 'all') return 'all';
  const { min, max } = Bounds.verifySample;
  if (raw !== '' && !/^\d+$/.test(raw.trim())) {
    p.add(Inputs.VerifySample, `${q(raw)} is neither a number nor all`, `write a number from ${min} to ${max}, or all`);
    return Defaults.verifySample;
  }
  return numberIn(p, Inputs.VerifySample, Defaults.verifySample, Bounds.verifySample, true);
}

// --- sides ---------------------------------------------------------------------------------------------

interface SideDefaults {
  bucket?: string;
  basePath: string;
  repository: string;
}

function auth(p: Problems, side: Side): AuthConfig {
  const names = SideInputs[side];
  const kind = str(names.Auth).toLowerCase() || Defaults.auth;
  const username = str(names.Username);
  const password = str(names.Password);
  // Mask first, whatever else is wrong: a password must not show up in any later line.
  if (password) core.setSecret(password);
  if (kind === 'basic') {
    if (!username) p.add(names.Username, `is required when ${names.Auth} is basic`, 'write the internal user name');
    if (!password)
      p.add(
        names.Password,
        `is required when ${names.Auth} is basic`,
        `pass it from a secret: \${{ secrets.${side.toUpperCase()}_PASSWORD }}`,
      );
    return { kind: 'basic', username, password };
  }
  if (kind !== 'sigv4')
    p.add(
      names.Auth,
      `${q(str(names.Auth))} is not an auth mode`,
      'write sigv4 (IAM, the default) or basic (internal user)',
    );
  else if (username || password)
    p.add(
      username ? names.Username : names.Password,
      `is set but ${names.Auth} is sigv4`,
      `set ${names.Auth}: basic to sign in as an internal user, or remove it`,
    );
  return { kind: 'sigv4' };
}

function readSide(
  p: Problems,
  side: Side,
  defaults: SideDefaults,
  snapshotRole: { input: string; value: string },
): SideConfig {
  const names = SideInputs[side];
  const url = endpoint(p, names.Endpoint, side, str(names.Endpoint));
  const reg = region(p, names.Region, names.Endpoint, str(names.Region), str(names.Endpoint));
  const sideAuth = auth(p, side);
  // A defaulted value was already checked under its source-* name; only name the target-* input when it was given.
  const given = (name: string, fallback: string | undefined): [string, string | undefined] =>
    str(name) !== '' || fallback === undefined ? [str(name), undefined] : [fallback, fallback];
  const [bucketRaw, bucketDefault] = given(names.Bucket, defaults.bucket);
  const [pathRaw, pathDefault] = given(names.BasePath, defaults.basePath);
  const [repoRaw, repoDefault] = given(names.Repository, defaults.repository);
  const snapshotRoleArn = roleArn(p, snapshotRole.input, snapshotRole.value, reg);
  if (sideAuth.kind === 'sigv4' && snapshotRole.value === '') {
    p.add(
      snapshotRole.input,
      `is required when ${names.Auth} is sigv4`,
      'write the ARN of the role the domain assumes to reach the bucket (its trust policy names es.amazonaws.com)',
    );
  }
  return {
    endpoint: url?.origin ?? '',
    region: reg ?? '',
    auth: sideAuth,
    roleToAssume: roleArn(p, names.RoleToAssume, str(names.RoleToAssume), reg),
    snapshotRoleArn,
    bucket: bucketDefault ?? bucket(p, names.Bucket, bucketRaw) ?? '',
    basePath: pathDefault ?? basePath(p, names.BasePath, pathRaw) ?? '',
    repository: repoDefault ?? resourceName(p, names.Repository, repoRaw, 'repository') ?? '',
  };
}

/** Where the two sides' repositories may not share a bucket. */
function checkLocations(p: Problems, source: SideConfig, target: SideConfig, renamed: boolean): void {
  const t = SideInputs.target;
  if (source.endpoint && source.endpoint === target.endpoint && !renamed) {
    p.add(
      t.Endpoint,
      'is the source domain',
      'point it at another domain, or set rename-pattern/rename-replacement to restore copies under new names',
    );
  }
  if (!source.bucket || source.bucket !== target.bucket) return;
  if (source.region && target.region && source.region !== target.region) {
    const how = str(t.Bucket) === '' ? 'defaults to source-bucket' : 'is the same bucket as source-bucket';
    p.add(
      t.Bucket,
      `${how}, but a bucket lives in one Region and target-region (${target.region}) differs from source-region (${source.region})`,
      `write a bucket in ${target.region}; the snapshot is copied into it`,
    );
    return;
  }
  const [a, b] = [source.basePath, target.basePath];
  if (a !== b && (b.startsWith(`${a}/`) || a.startsWith(`${b}/`))) {
    p.add(
      t.BasePath,
      `${q(b)} and source-base-path ${q(a)} nest inside each other in the same bucket`,
      'write a base path that is neither inside nor around source-base-path, or the same one (no copy then)',
    );
  }
}

// --- derived defaults ----------------------------------------------------------------------------------

/** `<prefix>-<run id>`: the same for every attempt of a workflow run; a UTC timestamp outside Actions. */
export function runSuffix(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): string {
  const runId = env['GITHUB_RUN_ID']?.trim();
  if (runId) return runId;
  return now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .toLowerCase();
}

// --- the one entry point -------------------------------------------------------------------------------

export function readInputs(): MigrationConfig {
  const p = new Problems();
  const suffix = runSuffix();

  const modeRaw = str(Inputs.Mode) || Defaults.mode;
  if (modeRaw !== 'migrate' && modeRaw !== 'plan')
    p.add(
      Inputs.Mode,
      `${q(modeRaw)} is not a mode`,
      'write migrate (the default) or plan (checks only, changes nothing)',
    );
  const mode: Mode = modeRaw === 'plan' ? 'plan' : 'migrate';

  const sessionName = str(Inputs.RoleSessionName) || `${Defaults.sessionNamePrefix}-${suffix}`;
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName))
    p.add(
      Inputs.RoleSessionName,
      `${q(sessionName)} is not a valid session name`,
      'write 2-64 letters, digits or +=,.@_-',
    );
  const audience = str(Inputs.Audience) || Defaults.audience;
  if (/\s/.test(audience))
    p.add(Inputs.Audience, `${q(audience)} has whitespace`, `write the OIDC audience, e.g. ${Defaults.audience}`);

  const snapshotRoleRaw = str(Inputs.SnapshotRoleArn);
  const targetSnapshotRoleRaw = str(Inputs.TargetSnapshotRoleArn);
  const source = readSide(
    p,
    'source',
    { basePath: Defaults.basePath, repository: Defaults.repository },
    { input: Inputs.SnapshotRoleArn, value: snapshotRoleRaw },
  );
  const target = readSide(
    p,
    'target',
    {
      bucket: str(SideInputs.source.Bucket) === '' ? undefined : source.bucket,
      basePath: source.basePath,
      repository: source.repository,
    },
    targetSnapshotRoleRaw
      ? { input: Inputs.TargetSnapshotRoleArn, value: targetSnapshotRoleRaw }
      : { input: Inputs.SnapshotRoleArn, value: snapshotRoleRaw },
  );

  const snapshot =
    resourceName(p, Inputs.Snapshot, str(Inputs.Snapshot) || `${Defaults.snapshotPrefix}-${suffix}`, 'snapshot') ?? '';
  const indices = indexPatterns(p, list(Inputs.Indices));
  const renameRule = rename(p, str(Inputs.RenamePattern), str(Inputs.RenameReplacement));
  checkLocations(p, source, target, str(Inputs.RenamePattern) !== '');

  const cutoverRaw = str(Inputs.Cutover) || Defaults.cutover;
  if (cutoverRaw !== 'one-phase' && cutoverRaw !== 'two-phase') {
    p.add(
      Inputs.Cutover,
      `${q(cutoverRaw)} is not a cut-over`,
      'write one-phase (the default) or two-phase (writes blocked only for a short catch-up)',
    );
  }
  const cutover: Cutover = cutoverRaw === 'two-phase' ? 'two-phase' : 'one-phase';
  // A two-phase cut-over is a write block by definition: its phase 2 runs with the source blocked.
  const writeBlockInput = bool(p, Inputs.WriteBlock, Defaults.writeBlock);
  const writeBlock = cutover === 'two-phase' || writeBlockInput;
  const keepWriteBlock = bool(p, Inputs.KeepWriteBlock, Defaults.keepWriteBlock);
  if (keepWriteBlock && !writeBlock)
    p.add(
      Inputs.KeepWriteBlock,
      'is true but write-block is false',
      'set write-block: true (or cutover: two-phase) too, or drop keep-write-block',
    );

  const minutes = (name: string, fallback: number) => numberIn(p, name, fallback, Bounds.timeoutMinutes, false);
  const totalMin = minutes(Inputs.TimeoutMinutes, Defaults.timeoutMinutes);
  // A phase's default wait shrinks to fit a smaller budget; only a wait the user wrote can contradict it.
  const phaseMinutes = (name: string, fallback: number): number => {
    const value = minutes(name, Math.min(fallback, totalMin));
    if (str(name) !== '' && value > totalMin)
      p.add(
        name,
        `${value} is longer than timeout-minutes (${totalMin})`,
        `write at most ${totalMin}, or raise timeout-minutes`,
      );
    return value;
  };
  const snapshotMin = phaseMinutes(Inputs.SnapshotTimeoutMinutes, Defaults.snapshotTimeoutMinutes);
  const restoreMin = phaseMinutes(Inputs.RestoreTimeoutMinutes, Defaults.restoreTimeoutMinutes);

  const config: MigrationConfig = {
    mode,
    credentials: {
      roleToAssume: roleArn(p, Inputs.RoleToAssume, str(Inputs.RoleToAssume)),
      audience,
      sessionName,
      durationSeconds: numberIn(
        p,
        Inputs.RoleDurationSeconds,
        Defaults.roleDurationSeconds,
        Bounds.roleDurationSeconds,
        true,
      ),
    },
    source,
    target,
    snapshot,
    indices,
    ...(renameRule ? { rename: renameRule } : {}),
    indexSettings: indexSettings(p, str(Inputs.IndexSettings)),
    ignoreIndexSettings: ignoreIndexSettings(p, list(Inputs.IgnoreIndexSettings)),
    includeAliases: bool(p, Inputs.IncludeAliases, Defaults.includeAliases),
    overwriteExisting: bool(p, Inputs.OverwriteExistingIndices, Defaults.overwriteExistingIndices),
    cutover,
    writeBlock,
    keepWriteBlock,
    failOnMismatch: bool(p, Inputs.FailOnMismatch, Defaults.failOnMismatch),
    verifySample: verifySample(p, str(Inputs.VerifySample)),
    cleanup: bool(p, Inputs.Cleanup, Defaults.cleanup),
    runId: suffix,
    copy: {
      concurrency: numberIn(p, Inputs.CopyConcurrency, Defaults.copyConcurrency, Bounds.copyConcurrency, true),
      multipartThresholdBytes:
        numberIn(p, Inputs.MultipartThresholdMb, Defaults.multipartThresholdMb, Bounds.multipartThresholdMb, true) *
        1024 *
        1024,
    },
    timeouts: {
      snapshotMs: snapshotMin * 60_000,
      restoreMs: restoreMin * 60_000,
      totalMs: totalMin * 60_000,
      requestMs:
        numberIn(p, Inputs.RequestTimeoutSeconds, Defaults.requestTimeoutSeconds, Bounds.requestTimeoutSeconds, false) *
        1000,
    },
    pollIntervalMs: Math.round(
      numberIn(p, Inputs.PollIntervalSeconds, Defaults.pollIntervalSeconds, Bounds.pollIntervalSeconds, false) * 1000,
    ),
  };
  if (p.list.length > 0) throw new InputError(p.list);
  return config;
}
