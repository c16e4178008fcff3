// Every refusal the gateway answers with, in the exact shape AWS (or the OpenSearch node behind
// an AWS domain) answers with. One place, so tests and the action see the bodies they would
// see against a real Amazon OpenSearch Service domain. Where the wording is not documented by
// AWS the comment says so.

export interface Refusal {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The HTTP verb as the es:ESHttp* action name AWS uses in its authorization messages. */
export function esHttpAction(method: string): string {
  const verb = method.toUpperCase();
  const known: Record<string, string> = {
    GET: 'ESHttpGet',
    PUT: 'ESHttpPut',
    POST: 'ESHttpPost',
    DELETE: 'ESHttpDelete',
    HEAD: 'ESHttpHead',
    PATCH: 'ESHttpPatch',
  };
  return `es:${known[verb] ?? 'ESHttpGet'}`;
}

// --- SigV4 gate (the AWS front end of the domain; lower-case "message") ---

/** An unsigned request to an IAM-protected domain is "anonymous" and no access policy allows it. */
export function anonymousNotAuthorized(method: string): Refusal {
  const action = esHttpAction(method);
  return {
    status: 403,
    body: {
      Message: `User: anonymous is not authorized to perform: ${action} because no resource-based policy allows the ${action} action`,
    },
  };
}

export function malformedAuthorization(missing: string[]): Refusal {
  return { status: 403, body: { message: missing.join(' ') } };
}

export function wrongScope(parts: { region?: string; service?: string }): Refusal {
  let message = '';
  if (parts.region !== undefined) message += `Credential should be scoped to a valid region, not '${parts.region}'. `;
  if (parts.service !== undefined) message += `Credential should be scoped to correct service: 'es'. `;
  return { status: 403, body: { message } };
}

export function scopeDateMismatch(scopeDate: string, amzDate: string): Refusal {
  const dateOfAmzDate = amzDate.slice(0, 8);
  return {
    status: 403,
    body: {
      message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${dateOfAmzDate}', from '${amzDate}'.`,
    },
  };
}

export function signatureExpired(amzDate: string, now: Date): Refusal {
  const earliest = new Date(now.getTime() - 5 * 60_000);
  return {
    status: 403,
    body: {
      message: `Signature expired: ${amzDate} is now earlier than ${isoBasic(earliest)} (${isoBasic(now)} - 5 min.)`,
    },
  };
}

export function signatureNotYetCurrent(amzDate: string, now: Date): Refusal {
  const latest = new Date(now.getTime() + 5 * 60_000);
  return {
    status: 403,
    body: {
      message: `Signature not yet current: ${amzDate} is still later than ${isoBasic(latest)} (${isoBasic(now)} + 5 min.)`,
    },
  };
}

export function invalidSecurityToken(): Refusal {
  return { status: 403, body: { message: 'The security token included in the request is invalid.' } };
}

export function signatureMismatch(canonicalRequest: string, stringToSign: string): Refusal {
  // AWS echoes what it computed, which is the one thing that makes a signing bug debuggable.
  return {
    status: 403,
    body: {
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n' +
        `The Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
        `The String-to-Sign should have been\n'${stringToSign}'\n`,
    },
  };
}

export function payloadTooLarge(limit: number): Refusal {
  return { status: 413, body: { Message: `Request size exceeded ${limit} bytes` } };
}

// --- fine-grained access control's internal user database (basic auth) ---

export function basicAuthUnauthorized(): Refusal {
  return {
    status: 401,
    body: 'Unauthorized',
    headers: { 'www-authenticate': 'Basic realm="OpenSearch Security"', 'content-type': 'text/plain; charset=UTF-8' },
  };
}

// --- AWS-only rules of the managed domain (capital "Message") ---

/** Developer guide, "Creating index snapshots": the body a caller without iam:PassRole gets. */
export function passRoleDenied(callerArn: string, roleArn: string): Refusal {
  return {
    status: 403,
    body: { Message: `User: ${callerArn} is not authorized to perform: iam:PassRole on resource: ${roleArn}` },
  };
}

/** A signed caller whose own IAM policies do not grant the es:ESHttp* action for this path. */
export function esHttpNotAllowed(callerArn: string, method: string): Refusal {
  const action = esHttpAction(method);
  return {
    status: 403,
    body: {
      Message: `User: ${callerArn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
    },
  };
}

/** Seen verbatim by curator (PR #1416) and elasticvue (#209) users registering an s3 repository. */
export function roleArnMissing(): Refusal {
  return { status: 400, body: { Message: 'settings.role_arn is needed for snapshot registration.' } };
}

/** The guide says repository names cannot start with "cs-"; the wording of the refusal is ours. */
export function reservedRepositoryName(repository: string): Refusal {
  return {
    status: 400,
    body: { Message: `Repository name [${repository}] is reserved: repository names cannot start with "cs-".` },
  };
}

/** "Your request: '<path>' payload is not allowed." is what a managed domain says to settings it owns. */
export function payloadNotAllowed(path: string): Refusal {
  return { status: 401, body: { Message: `Your request: '${path}' payload is not allowed.` } };
}

// --- errors the OpenSearch engine itself raises (the "error" envelope) ---

export function openSearchError(status: number, type: string, reason: string, rootReason = reason): Refusal {
  return {
    status,
    body: {
      error: {
        root_cause: [{ type, reason: rootReason }],
        type,
        reason,
      },
      status,
    },
  };
}

/** OpenSearch's RepositoriesService, for a type no plugin on the domain provides. */
export function repositoryTypeMissing(repository: string, type: string): Refusal {
  return openSearchError(500, 'repository_exception', `[${repository}] repository type [${type}] does not exist`);
}

/** OpenSearch's FsRepository on a node without path.repo, which is every managed domain. */
export function fsRepositoryRefused(repository: string, location: string): Refusal {
  const inner = `[${repository}] location [${location}] doesn't match any of the locations specified by path.repo because this setting is empty`;
  return {
    status: 500,
    body: {
      error: {
        root_cause: [{ type: 'repository_exception', reason: inner }],
        type: 'repository_exception',
        reason: `[${repository}] failed to create repository`,
        caused_by: { type: 'repository_exception', reason: inner },
      },
      status: 500,
    },
  };
}

/**
 * When the domain cannot assume the role it was given (role missing, or its trust policy does not
 * name es.amazonaws.com) the repository fails to verify. The knowledge-center article lists
 * a_w_s_security_token_service_exception for this; the exact reason text is our reconstruction.
 */
export function snapshotRoleNotAssumable(repository: string, roleArn: string): Refusal {
  const sts =
    `a_w_s_security_token_service_exception: User: arn:aws:sts::aws:assumed-role/es-service is not authorized to perform: sts:AssumeRole on resource: ${roleArn} ` +
    '(Service: AWSSecurityTokenService; Status Code: 403; Error Code: AccessDenied)';
  return {
    status: 500,
    body: {
      error: {
        root_cause: [{ type: 'a_w_s_security_token_service_exception', reason: sts }],
        type: 'repository_verification_exception',
        reason: `[${repository}] path  is not accessible on cluster-manager node`,
        caused_by: { type: 'a_w_s_security_token_service_exception', reason: sts },
      },
      status: 500,
    },
  };
}

/** The classic message (and 503) a managed domain gives while its hourly automated snapshot runs. */
export function snapshotAlreadyRunning(repository: string, snapshot: string): Refusal {
  return openSearchError(
    503,
    'concurrent_snapshot_execution_exception',
    `[${repository}:${snapshot}]  a snapshot is already running`,
  );
}

/** OpenSearch's RestoreService when the domain already holds an open index of that name. */
export function restoreOverOpenIndex(repository: string, snapshot: string, uuid: string, index: string): Refusal {
  return openSearchError(
    500,
    'snapshot_restore_exception',
    `[${repository}:${snapshot}/${uuid}] cannot restore index [${index}] because an open index with same name already exists in the cluster. ` +
      'Either close or delete the existing index or restore the index under a different name by providing a rename pattern and replacement name',
  );
}

/** The security plugin refuses any restore that reads the security index, whoever asks. */
export function restoreOfSecurityIndex(principalArn: string): Refusal {
  return openSearchError(
    403,
    'security_exception',
    `no permissions for [cluster:admin/snapshot/restore] and User [name=${principalArn}, backend_roles=[${principalArn}], requestedTenant=null]`,
  );
}

/** What the client of a long request sees when the domain's front end stops waiting. */
export function gatewayTimeout(): Refusal {
  return { status: 504, body: { message: 'Request Timeout' } };
}

export function upstreamUnavailable(detail: string): Refusal {
  return { status: 502, body: { message: `Bad Gateway: ${detail}` } };
}

function isoBasic(date: Date): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, '');
}
