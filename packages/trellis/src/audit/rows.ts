/** Row types of the audit module's table. */
import type { Generated } from 'kysely';

export interface AuditEventRow {
  /** Insertion order; assigned by the database. */
  id: Generated<number>;
  /** Position in the chain; null until the event is sealed. */
  seq: number | null;
  uid: string;
  time: string;
  class_uid: number;
  action: string;
  actor_id: string;
  resource_type: string | null;
  resource_id: string | null;
  /** The first resource of type `app` (its id), copied out for search: "every event about app X". */
  app: string | null;
  outcome: string;
  event: string;
  prev_hash: string | null;
  hash: string | null;
  /** MAC of the row as appended (audit/integrity.ts); null only on rows sealed before MACs. */
  mac: string | null;
  /** Set when the sealer refused the row: it is not in the chain and never will be. */
  quarantined_at: string | null;
  /** Set when retention removed the row's content (audit/retention/service.ts); the chain fields stay. */
  pruned_at: string | null;
  /** MAC over the columns a pruned row keeps (audit/tombstone.ts). */
  prune_mac: string | null;
}

export interface AuditCheckpointRow {
  tree_size: number;
  root_hash: string;
  note: string;
  signer: string;
  created_at: string;
}

export interface AuditTreeNodeRow {
  level: number;
  idx: number;
  hash: string;
}

export interface AuditWitnessStateRow {
  witness: string;
  tree_size: number;
  pushed_at: string | null;
  last_error: string | null;
  attempted_at: string | null;
}

// The module's tables join the database's type (db/tables.ts) by declaration merging.
declare module '../db/tables.ts' {
  interface Tables {
    audit_events: AuditEventRow;
    audit_checkpoints: AuditCheckpointRow;
    audit_tree_nodes: AuditTreeNodeRow;
    audit_witness_state: AuditWitnessStateRow;
  }
}

