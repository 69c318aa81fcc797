/** Row types of the siem module's tables (only siem/store.ts queries them). */
import type { Generated } from 'kysely';

export interface SiemSinkRow {
  id: string;
  name: string;
  /** The transport kind (transports.ts): ocsf-http, jsonl-file, syslog, splunk-hec, otlp-logs. */
  type: string;
  /** JSON: the transport's configuration; secret names only, never a secret value. */
  config: string;
  /** JSON: which events the sink takes (filter.ts). */
  filter: string;
  enabled: number;
  /** The last seq handed over (delivered, filtered out or dead-lettered); the next batch starts after it. */
  cursor_seq: number;
  /** Events the receiver acknowledged. */
  delivered: number;
  /** Failed attempts since the last acknowledged batch. */
  attempts: number;
  /** No attempt before this time (backoff); null when not waiting. */
  next_attempt_at: string | null;
  last_error: string | null;
  last_delivered_at: string | null;
  /** The replica delivering this sink, and until when its lease holds. */
  lease_owner: string | null;
  lease_until: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface SiemDeadLetterRow {
  id: Generated<number>;
  sink_id: string;
  seq: number;
  uid: string;
  error: string;
  attempts: number;
  dead_at: string;
}

declare module '../db/tables.ts' {
  interface Tables {
    siem_sinks: SiemSinkRow;
    siem_dead_letters: SiemDeadLetterRow;
  }
}
