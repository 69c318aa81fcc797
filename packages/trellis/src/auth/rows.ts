/** Row types of the auth module's tables. */
import type { Generated } from 'kysely';

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

/** One entry of the revocation feed (revocations.ts). */
export interface RevocationRow {
  seq: Generated<number>;
  kind: string;
  ref: string;
  /** ms since the epoch: credentials of kind/ref issued at or before it are void. */
  revoked_at: number;
  reason: string;
}

// The module's tables join the database's type (db/tables.ts) by declaration merging.
declare module '../db/tables.ts' {
  interface Tables {
    api_tokens: ApiTokenRow;
    auth_failures: AuthFailureRow;
    revocations: RevocationRow;
  }
}

