/** Row type of the leases module's table (only leases/store.ts queries it). */
import type { Generated } from 'kysely';

export interface LeaseRow {
  /** Ordering and keyset paging key. */
  seq: Generated<number>;
  /** Public id, lse_ + 20 hex characters. */
  id: string;
  app: string;
  connector: string;
  /** The role on the target database (trellis_<app>_<hex>). */
  role_name: string;
  /** The role's password, sealed under the 'leases.password' key with the lease id as context. */
  password_enc: string;
  /** sha256 of the target's identity and the normalised grants (sql.ts grantsDigest). */
  grants_digest: string;
  /** JSON: the normalised grants, so the role can be taken apart without the catalog. */
  grants: string;
  /** JSON: where the role lives and how to reach it as the admin (no secret value, only its name). */
  target: string;
  /** JSON array of [app, connector] while active; null once revoked or expired, so only one active lease per pair. */
  active_key: string | null;
  /** active | revoked | expired */
  state: string;
  created_at: string;
  expires_at: string;
  max_expires_at: string;
  renewed_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
  /** When the role was dropped on the target; null while it may still exist. */
  dropped_at: string | null;
  /** The last failure to drop it, for the sweeper's next attempt and for admins. */
  drop_error: string | null;
}

declare module '../db/tables.ts' {
  interface Tables {
    leases: LeaseRow;
  }
}
