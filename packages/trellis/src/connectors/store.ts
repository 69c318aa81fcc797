/**
 * Queries on the connectors module's tables; the only code that touches them. Lists page by
 * keyset on the unique name (`name > cursor ORDER BY name`), as the catalog's do.
 */
import type { Selectable } from 'kysely';
import type { DialectName, Queryable } from '../db/database.ts';
import type { ConnectorRow, ConnectorVersionRow } from './rows.ts';

export type StoredConnector = Selectable<ConnectorRow>;
export type NewConnectorRow = Omit<StoredConnector, 'id'>;

/** Columns that follow the newest manifest version. */
export type ConnectorManifestColumns = Pick<StoredConnector, 'title' | 'description' | 'type' | 'owner' | 'tiers' | 'resource_count' | 'field_count' | 'tagged_field_count' | 'catalog' | 'current_version' | 'updated_at' | 'updated_by' | 'updated_by_name'>;

function withNumericId<T extends { id: unknown }>(row: T): T & { id: number } {
  return { ...row, id: Number(row.id) };
}

export async function findConnector(q: Queryable, name: string): Promise<StoredConnector | undefined> {
  const row = await q.selectFrom('connectors').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? withNumericId(row) : undefined;
}

/**
 * The connector row locked for the rest of the transaction (PostgreSQL `FOR UPDATE`), so two
 * concurrent applies of one connector run one after the other and number their versions
 * without a gap or a clash. SQLite has a single writer, so a plain read is already serialised.
 */
export async function lockConnector(q: Queryable, dialect: DialectName, name: string): Promise<StoredConnector | undefined> {
  let query = q.selectFrom('connectors').selectAll().where('name', '=', name);
  if (dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? withNumericId(row) : undefined;
}

export async function insertConnector(q: Queryable, row: NewConnectorRow): Promise<number> {
  const r = await q.insertInto('connectors').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function updateConnectorManifestColumns(q: Queryable, id: number, cols: ConnectorManifestColumns): Promise<void> {
  await q.updateTable('connectors').set(cols).where('id', '=', id).execute();
}

/** Compare-and-set on status: false when the status moved since it was read. */
export async function updateConnectorStatus(q: Queryable, id: number, from: string, to: string, at: string, by: { id: string; name: string | null }): Promise<boolean> {
  const r = await q.updateTable('connectors').set({ status: to, updated_at: at, updated_by: by.id, updated_by_name: by.name }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertConnectorVersion(q: Queryable, row: ConnectorVersionRow): Promise<void> {
  await q.insertInto('connector_versions').values(row).execute();
}

export async function getConnectorVersion(q: Queryable, connectorId: number, version: number): Promise<ConnectorVersionRow | undefined> {
  const row = await q.selectFrom('connector_versions').selectAll().where('connector_id', '=', connectorId).where('version', '=', version).executeTakeFirst();
  return row ? { ...row, connector_id: Number(row.connector_id) } : undefined;
}

export type VersionSummaryRow = Omit<ConnectorVersionRow, 'manifest'>;

/** Every version of one connector, oldest first, without the manifests themselves. */
export async function listConnectorVersionSummaries(q: Queryable, connectorId: number): Promise<VersionSummaryRow[]> {
  const rows = await q
    .selectFrom('connector_versions')
    .select(['connector_id', 'version', 'digest', 'created_at', 'created_by', 'created_by_name'])
    .where('connector_id', '=', connectorId)
    .orderBy('version', 'asc')
    .execute();
  return rows.map((r) => ({ ...r, connector_id: Number(r.connector_id) }));
}

export interface ConnectorFilter {
  type?: string;
  status?: string;
  afterName?: string;
  limit: number;
}

/** One page of connectors in name order (the catalog JSON left out: a list shows counts). */
export async function listConnectors(q: Queryable, filter: ConnectorFilter): Promise<Omit<StoredConnector, 'catalog'>[]> {
  let query = q
    .selectFrom('connectors')
    .select(['id', 'name', 'title', 'description', 'type', 'owner', 'status', 'tiers', 'resource_count', 'field_count', 'tagged_field_count', 'current_version', 'created_at', 'created_by', 'created_by_name', 'updated_at', 'updated_by', 'updated_by_name']);
  if (filter.type !== undefined) query = query.where('type', '=', filter.type);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.afterName !== undefined) query = query.where('name', '>', filter.afterName);
  const rows = await query.orderBy('name', 'asc').limit(filter.limit).execute();
  return rows.map(withNumericId);
}

/** What governance needs of a connector: its current catalog, version and status. */
export type CatalogRow = Pick<StoredConnector, 'name' | 'status' | 'current_version' | 'catalog'>;

/** The catalogs of these connectors, in one query (chunked under the bound-parameter limits). */
export async function catalogRowsByName(q: Queryable, names: readonly string[]): Promise<CatalogRow[]> {
  const out: CatalogRow[] = [];
  for (let i = 0; i < names.length; i += 500) {
    out.push(...(await q.selectFrom('connectors').select(['name', 'status', 'current_version', 'catalog']).where('name', 'in', names.slice(i, i + 500)).execute()));
  }
  return out;
}

export async function allCatalogRows(q: Queryable): Promise<CatalogRow[]> {
  return q.selectFrom('connectors').select(['name', 'status', 'current_version', 'catalog']).orderBy('name', 'asc').execute();
}
