// The few domain APIs a migration uses, behind one narrow class built from its parts: the transport
// (transport.ts: `call`, DomainError), repositories/snapshots/restore/recovery (snapshots.ts), indices
// (indices.ts), sequence numbers and the cut-over's replay (history.ts) and the cluster (cluster.ts). Code outside search/ imports the class and its types from here.
import { ClusterApi } from './cluster.js';
import { HistoryApi } from './history.js';
import { IndicesApi } from './indices.js';
import { SnapshotsApi } from './snapshots.js';
import { DomainTransport } from './transport.js';

export class Domain extends ClusterApi(HistoryApi(IndicesApi(SnapshotsApi(DomainTransport)))) {}

export type { ClusterHealth, ClusterInfo, NodeFacts } from './cluster.js';
export type { ChangedDocument, IndexSeqNos } from './history.js';
export type { IndexRow } from './indices.js';
export type {
  RegisteredRepository,
  RunningSnapshot,
  ShardRecovery,
  SnapshotInfo,
  SnapshotStatus,
} from './snapshots.js';
export { DomainError } from './transport.js';
