/** Row types of the keys module's table. */

export interface InstallationKeyRow {
  /** Always 'master': one row per installation. */
  id: string;
  key_id: string;
  key_check: string;
  /** Base64 master key; only ever set by a development-mode server on PostgreSQL. */
  dev_root_key: string | null;
  created_at: string;
}

// The module's tables join the database's type (db/tables.ts) by declaration merging.
declare module '../db/tables.ts' {
  interface Tables {
    installation_keys: InstallationKeyRow;
  }
}

