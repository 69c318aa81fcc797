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
}

export interface AuditTables {
  audit_events: AuditEventRow;
}
