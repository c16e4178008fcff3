// The few domain APIs a migration uses, behind one narrow class built from its parts: the transport
// (transport.ts: `call`, DomainError), repositories/snapshots/restore/recovery (snapshots.ts), indices
// (indices.ts) and the cluster (cluster.ts). Code outside search/ imports the class and its types from here.
import { ClusterApi } from './cluster.js';
import { IndicesApi } from './indices.js';
import { SnapshotsApi } from './snapshots.js';
import { DomainTransport } from './transport.js';

export class Domain extends ClusterApi(IndicesApi(SnapshotsApi(DomainTransport))) {}

export type { ClusterHealth, ClusterInfo, NodeFacts } from './cluster.js';
export type { ChangedDocument, IndexRow, IndexSeqNos } from './indices.js';
export type {
  RegisteredRepository,
  RunningSnapshot,
  ShardRecovery,
  SnapshotInfo,
  SnapshotStatus,
} from './snapshots.js';
export { DomainError } from './transport.js';
