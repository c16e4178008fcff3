// The copy's head start: while the source takes its snapshot, its shard blobs (written once, never
// changed) are copied as they appear, so that when the snapshot ends only its last blobs and the root
// blobs are left. Each pass lists the repository and copies the blobs the destination lacks — never a
// root blob (index-N, index.latest, snap-*, meta-*): those still come last, in order, from the copy
// phase, which also makes the manifest check over everything. A pass that fails is only logged: the
// copy phase copies whatever the head start did not.
import type { RunContext } from '../context.js';
import type { HeadStartFacts } from '../record.js';
import { copyRepository } from '../aws/copy/index.js';
import { sleep } from '../util/sleep.js';

export interface HeadStart {
  /** The snapshot ended: finish the pass in flight, start no other, and say what was copied. */
  stop(): Promise<HeadStartFacts>;
}

/** How often a pass samples its bytes: the tail's share is exact to this. */
const SAMPLE_MS = 250;

export function startHeadStart(ctx: RunContext, intervalMs: number): HeadStart {
  const { config, source, target, log } = ctx;
  const facts: HeadStartFacts = { passes: 0, objects: 0, bytes: 0, bytesAtSnapshotEnd: 0 };
  let stopped = false;
  let inPass = 0;
  const pause = new AbortController();
  const loop = (async () => {
    while (!stopped && !ctx.signal.aborted) {
      try {
        const result = await copyRepository({
          source: { client: source.s3, bucket: source.config.bucket, prefix: source.config.basePath },
          destination: { client: target.s3, bucket: target.config.bucket, prefix: target.config.basePath },
          concurrency: config.copy.concurrency,
          multipartThreshold: config.copy.multipartThresholdBytes,
          blobsOnly: true,
          progressIntervalMs: SAMPLE_MS,
          onProgress: (p) => {
            inPass = p.bytesCopied;
          },
          signal: ctx.signal,
        });
        facts.passes++;
        facts.objects += result.copied;
        facts.bytes += result.bytesCopied;
        if (!stopped) facts.bytesAtSnapshotEnd = facts.bytes;
        inPass = 0;
      } catch (err) {
        if (ctx.signal.aborted) return;
        log.info(`copy head start: a pass failed (${(err as Error).message}); the copy phase copies what it missed`);
      }
      await sleep(intervalMs, pause.signal).catch(() => undefined);
    }
  })();
  return {
    async stop() {
      stopped = true;
      facts.bytesAtSnapshotEnd = facts.bytes + inPass;
      pause.abort();
      await loop;
      return facts;
    },
  };
}
