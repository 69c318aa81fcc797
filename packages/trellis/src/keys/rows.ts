/** Row types of the keys module's table. */

export interface InstallationKeyRow {
  /** Always 'master': one row per installation. */
  id: string;
  /** The root key's id and check (for an installation older than root keys, the master key's). */
  key_id: string;
  key_check: string;
  /** Base64 master key; only ever set by a development-mode server on PostgreSQL. */
  dev_root_key: string | null;
  created_at: string;
  /** The root key sealed under a master key (keys/sealed.ts); null while the root is the master key itself. */
  root_sealed: string | null;
  /** Id of the master key root_sealed is sealed under. */
  root_master_id: string | null;
}

// The module's tables join the database's type (db/tables.ts) by declaration merging.
declare module '../db/tables.ts' {
  interface Tables {
    installation_keys: InstallationKeyRow;
  }
}

