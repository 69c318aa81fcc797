/**
 * The connector service: apply (create or store a new version), show, list, version history,
 * retire and reactivate, the field catalogs governance reads, and drafting a postgres
 * connector from a live database. Each change and its audit event are written in one
 * transaction; validation runs before any transaction opens, so an invalid manifest touches
 * nothing.
 */
import type { PatternDetector } from '@trellis/dlp';
import type { Database } from '../db/database.ts';
import type { Actor, AuditLog } from '../audit/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import type { Caller, ManifestInput } from '../catalog/index.ts';
import { findCredentials, secretErrors } from '../secrets/index.ts';
import { actorRef, decodeCursor, encodeCursor, isUniqueViolation } from './catalog-kit.ts';
import { connectorErrors } from './errors.ts';
import { parseConnectorText, validateConnectorValue, type ConnectorManifestResult } from './manifest.ts';
import { catalogOfRow, connectorDigest, manifestColumns, toDetail, toSummary, toVersion, toVersionSummary, type ConnectorCatalog } from './model.ts';
import type { ApplyResult, ConnectorDetail, ConnectorList, ConnectorListQuery, ConnectorManifest, ConnectorStatus, ConnectorSummary, ConnectorVersion, ConnectorVersionSummary, DraftRequest, DraftResult } from './schema.ts';
import * as store from './store.ts';

export const defaultPageSize = 50;
export const maxPageSize = 200;

/** Where drafts get the installation's custom DLP detectors (the dlp module's registry). */
export interface ActiveDetectors {
  activeDetectors(): PatternDetector[];
}

function invalid(errors: FieldError[]): AppError {
  const n = errors.length;
  return connectorErrors.error('connector_invalid', `the connector manifest has ${n} error${n === 1 ? '' : 's'}; fix ${n === 1 ? 'it' : 'them'} and apply again`, { errors });
}

function notFound(name: string): AppError {
  return new AppError('not_found', `connector ${name} not found`);
}

function versionRow(connectorId: number, version: number, manifest: ConnectorManifest, digest: string, by: { id: string; name: string | null }, now: string) {
  return { connector_id: connectorId, version, manifest: JSON.stringify(manifest), digest, created_at: now, created_by: by.id, created_by_name: by.name };
}

/** A connector's status change, as listeners see it once it has committed. */
export interface ConnectorStatusChange {
  name: string;
  from: ConnectorStatus;
  to: ConnectorStatus;
  actor: Actor;
  reason: string | null;
}

/**
 * Runs after the change commits, so modules listed after this one (leases) act on a retirement
 * without connectors knowing them. A throw reaches the caller; the change stands.
 */
export type ConnectorStatusListener = (change: ConnectorStatusChange) => Promise<void>;

