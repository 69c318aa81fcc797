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
  outcome: string;
  event: string;
  prev_hash: string | null;
  hash: string | null;
  /** MAC of the row as appended (audit/integrity.ts); null only on rows sealed before MACs. */
  mac: string | null;
  /** Set when the sealer refused the row: it is not in the chain and never will be. */
  quarantined_at: string | null;
}

// The module's tables join the database's type (db/tables.ts) by declaration merging.
declare module '../db/tables.ts' {
  interface Tables {
    audit_events: AuditEventRow;
  }
}

