// A client that keeps writing into source indices while a migration runs, the way an application does:
// updates to existing documents and new documents, in small bulks. It remembers every write the source
// acknowledged (and the value it wrote), so a test can prove each one reached the target, and it stops
// at the first write the source refuses because of the cut-over's write block.
import type { Client } from '@opensearch-project/opensearch';

export interface WriterOptions {
  /** Indices to write into, in turn. */
  indices: string[];
  /** Existing document ids per index that may be updated (partial update of `touched`). */
  existingIds?: Map<string, string[]>;
  /** Share of operations that are updates of existing documents (the rest are new documents). */
  updateShare?: number;
  /** Share of operations that delete an existing document, in the indices listed in `deleteIn`. */
  deleteShare?: number;
  deleteIn?: string[];
  /** Operations per bulk request. */
  batch?: number;
  /** Pause between bulks, to behave like steady traffic rather than a load test. */
  pauseMs?: number;
  /** Stop after this many acknowledged operations (a benchmark's "few percent of documents"). */
  maxOperations?: number;
  /** Prefix of new documents' ids. */
  idPrefix?: string;
}

export interface WriterReport {
  /** `index/id` → the `touched` value of its last acknowledged write, or DELETED. */
  acknowledged: Map<string, number>;
  /** Acknowledgement time of each acknowledged operation (ms since epoch), in order. */
  ackTimes: number[];
  /** When the first write was refused by a write block (undefined if none was). */
  blockedAt?: number;
  /** Refusals other than the write block (should stay 0). */
  otherFailures: string[];
  operations: number;
}

export interface Writer {
  /** Stops writing (if it has not stopped at the block already) and reports. */
  stop(): Promise<WriterReport>;
  /** Resolves once the writer stops by itself: blocked, or maxOperations reached. */
  readonly done: Promise<WriterReport>;
  readonly report: WriterReport;
}

/** The value `acknowledged` holds for a document whose deletion was acknowledged. */
export const DELETED = -1;

const isWriteBlock = (error: any) =>
  error?.type === 'cluster_block_exception' ||
  /blocked by: \[FORBIDDEN\/\d+\/index write/.test(String(error?.reason ?? ''));

export function startWriter(client: Client, options: WriterOptions): Writer {
  const batch = options.batch ?? 50;
  const pauseMs = options.pauseMs ?? 20;
  const updateShare = options.updateShare ?? 0.5;
  const prefix = options.idPrefix ?? 'w';
  const report: WriterReport = { acknowledged: new Map(), ackTimes: [], otherFailures: [], operations: 0 };
  let stopping = false;
  let seq = 0;
  let created = 0;
  // Each existing document is deleted at most once; the ones left may still be updated.
  const alive = new Map(
    [...(options.existingIds ?? new Map<string, string[]>())].map(([index, ids]) => [index, [...ids]]),
  );

  const loop = async (): Promise<WriterReport> => {
    while (
      !stopping &&
      report.blockedAt === undefined &&
      report.acknowledged.size < (options.maxOperations ?? Infinity)
    ) {
      const body: object[] = [];
      const keys: Array<{ key: string; value: number }> = [];
      for (let i = 0; i < batch; i++) {
        const index = options.indices[seq % options.indices.length]!;
        const value = ++seq;
        const existing = alive.get(index) ?? [];
        const draw = (value * 0.618034) % 1;
        if (existing.length && options.deleteIn?.includes(index) && draw >= 1 - (options.deleteShare ?? 0)) {
          const id = existing.splice((value * 7919) % existing.length, 1)[0]!;
          body.push({ delete: { _index: index, _id: id } });
          keys.push({ key: `${index}/${id}`, value: DELETED });
        } else if (existing.length && draw < updateShare) {
          const id = existing[(value * 7919) % existing.length]!;
          body.push({ update: { _index: index, _id: id } }, { doc: { touched: value } });
          keys.push({ key: `${index}/${id}`, value });
        } else {
          const id = `${prefix}-${created++}`;
          body.push({ index: { _index: index, _id: id } }, { touched: value });
          keys.push({ key: `${index}/${id}`, value });
        }
      }
      let items: any[];
      try {
        items = (await client.bulk({ body })).body.items;
      } catch (err: any) {
        // A whole-request refusal: the block covers every index in it.
        if (isWriteBlock(err?.meta?.body?.error)) report.blockedAt = Date.now();
        else report.otherFailures.push(String(err?.message ?? err));
        break;
      }
      const now = Date.now();
      items.forEach((item, i) => {
        const result = item.update ?? item.index ?? item.delete;
        report.operations++;
        if (!result.error) {
          report.acknowledged.set(keys[i]!.key, keys[i]!.value);
          report.ackTimes.push(now);
        } else if (isWriteBlock(result.error)) {
          report.blockedAt ??= now;
        } else {
          report.otherFailures.push(`${keys[i]!.key}: ${result.error.type}: ${result.error.reason}`);
        }
      });
      if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
    }
    return report;
  };

  const done = loop();
  return {
    report,
    done,
    stop: async () => {
      stopping = true;
      return done;
    },
  };
}
