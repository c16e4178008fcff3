// Repositories, snapshots, restore and recovery: the snapshot side of the domain API.
import { nameLists } from './index-lists.js';
import { DomainError, enc, type TransportClass } from './transport.js';

export interface SnapshotInfo {
  snapshot: string;
  state: 'IN_PROGRESS' | 'SUCCESS' | 'FAILED' | 'PARTIAL' | 'INCOMPATIBLE' | string;
  indices: string[];
  /** Data streams the snapshot holds (their backing indices are in `indices`). */
  data_streams?: string[];
  shards?: { total: number; failed: number; successful: number };
  failures?: Array<{ index: string; reason: string }>;
  reason?: string;
  /** The user metadata given when it was created (this action's mark, see resume/snapshot-mark.ts). */
  metadata?: Record<string, unknown>;
}

export interface SnapshotStatus {
  state: string;
  shardsStats: { done: number; total: number; failed: number };
  bytesDone: number;
  bytesTotal: number;
}

export interface RunningSnapshot {
  repository: string;
  snapshot: string;
  state: string;
}

export interface RegisteredRepository {
  type: string;
  settings: Record<string, unknown>;
}

/** A shard's last recovery, as `_recovery` reports it. */
export interface ShardRecovery {
  primary: boolean;
  /** DONE once the shard is recovered. */
  stage: string;
  /** SNAPSHOT for a restore; EMPTY_STORE, PEER, EXISTING_STORE otherwise. */
  type: string;
  /** The snapshot a SNAPSHOT recovery restores from. */
  snapshot?: string;
  bytesRecovered: number;
  bytesTotal: number;
}

