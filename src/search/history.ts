// What changed on an index and how it is moved again inside the two-phase cut-over's window: per-shard
// sequence numbers (also the history fingerprint verification and resume compare), the documents written
// since a sequence number, and the bulk writes that replay them onto the target.
import { MAX_REQUEST_BYTES } from '../constants.js';
import { nameLists } from './index-lists.js';
import { enc, type TransportClass } from './transport.js';

export interface IndexSeqNos {
  /** max_seq_no of each primary shard, by shard id: it grows with every write (index, update, delete). */
  maxSeqNo: number[];
  /** local_checkpoint of each primary shard: every operation up to it has been processed. */
  processed: number[];
  /** Every primary has processed all the operations it numbered (nothing in flight). */
  settled: boolean;
  /** Lucene documents in the primaries (nested ones included). */
  docs: number;
}

/** A document as a shard holds it now, for replaying onto the target. */
export interface ChangedDocument {
  id: string;
  seqNo: number;
  routing?: string;
  source: Record<string, unknown>;
}

/** What reading the sequence numbers needs: a GET (a Domain, or verification's narrower Transport). */
interface Getter {
  call(method: 'GET', path: string, opts: { query: Record<string, string | number | boolean> }): Promise<any>;
}

/**
 * Per open index: max_seq_no of each primary shard (by shard id), whether every primary has processed
 * all the operations it numbered (local_checkpoint = max_seq_no), and the primaries' Lucene documents.
 * Closed or missing indices are absent from the result. The one reader of `_stats/docs?level=shards`:
 * the cut-over, verification's history check and the resume fingerprint all compare these.
 */
export async function readSeqNoStats(t: Getter, names: string[]): Promise<Map<string, IndexSeqNos>> {
  const out = new Map<string, IndexSeqNos>();
  if (names.length === 0) return out;
  // Side by side, not one after another: the cut-over reads these inside its write-blocked window.
  const answers = await Promise.all(
    nameLists(names).map((list) =>
      t.call('GET', `/${list}/_stats/docs`, { query: { level: 'shards', ignore_unavailable: true } }),
    ),
  );
  for (const [index, v] of answers.flatMap((b) => Object.entries<any>(b?.indices ?? {}))) {
    const maxSeqNo: number[] = [];
    const processed: number[] = [];
    let settled = true;
    for (const [shard, copies] of Object.entries<any[]>(v?.shards ?? {})) {
      const primary = copies.find((c) => c?.routing?.primary);
      if (!primary?.seq_no) continue;
      maxSeqNo[Number(shard)] = Number(primary.seq_no.max_seq_no);
      processed[Number(shard)] = Number(primary.seq_no.local_checkpoint);
      if (primary.seq_no.local_checkpoint !== primary.seq_no.max_seq_no) settled = false;
    }
    out.set(index, { maxSeqNo, processed, settled, docs: Number(v?.primaries?.docs?.count ?? 0) });
  }
  return out;
}

export function HistoryApi<T extends TransportClass>(Base: T) {
  return class History extends Base {
    /** readSeqNoStats on this domain. */
    seqNoStats(names: string[]): Promise<Map<string, IndexSeqNos>> {
      return readSeqNoStats(this, names);
    }

    /**
     * The live documents of one shard whose last write came after `afterSeqNo`, oldest first, one page at
     * a time (`_seq_no` is indexed for range queries and sorts). `searchAfter` is the last page's last seq_no.
     */
    async documentsSince(
      index: string,
      shard: number,
      afterSeqNo: number,
      size: number,
      searchAfter?: number,
    ): Promise<ChangedDocument[]> {
      const b = await this.call('POST', `/${enc(index)}/_search`, {
        query: { preference: `_shards:${shard}` },
        body: {
          size,
          query: { range: { _seq_no: { gt: afterSeqNo } } },
          sort: [{ _seq_no: 'asc' }],
          seq_no_primary_term: true,
          ...(searchAfter !== undefined ? { search_after: [searchAfter] } : {}),
        },
      });
      return (b?.hits?.hits ?? []).map((h: any) => ({
        id: h._id,
        seqNo: h._seq_no,
        source: h._source,
        ...(h._routing !== undefined ? { routing: h._routing } : {}),
      }));
    }

    /**
     * Indexes whole documents (create or replace) as they are: `pipeline=_none`, so no default ingest
     * pipeline rewrites a replayed document, in bulk requests under the domain's request-size limit.
     * Returns the per-item errors (a document too large for any request is one).
     */
    async bulkIndex(index: string, docs: ChangedDocument[], maxBytes = MAX_REQUEST_BYTES): Promise<string[]> {
      const errors: string[] = [];
      let body: string[] = [];
      let bytes = 0;
      const send = async () => {
        if (body.length === 0) return;
        // Newline-delimited JSON, serialized here: `call` sends an object or a string as it is.
        const b = await this.call('POST', '/_bulk', { body: `${body.join('\n')}\n`, query: { pipeline: '_none' } });
        body = [];
        bytes = 0;
        if (!b?.errors) return;
        for (const i of b.items ?? [])
          if (i.index?.error) errors.push(`${i.index.error.type}: ${i.index.error.reason}`);
      };
      for (const d of docs) {
        const action = JSON.stringify({
          index: { _index: index, _id: d.id, ...(d.routing !== undefined ? { routing: d.routing } : {}) },
        });
        const source = JSON.stringify(d.source);
        const size = Buffer.byteLength(action) + Buffer.byteLength(source) + 2;
        if (size > maxBytes) {
          errors.push(`document ${d.id} is ${size} bytes, over the ${maxBytes}-byte request limit`);
          continue;
        }
        if (bytes + size > maxBytes) await send();
        body.push(action, source);
        bytes += size;
      }
      await send();
      return errors;
    }
  };
}
