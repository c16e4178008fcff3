// What tests can switch on a gateway (POST /_gateway/control) and what they can read back
// (GET /_gateway/requests): an hourly automated snapshot that happens to be running, and requests
// the node finishes but whose client gives up with a 504, as behind AWS's idle timeout.
import { randomUUID } from 'node:crypto';

export interface Delay504 {
  method?: string;
  pathRegex: string;
  afterMs: number;
  /** How many matching requests to answer with 504; default 1. */
  times?: number;
}

export interface ControlUpdate {
  automatedSnapshotInProgress?: boolean;
  delay504?: Delay504[];
  reset?: boolean;
}

export interface SeenRequest {
  method: string;
  path: string;
  status: number;
  principal: string | null;
  /** Whether the node received the request (refusals never reach it). */
  forwarded: boolean;
  at: string;
}

export class GatewayControl {
  automatedSnapshot: { name: string; uuid: string; startedAt: number } | undefined;
  private delays: Array<Delay504 & { remaining: number; pattern: RegExp }> = [];
  private seen: SeenRequest[] = [];

  apply(update: ControlUpdate): void {
    if (update.reset) {
      this.automatedSnapshot = undefined;
      this.delays = [];
    }
    if (update.automatedSnapshotInProgress === true && !this.automatedSnapshot) {
      const now = new Date();
      // The service names its hourly snapshots "<date>t<time>.<uuid>" in repository cs-automated.
      const stamp = now.toISOString().slice(0, 19).replace('T', 't').replace(/:/g, '-');
      const uuid = randomUUID();
      this.automatedSnapshot = { name: `${stamp}.${uuid}`, uuid: randomUUID().replace(/-/g, '').slice(0, 22), startedAt: now.getTime() };
    }
    if (update.automatedSnapshotInProgress === false) this.automatedSnapshot = undefined;
    if (update.delay504) {
      this.delays = update.delay504.map((d) => ({ ...d, remaining: d.times ?? 1, pattern: new RegExp(d.pathRegex) }));
    }
  }

  state(): object {
    return {
      automatedSnapshotInProgress: this.automatedSnapshot !== undefined,
      delay504: this.delays.map(({ method, pathRegex, afterMs, remaining }) => ({ method, pathRegex, afterMs, times: remaining })),
    };
  }

  /** Consumes one 504 for this request if a rule matches; returns the delay before answering. */
  take504(method: string, pathname: string): number | undefined {
    const rule = this.delays.find(
      (d) => d.remaining > 0 && (!d.method || d.method.toUpperCase() === method.toUpperCase()) && d.pattern.test(pathname),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    this.delays = this.delays.filter((d) => d.remaining > 0);
    return rule.afterMs;
  }

  record(entry: SeenRequest): void {
    this.seen.push(entry);
    if (this.seen.length > 10_000) this.seen.shift();
  }

  requests(): SeenRequest[] {
    return [...this.seen];
  }

  clearRequests(): void {
    this.seen = [];
  }

  /** One running snapshot in cs-automated, shaped like OpenSearch's _snapshot/_status entry. */
  automatedSnapshotStatus(): object | undefined {
    const running = this.automatedSnapshot;
    if (!running) return undefined;
    const elapsed = Date.now() - running.startedAt;
    return {
      snapshot: running.name,
      repository: 'cs-automated',
      uuid: running.uuid,
      state: 'STARTED',
      include_global_state: true,
      shards_stats: { initializing: 0, started: 1, finalizing: 0, done: 4, failed: 0, total: 5 },
      stats: {
        incremental: { file_count: 12, size_in_bytes: 3_145_728 },
        processed: { file_count: 9, size_in_bytes: 2_097_152 },
        total: { file_count: 48, size_in_bytes: 12_582_912 },
        start_time_in_millis: running.startedAt,
        time_in_millis: elapsed,
      },
      indices: {},
    };
  }
}
