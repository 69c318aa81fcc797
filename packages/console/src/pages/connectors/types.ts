/**
 * The shapes the connectors, secrets, leases and keys routes answer with (their schema.ts files
 * under packages/trellis/src), as this page reads them. No secret or lease shape has a field
 * for a value or a password: the API cannot send one.
 *
 * The secrets and keys shapes are the server's own declarations (secrets/schema.ts, imported as
 * types only, so none of the server's code reaches the bundle). The connectors' stay copies:
 * connectors/schema.ts imports the catalog module's door (the whole server), which cannot be
 * type-checked under the console's settings.
 */
import type { Classification } from '../../../../trellis/src/catalog/vocabulary.ts';
import type { leaseStates } from '../../../../trellis/src/leases/schema.ts';
export type { KeyStatus, Secret, SecretVersion } from '../../../../trellis/src/secrets/schema.ts';

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
  tiers: Classification[];
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
  tiers: Classification[];
  fields: CatalogField[];
}

export interface ConnectorDetail extends ConnectorSummary {
  manifest: Record<string, unknown>;
  catalog: {
    name: string;
    type: ConnectorType;
    version: number;
    status: ConnectorStatus;
    tiers: Classification[];
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

export type LeaseState = (typeof leaseStates)[number];

// leases/schema.ts declares the lease only as a zod schema, with no type exported for it.
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
