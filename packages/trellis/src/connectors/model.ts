/**
 * Pure conversions between a connector manifest, its rows and the API's shapes — above all the
 * field catalog governance reads: tiers resolved (the connector's default is every tier, a
 * resource's default is the connector's), every field with its tags (none: an empty list).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import { classifications, type Classification } from '../catalog/index.ts';
import { canonicalOwner } from './catalog-kit.ts';
import type { ConnectorVersionRow } from './rows.ts';
import { httpConnectionSchema, httpDefaults, leaseDefaults, postgresConnectionSchema } from './schema.ts';
import type { ConnectorDetail, ConnectorManifest, ConnectorStatus, ConnectorSummary, ConnectorType, ConnectorVersion, ConnectorVersionSummary } from './schema.ts';
import type { NewConnectorRow, StoredConnector } from './store.ts';

interface ConnectorField {
  name: string;
  tags: string[];
  freeText?: boolean;
}
interface ConnectorResource {
  name: string;
  kind?: 'table' | 'view';
  /** postgres: the fields identifying a row (declared, or [id] when there is an id field). */
  key?: string[];
  path?: string;
  methods?: string[];
  tiers: Classification[];
  fields: ConnectorField[];
}
export interface ConnectorCatalog {
  name: string;
  type: 'postgres' | 'http';
  version: number;
  status: string;
  tiers: Classification[];
  resources: ConnectorResource[];
  /** Run-time settings, defaults applied; absent: the connector is catalog-only. */
  connection?: ConnectorConnection;
}

export interface PostgresConnection {
  type: 'postgres';
  host: string;
  port: number;
  database: string;
  schema: string;
  tls: 'disable' | 'require' | 'verify-full';
  allowPrivateHost: boolean;
  credentials: { mode: 'dynamic' | 'static'; username: string; secret: string };
  lease: { ttlSeconds: number; maxTtlSeconds: number };
}
export interface HttpConnection {
  type: 'http';
  baseUrl: string;
  allowPrivateHost: boolean;
  allowHosts?: string[];
  timeoutMs: number;
  maxResponseBytes: number;
  pagination: { style: 'none' | 'cursor' | 'page' | 'link'; param?: string; responseField?: string; sizeParam?: string };
  auth: { type: 'none' | 'header' | 'query' | 'basic' | 'bearer' | 'oauth2'; name?: string; username?: string; secret?: string; tokenUrl?: string; clientId?: string; scopes?: string[] };
}
export type ConnectorConnection = PostgresConnection | HttpConnection;

/** The manifest's `spec.connection` with every default applied (the manifest was validated). */
export function connectionOf(manifest: ConnectorManifest): ConnectorConnection | undefined {
  const raw = manifest.spec.connection;
  if (raw === undefined) return undefined;
  if (manifest.spec.type === 'postgres') {
    const c = postgresConnectionSchema.parse(raw);
    return {
      type: 'postgres',
      host: c.host,
      port: c.port ?? 5432,
      database: c.database,
      schema: c.schema ?? 'public',
      tls: c.tls ?? 'verify-full',
      allowPrivateHost: c.allowPrivateHost ?? false,
      credentials: c.credentials,
      lease: { ttlSeconds: c.lease?.ttlSeconds ?? leaseDefaults.ttlSeconds, maxTtlSeconds: c.lease?.maxTtlSeconds ?? leaseDefaults.maxTtlSeconds },
    };
  }
  const c = httpConnectionSchema.parse(raw);
  return {
    type: 'http',
    baseUrl: c.baseUrl,
    allowPrivateHost: c.allowPrivateHost ?? false,
    ...(c.allowHosts ? { allowHosts: c.allowHosts } : {}),
    timeoutMs: c.timeoutMs ?? httpDefaults.timeoutMs,
    maxResponseBytes: c.maxResponseBytes ?? httpDefaults.maxResponseBytes,
    pagination: c.pagination ?? { style: 'none' },
    auth: c.auth ?? { type: 'none' },
  };
}

/** What the `catalog` column holds: the catalog without what the row already says. */
type StoredCatalog = Omit<ConnectorCatalog, 'name' | 'version' | 'status'>;

/** SHA-256 of the manifest's canonical JSON: equal content, equal digest, whatever the key order. */
export function connectorDigest(manifest: ConnectorManifest): string {
  return createHash('sha256').update(canonicalJson(manifest)).digest('hex');
}

export function storedCatalogOf(manifest: ConnectorManifest): StoredCatalog {
  const tiers = manifest.spec.tiers ?? [...classifications];
  const connection = connectionOf(manifest);
  return {
    type: manifest.spec.type,
    tiers,
    resources: manifest.spec.resources.map((r) => ({
      name: r.name,
      ...(r.kind !== undefined ? { kind: r.kind } : {}),
      ...(r.path !== undefined ? { path: r.path } : {}),
      ...(r.methods !== undefined ? { methods: r.methods } : {}),
      ...(manifest.spec.type === 'postgres' && (r.key ?? (r.fields.some((f) => f.name === 'id') ? ['id'] : undefined)) ? { key: r.key ?? ['id'] } : {}),
      tiers: r.tiers ?? tiers,
      fields: r.fields.map((f) => ({ name: f.name, tags: f.tags ?? [], ...(f.freeText ? { freeText: true } : {}) })),
    })),
    ...(connection ? { connection } : {}),
  };
}

export function catalogOfRow(row: { name: string; status: string; current_version: number; catalog: string }): ConnectorCatalog {
  const stored = JSON.parse(row.catalog) as StoredCatalog;
  return { name: row.name, version: row.current_version, status: row.status, ...stored };
}

/** The current-state columns a manifest version sets on its connector. */
export function manifestColumns(manifest: ConnectorManifest) {
  const catalog = storedCatalogOf(manifest);
  const fields = manifest.spec.resources.flatMap((r) => r.fields);
  return {
    title: manifest.metadata.title ?? null,
    description: manifest.metadata.description ?? null,
    type: manifest.spec.type,
    owner: canonicalOwner(manifest.spec.owner),
    tiers: JSON.stringify(catalog.tiers),
    resource_count: manifest.spec.resources.length,
    field_count: fields.length,
    tagged_field_count: fields.filter((f) => (f.tags ?? []).length > 0).length,
    catalog: JSON.stringify(catalog),
  };
}

export function toSummary(row: Omit<StoredConnector, 'catalog'> | NewConnectorRow): ConnectorSummary {
  return {
    name: row.name,
    title: row.title,
    description: row.description,
    type: row.type as ConnectorType,
    owner: row.owner,
    status: row.status as ConnectorStatus,
    tiers: JSON.parse(row.tiers) as Classification[],
    resources: row.resource_count,
    fields: row.field_count,
    tagged_fields: row.tagged_field_count,
    version: row.current_version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toDetail(row: NewConnectorRow, version: ConnectorVersionRow): ConnectorDetail {
  return {
    ...toSummary(row),
    manifest: JSON.parse(version.manifest) as Record<string, unknown>,
    catalog: catalogOfRow(row) as ConnectorDetail['catalog'],
    created_by: { id: row.created_by, name: row.created_by_name },
    updated_by: { id: row.updated_by, name: row.updated_by_name },
  };
}

export function toVersionSummary(row: Omit<ConnectorVersionRow, 'manifest'>): ConnectorVersionSummary {
  return { version: row.version, created_at: row.created_at, created_by: { id: row.created_by, name: row.created_by_name }, digest: row.digest };
}

export function toVersion(row: ConnectorVersionRow): ConnectorVersion {
  return { ...toVersionSummary(row), manifest: JSON.parse(row.manifest) as Record<string, unknown> };
}
