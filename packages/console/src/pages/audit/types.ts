/** One event of GET /api/v1/audit/events: its place in the chain and the OCSF event (audit/ocsf.ts). */
export interface AuditRecord {
  seq: number;
  prev_hash: string;
  hash: string;
  event: {
    class_uid?: number;
    class_name?: string;
    activity_name?: string;
    time_dt?: string;
    status?: string;
    message?: string;
    actor?: { user?: { uid?: string; name?: string; type?: string; uid_alt?: string } };
    api?: { operation?: string };
    resources?: { type?: string; uid?: string; name?: string }[];
    [key: string]: unknown;
  };
}

export interface EventPage {
  items: AuditRecord[];
  next_cursor: number | null;
}
