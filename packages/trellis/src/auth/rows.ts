/** Row types of the auth module's tables. */

export interface ApiTokenRow {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  /** The person the token acts for (`user:<email>`), when it belongs to one; null for automation. */
  subject: string | null;
}

/** Failed authentications counted by the whole cluster in one window (see failure-limiter.ts). */
export interface AuthFailureRow {
  key: string;
  window_start: number;
  count: number;
}

// The module's tables join the database's type (db/tables.ts) by declaration merging.
declare module '../db/tables.ts' {
  interface Tables {
    api_tokens: ApiTokenRow;
    auth_failures: AuthFailureRow;
  }
}