export class ConnectorService {
  private readonly statusListeners: ConnectorStatusListener[] = [];

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly detectors?: ActiveDetectors,
  ) {}

  /**
   * Validate without writing anything: the manifest's shape, then the DLP secret detectors
   * (secrets/: the same scan as app manifests), since a connector's credentials belong in the
   * secret store and a pasted one would be readable by everyone who can read connectors.
   */
  async validate(input: ManifestInput): Promise<ConnectorManifestResult> {
    const r = this.checkShape(input);
    if (!r.ok) return r;
    const credentials = await this.credentialsIn(input, r.manifest);
    return credentials.length > 0 ? { ok: false, errors: credentials } : r;
  }

  private checkShape(input: ManifestInput): ConnectorManifestResult {
    return 'text' in input ? parseConnectorText(input.text) : validateConnectorValue(input.value);
  }

  /** Text is scanned as written too (keyword-gated detectors see their context; findings get lines); a JSON body by value. */
  private credentialsIn(input: ManifestInput, manifest: ConnectorManifest): Promise<FieldError[]> {
    return findCredentials('text' in input ? manifest : input.value, 'text' in input ? input.text : undefined, () => ({}));
  }

  /**
   * Create the connector, or store its manifest as the next version. A manifest identical to
   * the current version stores nothing (`changed: false`); a retired connector must be
   * reactivated before it changes.
   */
  async apply(caller: Caller, input: ManifestInput): Promise<ApplyResult> {
    const r = this.checkShape(input);
    if (!r.ok) throw invalid(r.errors);
    const credentials = await this.credentialsIn(input, r.manifest);
    if (credentials.length > 0) {
      throw secretErrors.error('manifest_has_credential', `the connector manifest carries ${credentials.length === 1 ? 'a credential' : `${credentials.length} credentials`}; nothing was stored`, { errors: credentials });
    }
    const manifest = r.manifest;
    const name = manifest.metadata.name;
    const digest = connectorDigest(manifest);
    try {
      return await this.database.db.transaction().execute(async (tx) => {
        const now = new Date().toISOString();
        const by = actorRef(caller.actor);
        const cols = manifestColumns(manifest);
        const current = await store.lockConnector(tx, this.database.dialect, name);
        if (!current) {
          const row = { name, ...cols, status: 'active', current_version: 1, created_at: now, created_by: by.id, created_by_name: by.name, updated_at: now, updated_by: by.id, updated_by_name: by.name };
          const id = await store.insertConnector(tx, row);
          const version = versionRow(id, 1, manifest, digest, by, now);
          await store.insertConnectorVersion(tx, version);
          await this.audit.append(tx, {
            class: 'application_lifecycle',
            activity: 'create',
            action: 'connector.create',
            actor: caller.actor,
            resources: [{ type: 'connector', id: name, name }],
            outcome: 'success',
            message: `created connector ${name} (${cols.type}, version 1)`,
            details: { version: 1, digest, type: cols.type, owner: cols.owner, resources: cols.resource_count, fields: cols.field_count, tagged_fields: cols.tagged_field_count },
            ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
          });
          return { ...toDetail(row, version), changed: true, created: true };
        }
        if (current.status === 'retired') {
          throw new AppError('conflict', `connector ${name} is retired; reactivate it (POST /api/v1/connectors/${name}/reactivate) before changing it`, { extra: { name, status: current.status } });
        }
        const currentVersion = await store.getConnectorVersion(tx, current.id, current.current_version);
        if (!currentVersion) throw new AppError('internal', `connector ${name} has no version ${current.current_version}`);
        if (currentVersion.digest === digest) return { ...toDetail(current, currentVersion), changed: false, created: false };
        const next = current.current_version + 1;
        const version = versionRow(current.id, next, manifest, digest, by, now);
        const updated = { ...cols, current_version: next, updated_at: now, updated_by: by.id, updated_by_name: by.name };
        await store.insertConnectorVersion(tx, version);
        await store.updateConnectorManifestColumns(tx, current.id, updated);
        await this.audit.append(tx, {
          class: 'application_lifecycle',
          activity: 'update',
          action: 'connector.update',
          actor: caller.actor,
          resources: [{ type: 'connector', id: name, name }],
          outcome: 'success',
          message: `stored version ${next} of connector ${name}`,
          details: { version: next, previous_version: current.current_version, digest, ...tagChanges(catalogOfRow(current), catalogOfRow({ ...current, ...updated })) },
          ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
        });
        return { ...toDetail({ ...current, ...updated }, version), changed: true, created: false };
      });
    } catch (err) {
      // Two first applies of one name at once: the unique index lets one through.
      if (isUniqueViolation(err)) throw new AppError('conflict', `connector ${name} was created by another request at the same time; apply again to store this manifest as its next version`, { extra: { name } });
      throw err;
    }
  }

  async get(name: string): Promise<ConnectorDetail> {
    const row = await store.findConnector(this.database.db, name);
    if (!row) throw notFound(name);
    const version = await store.getConnectorVersion(this.database.db, row.id, row.current_version);
    if (!version) throw new AppError('internal', `connector ${name} has no version ${row.current_version}`);
    return toDetail(row, version);
  }

  async list(query: ConnectorListQuery = {}): Promise<ConnectorList> {
    const limit = Math.min(Math.max(query.limit ?? defaultPageSize, 1), maxPageSize);
    const rows = await store.listConnectors(this.database.db, {
      ...(query.type !== undefined ? { type: query.type } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.cursor !== undefined ? { afterName: decodeCursor(query.cursor) } : {}),
      // One extra row says whether another page exists, without a count query.
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return { items: page.map(toSummary), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.name) : null };
  }

  private async connectorOrThrow(name: string) {
    const row = await store.findConnector(this.database.db, name);
    if (!row) throw notFound(name);
    return row;
  }

  async versions(name: string): Promise<ConnectorVersionSummary[]> {
    const row = await this.connectorOrThrow(name);
    return (await store.listConnectorVersionSummaries(this.database.db, row.id)).map(toVersionSummary);
  }

  async version(name: string, version: number): Promise<ConnectorVersion> {
    const row = await this.connectorOrThrow(name);
    const v = await store.getConnectorVersion(this.database.db, row.id, version);
    if (!v) throw new AppError('not_found', `connector ${name} has no version ${version} (versions 1 to ${row.current_version} exist)`);
    return toVersion(v);
  }

  /** Be told of every retirement and reactivation, after it commits (see ConnectorStatusListener). */
  onStatusChange(listener: ConnectorStatusListener): void {
    this.statusListeners.push(listener);
  }

  /**
   * Retire a connector: it stays readable, with its history, and its catalog says `retired`; it
   * no longer changes. Listeners run after the commit (leases ends the connector's leases and
   * drops their roles there: a database role cannot be dropped inside our transaction).
   */
  retire(caller: Caller, name: string, reason?: string): Promise<ConnectorSummary> {
    return this.setStatus(caller, name, 'retired', reason);
  }

  /** Undo a retirement. */
  reactivate(caller: Caller, name: string, reason?: string): Promise<ConnectorSummary> {
    return this.setStatus(caller, name, 'active', reason);
  }

  /** The change and its audit event in one transaction, then the listeners. */
  private async setStatus(caller: Caller, name: string, to: ConnectorStatus, reason: string | undefined): Promise<ConnectorSummary> {
    const { summary, from } = await this.database.db.transaction().execute(async (tx) => {
      const row = await store.lockConnector(tx, this.database.dialect, name);
      if (!row) throw notFound(name);
      if (row.status === to) throw new AppError('conflict', `connector ${name} is already ${to}`, { extra: { name, status: row.status } });
      const now = new Date().toISOString();
      const by = actorRef(caller.actor);
      // Compare-and-set: the last line of defence against a lost update.
      if (!(await store.updateConnectorStatus(tx, row.id, row.status, to, now, by))) throw new AppError('conflict', `connector ${name} changed status while this request ran; retry`);
      const verb = to === 'retired' ? 'retire' : 'reactivate';
      await this.audit.append(tx, {
        class: 'application_lifecycle',
        activity: 'update',
        action: `connector.${verb}`,
        actor: caller.actor,
        resources: [{ type: 'connector', id: name, name }],
        outcome: 'success',
        message: `connector ${name}: ${row.status} → ${to}`,
        details: { from: row.status, to, version: row.current_version, ...(reason ? { reason } : {}) },
        ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
      });
      return { summary: toSummary({ ...row, status: to, updated_at: now, updated_by: by.id, updated_by_name: by.name }), from: row.status as ConnectorStatus };
    });
    for (const l of this.statusListeners) await l({ name, from, to, actor: caller.actor, reason: reason ?? null });
    return summary;
  }

  /** Current catalogs of these connectors (missing names are absent from the map), in one query. */
  async catalogs(names: readonly string[]): Promise<Map<string, ConnectorCatalog>> {
    const wanted = [...new Set(names)];
    if (wanted.length === 0) return new Map();
    const rows = await store.catalogRowsByName(this.database.db, wanted);
    return new Map(rows.map((r) => [r.name, catalogOfRow(r)]));
  }

  /** Every connector's current catalog, for impact analysis over every app. */
  async allCatalogs(): Promise<Map<string, ConnectorCatalog>> {
    const rows = await store.allCatalogRows(this.database.db);
    return new Map(rows.map((r) => [r.name, catalogOfRow(r)]));
  }

  /**
   * Draft a postgres connector from a live database: its tables, views and columns, with tags
   * proposed from sampled values and column names. Nothing is stored; the draft is audited as
   * an API activity (the database URL never is).
   */
  async draft(caller: Caller, request: DraftRequest): Promise<DraftResult> {
    const { draftFromPostgres } = await import('./draft.ts');
    const base = { class: 'api_activity' as const, activity: 'read' as const, action: 'connector.draft', actor: caller.actor, resources: [{ type: 'connector', id: request.name, name: request.name }], ...(caller.srcIp ? { srcIp: caller.srcIp } : {}) };
    let result: DraftResult;
    try {
      result = await draftFromPostgres(request, this.detectors?.activeDetectors() ?? []);
    } catch (err) {
      // A failed attempt is recorded too: the server connected where an admin pointed it. The
      // message is the draft's own (it never holds the URL); anything else is not described.
      const reason = err instanceof AppError ? err.message : 'internal error';
      await this.audit.record({ ...base, outcome: 'failure', message: `drafting connector ${request.name} failed: ${reason}`, details: { schema: request.schema ?? 'public', reason } });
      throw err;
    }
    await this.audit.record({
      ...base,
      outcome: 'success',
      message: `drafted connector ${request.name} from a PostgreSQL schema (${result.resources.length} tables and views)`,
      details: {
        schema: request.schema ?? 'public',
        resources: result.resources.length,
        sampled_rows: result.resources.reduce((n, r) => n + r.sampled_rows, 0),
        proposed_tags: result.evidence.length,
      },
    });
    return result;
  }
}

/** Which fields gained or lost tags between two catalogs, by path (`employees.email`): what an auditor asks of a new version. */
function tagChanges(before: ConnectorCatalog, after: ConnectorCatalog): { fields_added: string[]; fields_removed: string[]; tags_changed: string[] } {
  const index = (c: ConnectorCatalog) => new Map(c.resources.flatMap((r) => r.fields.map((f) => [`${r.name}.${f.name}`, [...f.tags].sort().join(',')] as const)));
  const a = index(before);
  const b = index(after);
  const cap = (xs: string[]) => xs.slice(0, 200);
  return {
    fields_added: cap([...b.keys()].filter((k) => !a.has(k))),
    fields_removed: cap([...a.keys()].filter((k) => !b.has(k))),
    tags_changed: cap([...b.keys()].filter((k) => a.has(k) && a.get(k) !== b.get(k))),
  };
}
