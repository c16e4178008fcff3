// One side of the migration (source or target) read from its inputs, and the rules that bind the two sides.
import * as core from '@actions/core';
import type { AuthConfig, SideConfig } from '../config.js';
import { Defaults, SideInputs, type SideName } from '../constants.js';
import { basePath, bucket, endpoint, region, roleArn } from './aws-names.js';
import { q, type Problems } from './problems.js';
import { str } from './readers.js';
import { resourceName } from './restore-options.js';

export interface SideDefaults {
  bucket?: string;
  basePath: string;
  repository: string;
}

function auth(p: Problems, side: SideName): AuthConfig {
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

export function readSide(
  p: Problems,
  side: SideName,
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
export function checkLocations(p: Problems, source: SideConfig, target: SideConfig, renamed: boolean): void {
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
