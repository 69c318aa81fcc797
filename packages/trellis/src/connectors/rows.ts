/** Row types of the connectors module's tables (only connectors/store.ts queries them). */
import type { Generated } from 'kysely';

export interface ConnectorRow {
  id: Generated<number>;
  name: string;
  title: string | null;
  description: string | null;
  type: string;
  owner: string;
  status: string;
  /** JSON array of the connector's tiers, defaults applied. */
  tiers: string;
  resource_count: number;
  field_count: number;
  tagged_field_count: number;
  /** JSON of the current version's field catalog (ConnectorCatalog without name, version and status). */
  catalog: string;
  current_version: number;
  created_at: string;
  created_by: string;
  created_by_name: string | null;
  updated_at: string;
  updated_by: string;
  updated_by_name: string | null;
}

export interface ConnectorVersionRow {
  connector_id: number;
  version: number;
  manifest: string;
  digest: string;
  created_at: string;
  created_by: string;
  created_by_name: string | null;
}

// The module's tables join the database's type (db/tables.ts) by declaration merging.
declare module '../db/tables.ts' {
  interface Tables {
    connectors: ConnectorRow;
    connector_versions: ConnectorVersionRow;
  }
}
