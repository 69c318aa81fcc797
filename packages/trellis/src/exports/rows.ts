/** Row types of the exports module's tables (only exports/store.ts queries them). */

export interface ExportDestinationRow {
  /** Public id, exd_ + 20 hex characters. */
  id: string;
  /** The manifest's export destination kind: slack | teams | webhook | email | file. */
  destination: string;
  /** The manifest's export target it serves (`#hr-leave`, an address, a label). */
  target: string;
  /** JSON: the kind's delivery settings (secret name, SMTP relay, directory); never a secret value. */
  settings: string;
  /** 1 when the receiver may be on a loopback or private address (development, on-site relays). */
  allow_private_host: number;
  description: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface ExportQuarantineRow {
  /** Public id, exq_ + 20 hex characters. */
  id: string;
  app: string;
  /** The person the app acted for (`user:<email>`), or null for the app's own identity. */
  subject: string | null;
  destination: string;
  target: string;
  /** The payload, sealed (keys/sealed.ts) under the 'exports.quarantine' key; null once discarded or released. */
  payload_sealed: string | null;
  /** JSON array of the data tags DLP found and the catalog gave (never values). */
  detected: string;
  /** JSON array of the policy's review messages. */
  messages: string;
  /** UTF-8 bytes of the payload as JSON. */
  bytes: number;
  /** held | releasing | released | discarded */
  status: string;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
  reason: string | null;
  /** The delivery a release made. */
  delivery_id: string | null;
  /** Why the last release attempt failed, if it did. */
  last_error: string | null;
}

declare module '../db/tables.ts' {
  interface Tables {
    export_destinations: ExportDestinationRow;
    export_quarantine: ExportQuarantineRow;
  }
}
