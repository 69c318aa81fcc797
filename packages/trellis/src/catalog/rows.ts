/** Row types of the catalog module's tables (only catalog/store.ts queries them). */
import type { Generated } from 'kysely';

export interface CatalogAppRow {
  id: Generated<number>;
  name: string;
  title: string | null;
  description: string | null;
  owner: string;
  team: string | null;
  status: string;
  /** The effective tier: the higher of declared and detected (the declared one until assessed). */
  classification: string | null;
  /** spec.classification as declared. */
  declared_classification: string | null;
  risk_tier: string | null;
  risk_score: number | null;
  /** The version in force (last approved); null before any approval. */
  approved_version: number | null;
  approved_at: string | null;
  runtime: string;
  template: string | null;
  connectors: string;
  current_version: number;
  created_at: string;
  created_by: string;
  /** Display name of created_by at the time; null for rows older than the column. */
  created_by_name: string | null;
  updated_at: string;
  updated_by: string;
  /** Display name of updated_by at the time; null for rows older than the column. */
  updated_by_name: string | null;
}

export interface CatalogAppVersionRow {
  app_id: number;
  version: number;
  manifest: string;
  digest: string;
  /** Governance's assessment of this version (JSON: classification, risk, decision); null when stored without one. */
  assessment: string | null;
  created_at: string;
  created_by: string;
  /** Display name of created_by at the time; null for rows older than the column. */
  created_by_name: string | null;
}

export interface CatalogAppConnectorRow {
  connector: string;
  app_name: string;
  app_id: number;
}

export interface CatalogAppWordRow {
  word: string;
  app_name: string;
  app_id: number;
}

export interface CatalogStatusChangeRow {
  id: Generated<number>;
  app_id: number;
  from_status: string;
  to_status: string;
  reason: string | null;
  changed_at: string;
  changed_by: string;
  /** Display name of changed_by at the time; null for rows older than the column. */
  changed_by_name: string | null;
}

// The module's tables join the database's type (db/tables.ts) by declaration merging.
declare module '../db/tables.ts' {
  interface Tables {
    catalog_apps: CatalogAppRow;
    catalog_app_versions: CatalogAppVersionRow;
    catalog_app_connectors: CatalogAppConnectorRow;
    catalog_app_words: CatalogAppWordRow;
    catalog_status_changes: CatalogStatusChangeRow;
  }
}

