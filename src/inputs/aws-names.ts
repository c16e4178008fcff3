// Checkers for the AWS names an input may hold: domain endpoints, Regions, buckets, key prefixes, role ARNs.
// Each returns the normalised value, or undefined after recording what is wrong and how to fix it.
import * as core from '@actions/core';
import { SideInputs, type SideName } from '../constants.js';
import { partitionOfRegion, regionOfEndpoint } from '../iam/arns.js';
import { q, type Problems } from './problems.js';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Hide URL credentials before a value goes into a message. */
function redactUrl(raw: string): string {
  return raw.replace(/\/\/[^/@]*@/, '//***@');
}

export function endpoint(p: Problems, name: string, side: SideName, raw: string): URL | undefined {
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

export function region(
  p: Problems,
  name: string,
  endpointName: string,
  raw: string,
  endpointRaw: string,
): string | undefined {
  // Read the Region from the endpoint even when the endpoint was refused for another reason, so one mistake isn't reported twice.
  const fromEndpoint = URL.canParse(endpointRaw) ? regionOfEndpoint(new URL(endpointRaw)) : undefined;
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

export function bucket(p: Problems, name: string, raw: string): string | undefined {
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
export function basePath(p: Problems, name: string, raw: string): string | undefined {
  const path = raw.replace(/\/+$/, '');
  const fix = 'write a key prefix like team/opensearch-snapshots (no leading slash, no bucket name, no s3://)';
  if (/^s3:\/\//.test(raw)) return void p.add(name, `${q(raw)} is an S3 URI`, fix);
  if (path.startsWith('/')) return void p.add(name, `${q(raw)} starts with a slash`, fix);
  if (path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
    return void p.add(name, `${q(raw)} has an empty, . or .. segment`, fix);
  }
  return path;
}

const ROLE_ARN = /^arn:(aws[-a-z]*):iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** An IAM role ARN, optionally required to live in the partition of `region`. */
export function roleArn(p: Problems, name: string, raw: string, region?: string): string | undefined {
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
  if (region && partitionOfRegion(region) !== m[1]) {
    return void p.add(
      name,
      `${q(raw)} is in partition ${m[1]} but its Region ${region} is in ${partitionOfRegion(region)}`,
      `write a role ARN that starts with arn:${partitionOfRegion(region)}:`,
    );
  }
  return raw;
}
