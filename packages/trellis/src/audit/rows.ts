/** Row types of the audit module's table. */

export interface AuditEventRow {
  seq: number;
  uid: string;
  time: string;
  class_uid: number;
  action: string;
  actor_id: string;
  resource_type: string | null;
  resource_id: string | null;
  outcome: string;
  event: string;
  prev_hash: string;
  hash: string;
}

export interface AuditTables {
  audit_events: AuditEventRow;
}
