// Multipart server-side copy: CreateMultipartUpload, UploadPartCopy by byte range, Complete.
// Parts share the one concurrency budget with whole-object copies; a failed upload is aborted
// so no invisible parts are left to be billed.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { BLOB_CONTENT_TYPE, encodeCopySource, SOURCE_ETAG_METADATA, type CopyContext } from './context.js';
import type { ListedObject } from './listing.js';
import { listenedByEveryRequest } from './requests.js';

const MiB = 1024 * 1024;
/** S3: every part but the last is at least 5 MiB; at most 10,000 parts; a part at most 5 GiB. */
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PARTS = 10_000;

export interface PartRange {
  partNumber: number;
  first: number;
  last: number;
}

/** Part size: at least the configured one, grown (in whole MiB) until the object fits in 10,000 parts. */
export function partSizeFor(objectSize: number, minimum: number): number {
  const floor = Math.max(minimum, MIN_PART_SIZE, Math.ceil(objectSize / MAX_PARTS));
  return Math.ceil(floor / MiB) * MiB;
}

export function planParts(objectSize: number, minimum: number): PartRange[] {
  const size = partSizeFor(objectSize, minimum);
  const parts: PartRange[] = [];
  for (let first = 0, n = 1; first < objectSize; first += size, n++) {
    parts.push({ partNumber: n, first, last: Math.min(first + size, objectSize) - 1 });
  }
  return parts;
}

export async function copyMultipart(ctx: CopyContext, object: ListedObject): Promise<void> {
  const { destination, requester } = ctx;
  const Bucket = destination.bucket;
  const Key = destination.prefix + object.key;
  const created = await requester.send(
    'CreateMultipartUpload',
    (abortSignal) =>
      destination.client.send(
        new CreateMultipartUploadCommand({
          Bucket,
          Key,
          ContentType: BLOB_CONTENT_TYPE,
          Metadata: { [SOURCE_ETAG_METADATA]: object.etag },
        }),
        { abortSignal },
      ),
    ctx.signal,
  );
  const UploadId = created.UploadId;
  if (!UploadId) throw new Error(`CreateMultipartUpload for ${object.key} returned no UploadId`);

  // One failed part stops the others early; the upload is aborted once none is in flight
  // (S3 may keep a part that was still being copied when the abort arrived).
  const parts = new AbortController();
  const signal = listenedByEveryRequest(ctx.signal ? AbortSignal.any([ctx.signal, parts.signal]) : parts.signal);
  const copySource = encodeCopySource(ctx.source.bucket, ctx.source.prefix + object.key);
  let bytesDone = 0;
  try {
    const settled = await Promise.allSettled(
      planParts(object.size, ctx.partSize).map(async (range) => {
        try {
          const response = await requester.send(
            'UploadPartCopy',
            (abortSignal) =>
              destination.client.send(
                new UploadPartCopyCommand({
                  Bucket,
                  Key,
                  UploadId,
                  PartNumber: range.partNumber,
                  CopySource: copySource,
                  CopySourceRange: `bytes=${range.first}-${range.last}`,
                  CopySourceIfMatch: `"${object.etag}"`,
                }),
                { abortSignal },
              ),
            signal,
          );
          const ETag = response.CopyPartResult?.ETag;
          if (!ETag) throw new Error(`UploadPartCopy ${range.partNumber} of ${object.key} answered without an ETag`);
          const bytes = range.last - range.first + 1;
          bytesDone += bytes;
          ctx.onBytes(bytes);
          return { PartNumber: range.partNumber, ETag };
        } catch (error) {
          parts.abort(error);
          throw error;
        }
      }),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw parts.signal.reason ?? failed.reason;
    const completed = settled.map((s) => (s as PromiseFulfilledResult<{ PartNumber: number; ETag: string }>).value);
    await requester.send(
      'CompleteMultipartUpload',
      (abortSignal) =>
        destination.client.send(
          new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: completed } }),
          { abortSignal },
        ),
      ctx.signal,
    );
  } catch (error) {
    ctx.onBytes(-bytesDone);
    // Not under the run's signal: an aborted run still cleans up after itself.
    await requester
      .send('AbortMultipartUpload', () =>
        destination.client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })),
      )
      .catch(() => undefined);
    throw error;
  }
}
