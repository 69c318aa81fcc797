/** Row types of the policy module's tables (only policy/store.ts queries them). */

export interface PolicyBundleRow {
  version: number;
  digest: string;
  modules: string;
  data: string;
  rego_version: string;
  v0_modules: string;
  module_count: number;
  test_count: number;
  size_bytes: number;
  message: string | null;
  created_at: string;
  created_by: string;
  created_by_name: string | null;
}

export interface PolicyActivationRow {
  id: number;
  version: number;
  previous_id: number | null;
  action: string;
  activated_at: string;
  activated_by: string;
  activated_by_name: string | null;
}

// The module's tables join the database's type (db/tables.ts) by declaration merging.
declare module '../db/tables.ts' {
  interface Tables {
    policy_bundles: PolicyBundleRow;
    policy_activations: PolicyActivationRow;
  }
}
