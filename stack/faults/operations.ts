// What a request is, in the words of the service it is meant for: S3 operations from the method, the
// query and the copy-source header (path-style addressing, as the SDK uses for an IP endpoint); STS
// actions from the form body; domain calls as the snapshot API names them, or "<METHOD> <first segment>".
import type { IncomingHttpHeaders } from 'node:http';

export type Service = 's3' | 'sts' | 'domain';

export interface Operation {
  service: Service;
  /** e.g. CopyObject, AssumeRoleWithWebIdentity, snapshot-create, GET _cat. */
  op: string;
  /** S3: the bucket and key the request is about. */
  bucket?: string;
  key?: string;
  /** Whether the request can change something (S3 and domains: anything but GET and HEAD). */
  mutating: boolean;
}

export function classify(
  service: Service,
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Operation {
  const [rawPath, rawQuery = ''] = url.split('?', 2) as [string, string?];
  const query = new URLSearchParams(rawQuery);
  const mutating = method !== 'GET' && method !== 'HEAD';
  if (service === 's3') return { service, mutating, ...s3Operation(method, rawPath, query, headers) };
  if (service === 'sts') {
    const form = new URLSearchParams(body.toString('utf8'));
    // Issuing credentials changes nothing a user owns.
    return { service, op: form.get('Action') ?? query.get('Action') ?? 'Unknown', mutating: false };
  }
  return { service, op: domainOperation(method, rawPath), mutating };
}

function s3Operation(
  method: string,
  rawPath: string,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
): { op: string; bucket?: string; key?: string } {
  const [, bucket = '', ...rest] = rawPath.split('/');
  const key = rest.length ? decodeURIComponent(rest.join('/')) : '';
  const copy = headers['x-amz-copy-source'] !== undefined;
  const at = { bucket: bucket || undefined, key: key || undefined };
  if (!bucket) return { op: 'ListBuckets' };
  if (!key) {
    if (method === 'HEAD') return { op: 'HeadBucket', ...at };
    if (method === 'GET' && query.has('uploads')) return { op: 'ListMultipartUploads', ...at };
    if (method === 'GET' && query.has('location')) return { op: 'GetBucketLocation', ...at };
    if (method === 'GET') return { op: query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects', ...at };
    if (method === 'POST' && query.has('delete')) return { op: 'DeleteObjects', ...at };
    return { op: `${method} bucket`, ...at };
  }
  switch (method) {
    case 'HEAD':
      return { op: 'HeadObject', ...at };
    case 'GET':
      return { op: query.has('uploadId') ? 'ListParts' : 'GetObject', ...at };
    case 'PUT':
      if (copy) return { op: query.has('uploadId') ? 'UploadPartCopy' : 'CopyObject', ...at };
      return { op: query.has('uploadId') ? 'UploadPart' : 'PutObject', ...at };
    case 'POST':
      if (query.has('uploads')) return { op: 'CreateMultipartUpload', ...at };
      if (query.has('uploadId')) return { op: 'CompleteMultipartUpload', ...at };
      return { op: 'POST object', ...at };
    case 'DELETE':
      return { op: query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject', ...at };
    default:
      return { op: `${method} object`, ...at };
  }
}

/** The snapshot API by name (what the snapshot and restore faults aim at); anything else by method and first segment. */
function domainOperation(method: string, rawPath: string): string {
  const parts = rawPath.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== '_snapshot') return `${method} ${parts[0] ?? '/'}`;
  const [, repository, snapshot, action] = parts;
  if (repository === '_status' || action === '_status') return 'snapshot-status';
  if (!repository) return 'repository-list';
  if (snapshot === '_verify') return 'repository-verify';
  if (!snapshot)
    return method === 'GET' ? 'repository-get' : method === 'DELETE' ? 'repository-delete' : 'repository-register';
  if (action === '_restore') return 'restore';
  return method === 'GET' ? 'snapshot-get' : method === 'DELETE' ? 'snapshot-delete' : 'snapshot-create';
}
