// What every request of one copy run needs to know, and the conventions they share.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Requester } from './requests.js';
import { normalizePrefix } from './copy-order.js';

export interface Location {
  client: S3Client;
  bucket: string;
  /** Normalized prefix (see normalizePrefix). */
  prefix: string;
}

/** Both ends of a copy with their base paths as listing prefixes (see normalizePrefix). */
export function copyLocations(options: { source: Location; destination: Location }): {
  source: Location;
  destination: Location;
} {
  return {
    source: { ...options.source, prefix: normalizePrefix(options.source.prefix) },
    destination: { ...options.destination, prefix: normalizePrefix(options.destination.prefix) },
  };
}

export interface CopyContext {
  source: Location;
  destination: Location;
  requester: Requester;
  multipartThreshold: number;
  partSize: number;
  signal?: AbortSignal;
  /** Bytes of one object (or one part) now at the destination, for progress; negative to take back a failed upload's parts. */
  onBytes: (bytes: number) => void;
}

/** The user metadata key that records which source version a destination object was copied from. */
export const SOURCE_ETAG_METADATA = 'source-etag';

/**
 * Recording the source ETag needs MetadataDirective REPLACE, which drops the source's headers.
 * Snapshot blobs are opaque bytes to OpenSearch (a restore never looks at Content-Type), and
 * reading each source's own type would cost a HEAD per object, doubling the requests of a first
 * copy, so the copy states the generic binary type instead.
 */
export const BLOB_CONTENT_TYPE = 'application/octet-stream';

/**
 * `x-amz-copy-source` is `bucket/key`, URL-encoded by the caller (the v3 SDK sends it as given).
 * Each path segment is encoded on its own so the `/` separators stay; encodeURIComponent turns
 * spaces, `+`, `%`, `?`, `#` and non-ASCII into percent-escapes S3 decodes back exactly.
 */
export function encodeCopySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
