/**
 * The shapes of what the kill switch reads besides the app itself, written out from the server's
 * schemas (oauth/schema.ts, leases/schema.ts, exports/schema.ts, gateway/routes.ts): the console
 * does not import the server's code.
 */

/** One dynamic database credential (GET /api/v1/leases); never a password. */
export interface Lease {
  id: string;
  app: string;
  connector: string;
  role: string;
  state: 'active' | 'revoked' | 'expired';
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface LeaseList {
  items: Lease[];
  next_cursor: string | null;
}

/** A configured export destination (GET /api/v1/export-destinations); secret names only. */
export interface ExportDestination {
  id: string;
  destination: string;
  target: string;
  description: string | null;
}

/** GET /api/v1/gateway/quotas/:app: the limits in force and this minute's and day's use. */
export interface Quota {
  app: string;
  limits: { requestsPerMinute: number; recordsPerDay: number; bytesPerDay: number };
  overrides: { requestsPerMinute: number | null; recordsPerDay: number | null; bytesPerDay: number | null } | null;
  usage: { minute: { requests: number; records: number; bytes: number }; day: { requests: number; records: number; bytes: number } };
}

/** The answer to POST /api/v1/apps/:name/transitions. */
export interface TransitionResult {
  name: string;
  from: string;
  to: string;
  by: { id: string; name: string | null };
}
