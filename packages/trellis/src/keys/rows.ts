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

export interface KeyTables {
  installation_keys: InstallationKeyRow;
}
