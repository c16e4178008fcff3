// What tests can switch on a gateway (POST /_gateway/control) and what they can read back
// (GET /_gateway/requests): an hourly automated snapshot that happens to be running, requests
// the node finishes but whose client gives up with a 504, as behind AWS's idle timeout, a domain
// of another engine or version, fine-grained access control mapping IAM roles to security roles, a
// self-managed cluster's settings (every dynamic cluster setting accepted, as a cluster of one's own
// does: what the action's restore throttles look like where they can be lifted), and the request body
// limit of another instance type.
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
  /** Answer `GET /` and `GET /_nodes` as a domain of another engine/version would (null: the node's own). */
  reportVersion?: ReportedVersion | null;
  /** Fine-grained access control over IAM callers: security role → backend roles (IAM ARNs) mapped to it (null: off). */
  fineGrainedAccessControl?: { rolesMapping: Record<string, string[]> } | null;
  /** Accept every `PUT _cluster/settings` (a self-managed cluster) instead of the service's short list. */
  selfManagedClusterSettings?: boolean;
  /** The largest request body accepted, in bytes, as for another instance type (null: the gateway's default). */
  maxBodyBytes?: number | null;
  reset?: boolean;
}

export interface ReportedVersion {
  /** `opensearch`, or absent for Elasticsearch (whose main response has no distribution). */
  distribution?: 'opensearch';
  number: string;
}

export interface SeenRequest {
  method: string;
  path: string;
  status: number;
  principal: string | null;
  /** Whether the node received the request (refusals never reach it). */
  forwarded: boolean;
  /** Bytes of the request line (`GET /path?query HTTP/1.1`), what the node's 4 KB line limit counts. */
  requestLineBytes: number;
  /** Bytes of the request body (its Content-Length when it was refused as too large). */
  bodyBytes: number;
  at: string;
}

export class GatewayControl {
  automatedSnapshot: { name: string; uuid: string; startedAt: number } | undefined;
  private delays: Array<Delay504 & { remaining: number; pattern: RegExp }> = [];
  reportedVersion: ReportedVersion | undefined;
  rolesMapping: Record<string, string[]> | undefined;
  selfManagedClusterSettings = false;
  private seen: SeenRequest[] = [];
  maxBodyBytes: number;

  constructor(private readonly defaultMaxBodyBytes: number) {
    this.maxBodyBytes = defaultMaxBodyBytes;
  }

  apply(update: ControlUpdate): void {
    if (update.reset) {
      this.automatedSnapshot = undefined;
      this.delays = [];
      this.reportedVersion = undefined;
      this.rolesMapping = undefined;
      this.selfManagedClusterSettings = false;
      this.maxBodyBytes = this.defaultMaxBodyBytes;
    }
    if (update.maxBodyBytes !== undefined) {
      if (update.maxBodyBytes !== null && !(Number.isInteger(update.maxBodyBytes) && update.maxBodyBytes > 0))
        throw new Error('maxBodyBytes must be a positive whole number of bytes, or null');
      this.maxBodyBytes = update.maxBodyBytes ?? this.defaultMaxBodyBytes;
    }
    if (update.selfManagedClusterSettings !== undefined)
      this.selfManagedClusterSettings = update.selfManagedClusterSettings;
    if (update.reportVersion !== undefined) {
      if (update.reportVersion !== null && !/^\d+\.\d+\.\d+$/.test(update.reportVersion.number ?? ''))
        throw new Error('reportVersion.number must look like 2.19.0');
      this.reportedVersion = update.reportVersion ?? undefined;
    }
    if (update.fineGrainedAccessControl !== undefined)
      this.rolesMapping = update.fineGrainedAccessControl?.rolesMapping ?? undefined;
    if (update.automatedSnapshotInProgress === true && !this.automatedSnapshot) {
      const now = new Date();
      // The service names its hourly snapshots "<date>t<time>.<uuid>" in repository cs-automated.
      const stamp = now.toISOString().slice(0, 19).replace('T', 't').replace(/:/g, '-');
      const uuid = randomUUID();
      this.automatedSnapshot = {
        name: `${stamp}.${uuid}`,
        uuid: randomUUID().replace(/-/g, '').slice(0, 22),
        startedAt: now.getTime(),
      };
    }
    if (update.automatedSnapshotInProgress === false) this.automatedSnapshot = undefined;
    if (update.delay504) {
      this.delays = update.delay504.map((d) => ({ ...d, remaining: d.times ?? 1, pattern: new RegExp(d.pathRegex) }));
    }
  }

  state(): object {
    return {
      automatedSnapshotInProgress: this.automatedSnapshot !== undefined,
      delay504: this.delays.map(({ method, pathRegex, afterMs, remaining }) => ({
        method,
        pathRegex,
        afterMs,
        times: remaining,
      })),
      reportVersion: this.reportedVersion ?? null,
      fineGrainedAccessControl: this.rolesMapping ? { rolesMapping: this.rolesMapping } : null,
      selfManagedClusterSettings: this.selfManagedClusterSettings,
      maxBodyBytes: this.maxBodyBytes,
    };
  }

  /** Consumes one 504 for this request if a rule matches; returns the delay before answering. */
  take504(method: string, pathname: string): number | undefined {
    const rule = this.delays.find(
      (d) =>
        d.remaining > 0 && (!d.method || d.method.toUpperCase() === method.toUpperCase()) && d.pattern.test(pathname),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    this.delays = this.delays.filter((d) => d.remaining > 0);
    return rule.afterMs;
  }

  record(entry: SeenRequest): void {
    this.seen.push(entry);
    // Enough for a migration of thousands of indices; a ring, so a long-lived stack stays small.
    if (this.seen.length > 50_000) this.seen.shift();
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
