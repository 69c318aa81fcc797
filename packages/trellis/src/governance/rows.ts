/** Row types of the governance module's tables (only governance/store.ts queries them). */

/** One review of one app version: opened by a decision that needs a person, closed by one. */
export interface GovernanceReviewRow {
  id: string;
  app_name: string;
  version: number;
  /** register | update | submit */
  kind: string;
  /** open | approved | rejected | changes_requested | superseded | withdrawn */
  status: string;
  /** The app's owner when the review opened (canonical person reference). */
  owner: string;
  submitted_at: string;
  submitted_by: string;
  submitted_by_name: string | null;
  /** The person behind the submitting token, when known. */
  submitted_by_subject: string | null;
  /** JSON: why the version needs a person (risk tier, warnings, widening). */
  reasons: string;
  /** JSON: the admission decision's warnings at submission. */
  warnings: string;
  risk_tier: string;
  risk_score: number;
  classification: string | null;
  decided_at: string | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_by_subject: string | null;
  comment: string | null;
  /** JSON: the reviewer's checklist answers. */
  checklist: string | null;
  /** Milliseconds from submission to decision. */
  decision_ms: number | null;
}

/** Admin settings: the tag → tier table and the risk weights, as JSON values. */
export interface GovernanceSettingRow {
  key: string;
  value: string;
  updated_at: string;
  updated_by: string;
}

/** An admin's override of an app's risk tier, with the reason; kept across versions until removed. */
export interface GovernanceRiskOverrideRow {
  app_name: string;
  tier: string;
  reason: string;
  by_id: string;
  by_name: string | null;
  at: string;
}

// The module's tables join the database's type (db/tables.ts) by declaration merging.
declare module '../db/tables.ts' {
  interface Tables {
    governance_reviews: GovernanceReviewRow;
    governance_settings: GovernanceSettingRow;
    governance_risk_overrides: GovernanceRiskOverrideRow;
  }
}