export function SnapshotsApi<T extends TransportClass>(Base: T) {
  return class Snapshots extends Base {
    // ---- repositories -----------------------------------------------------------------------

    async getRepository(name: string): Promise<RegisteredRepository | undefined> {
      const b = await this.call('GET', `/_snapshot/${enc(name)}`, { ignore: [404] });
      return b?.[name];
    }

    registerRepository(name: string, type: string, settings: Record<string, unknown>, verify = true): Promise<unknown> {
      return this.call('PUT', `/_snapshot/${enc(name)}`, { body: { type, settings }, query: { verify } });
    }

    verifyRepository(name: string): Promise<{ nodes: Record<string, { name: string }> }> {
      return this.call('POST', `/_snapshot/${enc(name)}/_verify`);
    }

    // ---- snapshots --------------------------------------------------------------------------

    async getSnapshot(repository: string, snapshot: string): Promise<SnapshotInfo | undefined> {
      const b = await this.call('GET', `/_snapshot/${enc(repository)}/${enc(snapshot)}`, { ignore: [404] });
      if (b?.error) return undefined;
      return b?.snapshots?.[0];
    }

    /** Snapshots running anywhere on the domain (including AWS's automated ones in cs-automated). */
    async runningSnapshots(): Promise<RunningSnapshot[]> {
      const b = await this.call('GET', '/_snapshot/_status');
      return (b?.snapshots ?? []).map((s: any) => ({ repository: s.repository, snapshot: s.snapshot, state: s.state }));
    }

    async createSnapshot(
      repository: string,
      snapshot: string,
      body: { indices: string[]; includeGlobalState: boolean; metadata?: object },
    ): Promise<unknown> {
      try {
        return await this.call('PUT', `/_snapshot/${enc(repository)}/${enc(snapshot)}`, {
          query: { wait_for_completion: false },
          body: {
            indices: body.indices.join(','),
            include_global_state: body.includeGlobalState,
            ignore_unavailable: false,
            ...(body.metadata ? { metadata: body.metadata } : {}),
          },
        });
      } catch (err) {
        // A repeat of a request whose answer was lost (a 504, a timeout, a dropped connection) finds the
        // snapshot its first attempt started: that is success, not a name clash.
        if (
          err instanceof DomainError &&
          err.retried > 0 &&
          err.type === 'invalid_snapshot_name_exception' &&
          /same name (already exists|is already in-progress)/.test(err.message)
        ) {
          return { accepted: true };
        }
        throw err;
      }
    }

    async snapshotStatus(repository: string, snapshot: string): Promise<SnapshotStatus> {
      const b = await this.call('GET', `/_snapshot/${enc(repository)}/${enc(snapshot)}/_status`);
      const s = b?.snapshots?.[0] ?? {};
      const stats = s.stats ?? {};
      // OpenSearch reports total/incremental sizes; older engines used number_of_files/size_in_bytes.
      const total = stats.total?.size_in_bytes ?? stats.size_in_bytes ?? 0;
      const processed = stats.processed?.size_in_bytes ?? stats.processed_size_in_bytes ?? 0;
      const incremental = stats.incremental?.size_in_bytes ?? total;
      return {
        state: String(s.state ?? 'UNKNOWN'),
        shardsStats: {
          done: s.shards_stats?.done ?? 0,
          total: s.shards_stats?.total ?? 0,
          failed: s.shards_stats?.failed ?? 0,
        },
        bytesDone: processed,
        bytesTotal: incremental,
      };
    }

    deleteSnapshot(repository: string, snapshot: string): Promise<unknown> {
      return this.call('DELETE', `/_snapshot/${enc(repository)}/${enc(snapshot)}`);
    }

    // ---- restore and recovery ---------------------------------------------------------------

    async restoreSnapshot(repository: string, snapshot: string, body: Record<string, unknown>): Promise<unknown> {
      try {
        return await this.call('POST', `/_snapshot/${enc(repository)}/${enc(snapshot)}/_restore`, {
          body,
          query: { wait_for_completion: false },
        });
      } catch (err) {
        // As for createSnapshot: the repeat of a restore whose answer was lost meets the indices the first
        // attempt created (the caller checked just before that none of them existed).
        if (
          err instanceof DomainError &&
          err.retried > 0 &&
          err.type === 'snapshot_restore_exception' &&
          /open index with same name already exists/.test(err.message)
        ) {
          return { accepted: true };
        }
        throw err;
      }
    }

    /** index → its shards' last recoveries. The one reader of `_recovery`; missing and closed indices are absent. */
    async shardRecoveries(names: string[]): Promise<Map<string, ShardRecovery[]>> {
      const out = new Map<string, ShardRecovery[]>();
      if (names.length === 0) return out;
      const answers = [];
      for (const list of nameLists(names))
        answers.push(await this.call('GET', `/${list}/_recovery`, { query: { ignore_unavailable: true } }));
      for (const [index, v] of answers.flatMap((b) => Object.entries<any>(b ?? {}))) {
        out.set(
          index,
          (v?.shards ?? []).map((s: any) => ({
            primary: Boolean(s.primary),
            stage: String(s.stage ?? ''),
            type: String(s.type ?? ''),
            snapshot: s.type === 'SNAPSHOT' ? s.source?.snapshot : undefined,
            bytesRecovered: s.index?.size?.recovered_in_bytes ?? 0,
            bytesTotal: s.index?.size?.total_in_bytes ?? 0,
          })),
        );
      }
      return out;
    }

    /** Recovery progress of a set of indices' primaries, summed: shards done, bytes recovered of the total. */
    async recovery(
      names: string[],
    ): Promise<{ shardsDone: number; shardsTotal: number; bytesDone: number; bytesTotal: number }> {
      const progress = { shardsDone: 0, shardsTotal: 0, bytesDone: 0, bytesTotal: 0 };
      for (const shards of (await this.shardRecoveries(names)).values()) {
        for (const shard of shards) {
          if (!shard.primary) continue;
          progress.shardsTotal++;
          if (shard.stage === 'DONE') progress.shardsDone++;
          progress.bytesDone += shard.bytesRecovered;
          progress.bytesTotal += shard.bytesTotal;
        }
      }
      return progress;
    }

    /** index → the snapshot its primaries were restored from (undefined when not restored from one snapshot). */
    async restoredFrom(names: string[]): Promise<Map<string, string | undefined>> {
      const out = new Map<string, string | undefined>();
      for (const [index, shards] of await this.shardRecoveries(names)) {
        const snapshots = new Set(shards.filter((s) => s.primary).map((s) => s.snapshot));
        out.set(index, snapshots.size === 1 ? [...snapshots][0] : undefined);
      }
      return out;
    }
  };
}
