// Copies one object server-side, or decides it is already there.
import { CopyObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { BLOB_CONTENT_TYPE, encodeCopySource, SOURCE_ETAG_METADATA, type CopyContext } from './context.js';
import type { ListedObject } from './listing.js';
import { copyMultipart } from './multipart.js';

/** S3's hard limit for a single CopyObject. */
export const SINGLE_COPY_LIMIT = 5 * 1024 ** 3;

/*
 * Whether the destination already holds this version of an object: same size, and either the
 * same ETag (a single-part copy of an unencrypted or SSE-S3 object keeps the MD5 ETag, so the
 * listing alone decides, with no request) or the source ETag recorded on the copy (multipart
 * copies and SSE-KMS get ETags of their own; one HEAD reads the record).
 */

/** Same size but another ETag: only the recorded source ETag can tell. */
export function needsHead(source: ListedObject, destination?: ListedObject): destination is ListedObject {
  return destination !== undefined && destination.size === source.size && destination.etag !== source.etag;
}

export async function recordedSourceEtagMatches(
  ctx: Pick<CopyContext, 'destination' | 'requester' | 'signal'>,
  source: ListedObject,
  destination: ListedObject,
): Promise<boolean> {
  const head = await ctx.requester.send(
    'HeadObject',
    (abortSignal) =>
      ctx.destination.client.send(
        new HeadObjectCommand({ Bucket: ctx.destination.bucket, Key: ctx.destination.prefix + destination.key }),
        { abortSignal },
      ),
    ctx.signal,
  );
  return head.Metadata?.[SOURCE_ETAG_METADATA] === source.etag;
}

/** Copies one object; returns whether it went multipart. */
export async function copyOne(ctx: CopyContext, object: ListedObject): Promise<'single' | 'multipart'> {
  const threshold = Math.min(ctx.multipartThreshold, SINGLE_COPY_LIMIT);
  if (object.size > threshold) {
    await copyMultipart(ctx, object);
    return 'multipart';
  }
  const response = await ctx.requester.send(
    'CopyObject',
    (abortSignal) =>
      ctx.destination.client.send(
        new CopyObjectCommand({
          Bucket: ctx.destination.bucket,
          Key: ctx.destination.prefix + object.key,
          CopySource: encodeCopySource(ctx.source.bucket, ctx.source.prefix + object.key),
          // A source rewritten since it was listed fails with 412 instead of being copied unnoticed.
          CopySourceIfMatch: `"${object.etag}"`,
          MetadataDirective: 'REPLACE',
          ContentType: BLOB_CONTENT_TYPE,
          Metadata: { [SOURCE_ETAG_METADATA]: object.etag },
        }),
        { abortSignal },
      ),
    ctx.signal,
  );
  // The SDK already turns a 200 with an <Error> body into a thrown error; a result without an
  // ETag would be the same failure in another shape.
  if (!response.CopyObjectResult?.ETag) {
    throw new Error(`CopyObject of ${object.key} answered without a CopyObjectResult`);
  }
  ctx.onBytes(object.size);
  return 'single';
}
