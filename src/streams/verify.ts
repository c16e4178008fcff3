// Proof for data streams, one row per stream: the stream exists on the target with the source's
// documents, the same generations and the same write index (renamed with it), and a matching index
// template so it can roll over — a restored stream takes writes without one, but refuses its next
// rollover ("no matching index template found for data stream", measured on OpenSearch 3.8).
import { dataStreams, streamCount } from '../search/streams.js';
import { targetBackingIndex, type StreamPlanEntry } from './plan.js';
import type { Transport } from '../search/transport.js';

export type StreamStatus = 'match' | 'mismatch' | 'missing';

export interface StreamComparison {
  sourceStream: string;
  targetStream: string;
  sourceCount: number | null;
  targetCount: number | null;
  /** Backing indices on each side (a stream's generations that still hold data). */
  sourceGenerations: number | null;
  targetGenerations: number | null;
  sourceWriteIndex?: string;
  targetWriteIndex?: string;
  /** The index template the target stream matches (absent: it cannot roll over). */
  targetTemplate?: string;
  status: StreamStatus;
  /** Why it differs, in words. */
  note?: string;
}

const countOrNull = (p: Promise<number>) => p.catch(() => null);

export async function compareStreams(
  source: Transport,
  target: Transport,
  streams: readonly StreamPlanEntry[],
): Promise<StreamComparison[]> {
  if (streams.length === 0) return [];
  const [onSource, onTarget] = await Promise.all([
    dataStreams(
      source,
      streams.map((s) => s.source),
    ),
    dataStreams(
      target,
      streams.map((s) => s.target),
    ),
  ]);
  const rows: StreamComparison[] = [];
  for (const s of streams) {
    const a = onSource.get(s.source);
    const b = onTarget.get(s.target);
    const [sourceCount, targetCount] = await Promise.all([
      a ? countOrNull(streamCount(source, s.source)) : Promise.resolve(null),
      b ? countOrNull(streamCount(target, s.target)) : Promise.resolve(null),
    ]);
    const row: StreamComparison = {
      sourceStream: s.source,
      targetStream: s.target,
      sourceCount,
      targetCount,
      sourceGenerations: a ? a.backingIndices.length : null,
      targetGenerations: b ? b.backingIndices.length : null,
      ...(a?.backingIndices.length ? { sourceWriteIndex: a.backingIndices.at(-1)! } : {}),
      ...(b?.backingIndices.length ? { targetWriteIndex: b.backingIndices.at(-1)! } : {}),
      ...(b?.template ? { targetTemplate: b.template } : {}),
      status: 'match',
    };
    rows.push({ ...row, ...judge(row, s, a === undefined, b === undefined) });
  }
  return rows;
}

function judge(
  r: StreamComparison,
  s: StreamPlanEntry,
  goneFromSource: boolean,
  missing: boolean,
): Pick<StreamComparison, 'status' | 'note'> {
  if (missing) return { status: 'missing', note: 'not on the target' };
  if (goneFromSource) return { status: 'mismatch', note: 'no longer on the source' };
  const problems: string[] = [];
  if (r.sourceCount === null || r.sourceCount !== r.targetCount) problems.push('document counts differ');
  const expectedWrite = r.sourceWriteIndex && targetBackingIndex(r.sourceWriteIndex, s.source, s.target);
  if (r.sourceGenerations !== r.targetGenerations || expectedWrite !== r.targetWriteIndex)
    problems.push(
      `generations differ: source ${r.sourceGenerations} up to ${r.sourceWriteIndex ?? '—'}, target ${r.targetGenerations} up to ${r.targetWriteIndex ?? '—'}`,
    );
  if (!r.targetTemplate) problems.push('no index template on the target matches it, so it cannot roll over');
  return problems.length ? { status: 'mismatch', note: problems.join('; ') } : { status: 'match' };
}

/** The verification with the streams' rows added: a stream that differs is named with the differing indices. */
export function withStreams<F extends { verified: boolean; mismatched: string[]; streams?: StreamComparison[] }>(
  outcome: { facts: F; details: string[] },
  streams: StreamComparison[],
): { facts: F; details: string[] } {
  if (streams.length === 0) return outcome;
  const differing = streams.filter((s) => s.status !== 'match').map((s) => s.sourceStream);
  const documents = streams.reduce((n, s) => n + (s.sourceCount ?? 0), 0);
  return {
    facts: {
      ...outcome.facts,
      streams,
      verified: outcome.facts.verified && differing.length === 0,
      mismatched: [...outcome.facts.mismatched, ...differing],
    },
    details: [
      ...outcome.details,
      differing.length
        ? `${differing.length} of ${streams.length} data streams differ: ${differing.slice(0, 10).join(', ')}`
        : `${streams.length} data streams match: ${documents} documents on each side, generations and write index equal`,
    ],
  };
}
