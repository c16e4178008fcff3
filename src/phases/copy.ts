// Phase 4: the repository's objects from the source bucket to the destination bucket, server-side.
// Skipped when both sides use the same bucket and path (a same-region migration needs no copy).
import { sameRepositoryLocation } from '../config.js';
import type { RunContext } from '../context.js';
import type { CopyFacts } from '../record.js';
import { copyRepository } from '../aws/copy/index.js';

export class CopyError extends Error {
  override name = 'CopyError';
}

export async function copyPhase(ctx: RunContext): Promise<{ facts: CopyFacts }> {
  const { config, source, target } = ctx;
  if (sameRepositoryLocation(config)) {
    const reason = `source and target use s3://${source.config.bucket}/${source.config.basePath}: nothing to copy`;
    return {
      facts: {
        skipped: true,
        reason,
        listed: 0,
        copied: 0,
        reusedObjects: 0,
        bytesCopied: 0,
        bytesTotal: 0,
        multipart: 0,
        retries: 0,
        manifestOk: true,
      },
    };
  }
  const result = await copyRepository({
    source: { client: source.s3, bucket: source.config.bucket, prefix: source.config.basePath },
    // Copies are requests to the destination (its region, its account's credentials, which must be
    // allowed to read the source bucket): the bytes never pass through the runner.
    destination: { client: target.s3, bucket: target.config.bucket, prefix: target.config.basePath },
    concurrency: config.copy.concurrency,
    multipartThreshold: config.copy.multipartThresholdBytes,
    onProgress: (p) => ctx.progress.copy(p),
    signal: ctx.signal,
  }).catch((err: Error & { $metadata?: { attempts?: number } }) => {
    // An S3 error alone ("aborted", "We encountered an internal error") says neither where nor what next.
    if (ctx.signal.aborted) throw err;
    const attempts = err.$metadata?.attempts;
    throw new CopyError(
      `the copy from s3://${source.config.bucket}/${source.config.basePath} to s3://${target.config.bucket}/${target.config.basePath} failed` +
        `${attempts ? ` after ${attempts} attempts` : ''}: ${err.message}. The objects already copied stay; run again to copy the rest.`,
    );
  });
  if (!result.manifest.ok) {
    const sample = [...result.manifest.missing, ...result.manifest.sizeMismatch].slice(0, 5);
    throw new CopyError(
      `the destination does not match the source after the copy: ${result.manifest.missingCount} missing, ${result.manifest.sizeMismatchCount} with another size (e.g. ${sample.join(', ')}); run again to copy what is missing`,
    );
  }
  return {
    facts: {
      skipped: false,
      listed: result.listed,
      copied: result.copied,
      reusedObjects: result.skipped,
      bytesCopied: result.bytesCopied,
      bytesTotal: result.bytesTotal,
      multipart: result.multipart,
      retries: result.retries,
      manifestOk: result.manifest.ok,
    },
  };
}
