// The checks beyond counts, for every migrated index present on both sides: definitions (aliases with
// their filter, routing and write flag; mappings; settings), content (documents by id), and, when the
// source is write-blocked, history (per-shard max_seq_no). Each returns what it found; verify.ts decides.
import { eachLimited } from '../util/each-limited.js';
import { compareContent, type ContentCheck, type SampleSize } from './content.js';
import {
  compareDefinitions,
  readDefinitions,
  type DefinitionDifference,
  type RestoreOverrides,
} from './definitions.js';
import { historyDifference, readHistory, writeBlockedIndices, type HistoryCheck } from './history.js';
import type { Transport } from './transport.js';

export interface IndexChecks {
  definitions: DefinitionDifference[];
  content: ContentCheck;
  history: HistoryCheck;
}

export interface ChecksInput {
  source: Transport;
  target: Transport;
  /** Indices present on both sides. */
  entries: Array<{ source: string; target: string }>;
  overrides: RestoreOverrides;
  sample: SampleSize;
  seed: number;
  /**
   * Source indices whose last changes were replayed onto the target (their sequence numbers are the
   * target's own), with each primary's sequence number the replay started after.
   */
  replayed: ReadonlyMap<string, number[] | undefined>;
  signal?: AbortSignal;
}

/** Content checks run a few indices at a time: each is a handful of requests to both domains. */
const CONCURRENCY = 4;

export async function checkIndices(input: ChecksInput): Promise<Map<string, IndexChecks>> {
  const { source, target, entries } = input;
  const sources = entries.map((e) => e.source);
  const targets = entries.map((e) => e.target);
  const [sourceDefs, targetDefs, blocked] = await Promise.all([
    readDefinitions(source, sources),
    readDefinitions(target, targets),
    writeBlockedIndices(source, sources),
  ]);
  // Read only when the source cannot move while it is compared; a source that takes writes has no fixed history.
  const comparable = sources.filter((s) => blocked.has(s) && !input.replayed.has(s));
  const [sourceHistory, targetHistory] = await Promise.all([
    readHistory(source, comparable),
    readHistory(
      target,
      entries.filter((e) => comparable.includes(e.source)).map((e) => e.target),
    ),
  ]);

  const out = new Map<string, IndexChecks>();
  await eachLimited(entries, CONCURRENCY, async (e) => {
    input.signal?.throwIfAborted();
    const s = sourceDefs.get(e.source);
    const t = targetDefs.get(e.target);
    const definitions: DefinitionDifference[] =
      s && t
        ? compareDefinitions(s, t, input.overrides)
        : [{ kind: 'setting', name: '(all)', expected: 'readable definitions', found: 'unreadable' }];
    const since = input.replayed.get(e.source);
    const content = await compareContent({ source, target }, e, input.sample, input.seed, input.signal, since);
    const history: HistoryCheck = input.replayed.has(e.source)
      ? {
          compared: false,
          why: since
            ? 'its last changes were replayed document by document: every document they wrote was compared by id instead'
            : 'its last changes were replayed document by document: the content check decides',
        }
      : !blocked.has(e.source)
        ? { compared: false, why: 'the source takes writes' }
        : (() => {
            const differs = historyDifference(sourceHistory.get(e.source), targetHistory.get(e.target));
            return differs ? { compared: true as const, differs } : { compared: true as const };
          })();
    out.set(e.source, { definitions, content, history });
  });
  return out;
}

/** A short reason an index failed the checks beyond its count, or undefined when it passed them. */
export function checksProblem(c: IndexChecks): string | undefined {
  const parts: string[] = [];
  if (c.definitions.length) {
    const kinds = [...new Set(c.definitions.map((d) => d.kind))];
    parts.push(`${kinds.map((k) => (k === 'alias' ? 'aliases' : `${k}s`)).join(', ')} differ`);
  }
  if (c.content.mismatchCount)
    parts.push(`${c.content.mismatchCount} ${c.content.mismatchCount === 1 ? 'document differs' : 'documents differ'}`);
  if (c.history.compared && c.history.differs) parts.push(c.history.differs);
  return parts.length ? parts.join('; ') : undefined;
}
