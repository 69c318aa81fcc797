/** Row types of the identity module's tables (only identity/store.ts queries them). */
import type { Generated } from 'kysely';

/** A person the IdP provisioned. Deleted people keep their row (history), hidden from SCIM. */
export interface IdentityPersonRow {
  /** Server-assigned UUID (the SCIM id). */
  id: string;
  user_name: string;
  /** userName lower-cased: unique, so userName is unique regardless of case. */
  user_name_lower: string;
  external_id: string | null;
  /** `user:<primary email or userName>`, lower case: how the rest of Trellis names the person. */
  ref: string;
  display_name: string | null;
  /** 1 active, 0 not. */
  active: number;
  /** 1 once DELETEd through SCIM (kept for history, invisible to SCIM). */
  deleted: number;
  title: string | null;
  /** SCIM userType: the employment type. */
  user_type: string | null;
  department: string | null;
  cost_center: string | null;
  organization: string | null;
  division: string | null;
  /** The manager's person id (enterprise extension manager.value). */
  manager_id: string | null;
  locality: string | null;
  country: string | null;
  /** JSON: the SCIM resource as stored (core and extension attributes; no id, meta or groups). */
  doc: string;
  created_at: string;
  updated_at: string;
  /** Counts changes: the ETag. */
  version: number;
}

export interface IdentityGroupRow {
  id: string;
  display_name: string;
  display_name_lower: string;
  external_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface IdentityMemberRow {
  group_id: string;
  person_id: string;
}

/** Settings as JSON values by key (fallback_owner). */
export interface IdentitySettingRow {
  key: string;
  value: string;
  updated_at: string;
  updated_by: string;
}

/** One app of a departed owner offered to someone. */
export interface IdentityOfferRow {
  /** off_ and 16 hex characters. */
  id: string;
  app_name: string;
  /** The departed owner. */
  from_ref: string;
  /** The person offered the app. */
  to_ref: string;
  /** manager | fallback */
  via: string;
  /** open | accepted | declined */
  status: string;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
}

/** What changed in the directory, for every replica's attribute map (db/follow.ts). */
export interface IdentityChangeRow {
  seq: Generated<number>;
  person_id: string;
  /** ms since the epoch. */
  changed_at: number;
}

declare module '../db/tables.ts' {
  interface Tables {
    identity_people: IdentityPersonRow;
    identity_groups: IdentityGroupRow;
    identity_members: IdentityMemberRow;
    identity_settings: IdentitySettingRow;
    identity_offers: IdentityOfferRow;
    identity_changes: IdentityChangeRow;
  }
}
