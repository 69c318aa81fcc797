/**
 * The shapes the connectors, secrets, leases and keys routes answer with (their schema.ts files
 * under packages/trellis/src), as this page reads them. No secret or lease shape has a field
 * for a value or a password: the API cannot send one.
 */

export interface ActorRef {
  id: string;
  name: string | null;
}

export type ConnectorType = 'postgres' | 'http';
export type ConnectorStatus = 'active' | 'retired';

export interface ConnectorSummary {
  name: string;
  title: string | null;
  description: string | null;
  type: ConnectorType;
  owner: string;
  status: ConnectorStatus;
  tiers: string[];
  resources: number;
  fields: number;
  tagged_fields: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface CatalogField {
  name: string;
  tags: string[];
  freeText?: boolean;
}

export interface CatalogResource {
  name: string;
  kind?: 'table' | 'view';
  key?: string[];
  path?: string;
  methods?: string[];
  tiers: string[];
  fields: CatalogField[];
}

export interface ConnectorDetail extends ConnectorSummary {
  manifest: Record<string, unknown>;
  catalog: {
    name: string;
    type: ConnectorType;
    version: number;
    status: ConnectorStatus;
    tiers: string[];
    resources: CatalogResource[];
    connection?: Record<string, unknown>;
  };
  created_by: ActorRef;
  updated_by: ActorRef;
}

export interface ConnectorList {
  items: ConnectorSummary[];
  next_cursor: string | null;
}

export interface ConnectorVersionSummary {
  version: number;
  created_at: string;
  created_by: ActorRef;
  digest: string;
}

export interface ConnectorVersion extends ConnectorVersionSummary {
  manifest: Record<string, unknown>;
}

export interface ApplyResult extends ConnectorDetail {
  changed: boolean;
  created: boolean;
}

export interface ValidateResult {
  valid: boolean;
  errors: { path: string; message: string; line?: number; column?: number }[];
}

export interface Secret {
  name: string;
  description: string | null;
  kind: 'static' | 'generated';
  current_version: number;
  rotation: { everyDays: number; overlapHours: number } | null;
  next_rotation_at: string | null;
  rotation_due: boolean;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface SecretVersion {
  version: number;
  state: 'active' | 'previous' | 'destroyed';
  kek_id: string | null;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  destroyed_at: string | null;
}

export type LeaseState = 'active' | 'revoked' | 'expired';

export interface Lease {
  id: string;
  app: string;
  connector: string;
  role: string;
  state: LeaseState;
  grants: { table: string; columns: string[]; privileges: string[] }[];
  database: { host: string; port: number; database: string };
  created_at: string;
  expires_at: string;
  max_expires_at: string;
  renewed_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
  dropped_at: string | null;
  drop_error: string | null;
}

export interface LeaseList {
  items: Lease[];
  next_cursor: string | null;
}

export interface KeyStatus {
  root_key_id: string;
  root_master_key_id: string;
  current_master_key_id: string;
  held_master_key_ids: string[];
  data_keys: { master_key_id: string; count: number }[];
  previous_keys_removable: boolean;
}
