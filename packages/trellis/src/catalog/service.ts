/**
 * The catalog service (capability C1): register, update, show, list, search, version history,
 * diffs, status changes and Backstage import. Each change and its audit event are written in
 * one transaction, so the trail never claims a change that did not happen nor misses one
 * that did. Validation runs before any transaction opens: an invalid manifest touches
 * nothing. Errors are AppErrors with stable codes; routes and the CLI turn them into
 * problem details and exit codes.
 */
import type { Database, Queryable, Tx } from '../db/database.ts';
import type { AuditLog, Actor } from '../audit/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { planBackstageImport, type EntityPlan } from './backstage.ts';
import { diffManifests } from './diff.ts';
import { checkTransition, type AppStatus } from './lifecycle.ts';
import { parseManifestText, validateManifestValue, type ManifestResult } from './manifest.ts';
import { actorRef, canonicalOwner, connectorNames, decodeListCursor, indexWords, manifestColumns, manifestDigest, pageJson, searchWords, toDetail, toSummary, toVersion, toVersionSummary } from './model.ts';
import type { ActorRef, AppDetail, AppList, Assessment, AppListQuery, AppSummary, AppVersion, AppVersionSummary, ImportEntry, ImportResult, Manifest, StatusChange } from './schema.ts';
import * as store from './store.ts';
import type { CatalogAppVersionRow, CatalogStatusChangeRow } from './rows.ts';
import { catalogErrors } from './errors.ts';

/** A manifest as text (YAML or JSON, located errors) or as already-parsed JSON. */
export type ManifestInput = { text: string } | { value: unknown };

/** Who is acting, and from where (for the audit event). */
export interface Caller {
  actor: Actor;
  srcIp?: string;
}

export const defaultPageSize = 50;
export const maxPageSize = 200;

export interface TransitionResult {
  name: string;
  from: AppStatus;
  to: AppStatus;
  /** Who made the move. */
  by: ActorRef;
  app: AppSummary;
}

export interface AppDiff {
  name: string;
  from: number;
  to: number;
  added: ReturnType<typeof diffManifests>['added'];
  removed: ReturnType<typeof diffManifests>['removed'];
  changed: ReturnType<typeof diffManifests>['changed'];
}

function invalid(errors: FieldError[]): AppError {
  const n = errors.length;
  return catalogErrors.error('manifest_invalid', `the manifest has ${n} error${n === 1 ? '' : 's'}; fix ${n === 1 ? 'it' : 'them'} and try again`, { errors });
}

function appNotFound(name: string): AppError {
  return new AppError('not_found', `app ${name} not found`);
}

function nameTaken(name: string): AppError {
  return new AppError('conflict', `an app named ${name} already exists; choose another name or update it with PUT /api/v1/apps/${name}`, { extra: { name } });
}

/**
 * What governance decided about a version the catalog stores (docs/governance.md): the status
 * the app moves to, the assessment kept with the version, and whether the version becomes the
 * one in force.
 */
export interface VersionOutcome {
  status: AppStatus;
  assessment: Assessment;
  /** The version becomes approved_version (approved automatically). */
  approve: boolean;
  /** Why the status changed, for the status history. */
  reason: string;
  /** Extra facts for the audit event (no secret values). */
  details: Record<string, unknown>;
}

/** The columns an assessment sets on the app row. */
function assessedColumns(assessment: Assessment): Pick<store.AppRow, 'classification' | 'risk_tier' | 'risk_score'> {
  return { classification: assessment.classification.effective, risk_tier: assessment.risk.tier, risk_score: assessment.risk.score };
}

/** The row of a newly registered app at version 1: a draft, or what governance decided. */
function newAppRow(manifest: Manifest, by: ActorRef, now: string, outcome?: VersionOutcome): store.NewAppRow {
  return {
    name: manifest.metadata.name,
    ...manifestColumns(manifest),
    status: outcome?.status ?? 'draft',
    risk_tier: null,
    risk_score: null,
    ...(outcome ? assessedColumns(outcome.assessment) : {}),
    approved_version: outcome?.approve ? 1 : null,
    approved_at: outcome?.approve ? now : null,
    current_version: 1,
    created_at: now,
    created_by: by.id,
    created_by_name: by.name,
    updated_at: now,
    updated_by: by.id,
    updated_by_name: by.name,
  };
}

/** Version 1 (or the next version) of an app's manifest, as stored. */
function versionRow(appId: number, version: number, manifest: Manifest, by: ActorRef, now: string, digest = manifestDigest(manifest), assessment: Assessment | null = null) {
  return { app_id: appId, version, manifest: JSON.stringify(manifest), digest, assessment: assessment ? JSON.stringify(assessment) : null, created_at: now, created_by: by.id, created_by_name: by.name };
}

/** What governance needs to know about an app before deciding on a new version of it. */
export interface DecisionState {
  id: number;
  name: string;
  owner: string;
  status: AppStatus;
  currentVersion: number;
  currentDigest: string;
  currentManifest: Manifest;
  currentAssessment: Assessment | null;
  approvedVersion: number | null;
  approvedAt: string | null;
  /** The manifest in force (approved_version's), to tell whether an update widens it. */
  approvedManifest: Manifest | null;
  approvedAssessment: Assessment | null;
  /** Actor id that registered the app (owners and the registering token may change it). */
  createdBy: string;
}

/** Status moves only governance makes: submitting a draft, deciding or withdrawing a review. */
function isDecision(from: AppStatus, to: AppStatus): boolean {
  return (from === 'draft' && to === 'pending_review') || (from === 'pending_review' && (to === 'approved' || to === 'rejected' || to === 'draft'));
}

/** A change of an app's status, as listeners see it inside the transaction that makes it. */
export interface AppStatusChange {
  name: string;
  from: AppStatus;
  to: AppStatus;
  actor: Actor;
  reason: string | null;
}

/**
 * Runs inside the status change's transaction, so what it writes commits or rolls back with it
 * (oauth creates an approved app's service identity and disables a suspended one's). A throw
 * aborts the change.
 */
export type StatusListener = (tx: Tx, change: AppStatusChange) => Promise<void>;

export class CatalogService {
  private readonly statusListeners: StatusListener[] = [];

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
  ) {}

  /** Be told of every status change, in its transaction (see StatusListener). */
  onStatusChange(listener: StatusListener): void {
    this.statusListeners.push(listener);
  }

  /** The history row of a status change, then its listeners, in the change's transaction. */
  private async statusChanged(tx: Tx, row: Omit<CatalogStatusChangeRow, 'id'>, actor: Actor, name: string): Promise<void> {
    await store.insertStatusChange(tx, row);
    const change: AppStatusChange = { name, from: row.from_status as AppStatus, to: row.to_status as AppStatus, actor, reason: row.reason };
    for (const l of this.statusListeners) await l(tx, change);
  }

  /**
   * A stamp that changes when any app's row does (a status, the version in force, the owner):
   * replicas that keep apps in memory (the gateway) poll it and reload on a change, since the
   * version in force can change without a status change (an auto-approved update).
   */
  appsStamp(): Promise<string> {
    return store.appsStamp(this.database.db);
  }

  /** Validate without writing anything. */
  validate(input: ManifestInput): ManifestResult {
    return 'text' in input ? parseManifestText(input.text) : validateManifestValue(input.value);
  }

  private validated(input: ManifestInput): Extract<ManifestResult, { ok: true }> {
    const r = this.validate(input);
    if (!r.ok) throw invalid(r.errors);
    return r;
  }

  /**
   * The validated manifest, or a 422 with every located error. Governance runs this first: an
   * invalid manifest touches nothing.
   */
  parse(input: ManifestInput): Extract<ManifestResult, { ok: true }> {
    return this.validated(input);
  }

  /**
   * Register a new app as a `draft` with version 1 of its manifest, without a decision: bulk
   * loads and imports. Registration through the API is governance's (it decides as it stores).
   */
  async register(caller: Caller, input: ManifestInput): Promise<AppDetail> {
    const { manifest } = this.validated(input);
    try {
      return await this.database.db.transaction().execute((tx) => this.registerInTx(tx, caller, manifest, {}));
    } catch (err) {
      throw store.isUniqueViolation(err) ? nameTaken(manifest.metadata.name) : err;
    }
  }

  /**
   * Register many apps in one transaction (bulk loads, migrations from another catalog):
   * all validated first, then written in batches with one audit event each. All or nothing.
   * Errors name the manifest's position: `[3].spec.owner`.
   */
  async registerMany(caller: Caller, inputs: readonly ManifestInput[]): Promise<number> {
    const manifests: Manifest[] = [];
    const errors: FieldError[] = [];
    inputs.forEach((input, i) => {
      const r = this.validate(input);
      if (r.ok) manifests.push(r.manifest);
      else errors.push(...r.errors.map((e) => ({ ...e, path: `[${i}]${e.path ? (e.path.startsWith('[') ? e.path : `.${e.path}`) : ''}` })));
    });
    if (errors.length > 0) throw invalid(errors.slice(0, 100));
    const seen = new Set<string>();
    for (const m of manifests) {
      if (seen.has(m.metadata.name)) throw nameTaken(m.metadata.name);
      seen.add(m.metadata.name);
    }
    const now = new Date().toISOString();
    try {
      await this.database.db.transaction().execute(async (tx) => {
        const by = actorRef(caller.actor);
        const rows = manifests.map((m) => newAppRow(m, by, now));
        const ids = await store.insertApps(tx, rows);
        const versions = manifests.map((m, i) => versionRow(ids[i]!, 1, m, by, now));
        await store.insertVersions(tx, versions);
        await store.insertAppConnectors(tx, manifests.flatMap((m, i) => connectorNames(m).map((connector) => ({ connector, app_name: m.metadata.name, app_id: ids[i]! }))));
        await store.insertAppWords(tx, rows.flatMap((r, i) => indexWords(r.name, r.title, r.description).map((word) => ({ word, app_name: r.name, app_id: ids[i]! }))));
        await this.audit.appendMany(
          tx,
          manifests.map((m, i) => ({
            class: 'application_lifecycle' as const,
            activity: 'create' as const,
            action: 'app.register',
            actor: caller.actor,
            resources: [{ type: 'app', id: m.metadata.name, name: m.metadata.name }],
            outcome: 'success' as const,
            message: `registered app ${m.metadata.name} (version 1, draft)`,
            details: { version: 1, digest: versions[i]!.digest, owner: rows[i]!.owner, status: 'draft', bulk: true },
            ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
          })),
        );
      });
    } catch (err) {
      if (store.isUniqueViolation(err)) throw new AppError('conflict', 'one or more of these app names already exist; nothing was registered');
      throw err;
    }
    return manifests.length;
  }

  /**
   * In the caller's transaction (governance's): store a new app with version 1 and the outcome
   * governance decided for it, audited as `app.register`.
   */
  async insertAssessed(tx: Tx, caller: Caller, manifest: Manifest, outcome: VersionOutcome): Promise<AppDetail> {
    try {
      return await this.registerInTx(tx, caller, manifest, outcome.details, outcome);
    } catch (err) {
      throw store.isUniqueViolation(err) ? nameTaken(manifest.metadata.name) : err;
    }
  }

  private async registerInTx(tx: Tx, caller: Caller, manifest: Manifest, details: Record<string, unknown>, outcome?: VersionOutcome): Promise<AppDetail> {
    const name = manifest.metadata.name;
    // The unique index is the real guard (a concurrent insert fails on it); this check gives
    // the common case a clear answer without relying on driver error codes.
    if (await store.appExists(tx, name)) throw nameTaken(name);
    const now = new Date().toISOString();
    const by = actorRef(caller.actor);
    const row = newAppRow(manifest, by, now, outcome);
    const id = await store.insertApp(tx, row);
    const version = versionRow(id, 1, manifest, by, now, undefined, outcome?.assessment ?? null);
    await store.insertVersions(tx, [version]);
    // A new id has no index rows to replace.
    await store.insertAppConnectors(tx, connectorNames(manifest).map((connector) => ({ connector, app_name: name, app_id: id })));
    await store.insertAppWords(tx, indexWords(name, row.title, row.description).map((word) => ({ word, app_name: name, app_id: id })));
    await this.audit.append(tx, {
      class: 'application_lifecycle',
      activity: 'create',
      action: 'app.register',
      actor: caller.actor,
      resources: [{ type: 'app', id: name, name }],
      outcome: 'success',
      message: `registered app ${name} (version 1, ${row.status})`,
      details: { version: 1, digest: version.digest, owner: row.owner, status: row.status, ...details },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    });
    if (outcome && row.status !== 'draft') {
      await this.statusChanged(tx, { app_id: id, from_status: 'draft', to_status: row.status, reason: outcome.reason, changed_at: now, changed_by: by.id, changed_by_name: by.name }, caller.actor, name);
    }
    return toDetail({ ...row, id }, version);
  }

  /** The app's state for a decision on a new version of it; undefined when there is no such app. */
  async decisionState(name: string): Promise<DecisionState | undefined> {
    const db = this.database.db;
    const app = await store.findAppByName(db, name);
    if (!app) return undefined;
    const [current, approved] = await Promise.all([
      store.getVersion(db, app.id, app.current_version),
      app.approved_version !== null && app.approved_version !== app.current_version ? store.getVersion(db, app.id, app.approved_version) : undefined,
    ]);
    if (!current) throw new AppError('internal', `app ${name} has no version ${app.current_version}`);
    const inForce = app.approved_version === null ? undefined : app.approved_version === app.current_version ? current : approved;
    const assessmentOf = (v: CatalogAppVersionRow | undefined) => (v?.assessment ? (JSON.parse(v.assessment) as Assessment) : null);
    return {
      id: app.id,
      name,
      owner: app.owner,
      status: app.status as AppStatus,
      currentVersion: app.current_version,
      currentDigest: current.digest,
      currentManifest: JSON.parse(current.manifest) as Manifest,
      currentAssessment: assessmentOf(current),
      approvedVersion: app.approved_version,
      approvedAt: app.approved_at,
      approvedManifest: inForce ? (JSON.parse(inForce.manifest) as Manifest) : null,
      approvedAssessment: assessmentOf(inForce),
      createdBy: app.created_by,
    };
  }

  /**
   * In the caller's transaction (governance's): store the next version of an app with the
   * outcome decided for it. `expectedVersion` is the version the decision was made against: if
   * another update landed in between, this is a 409 and nothing is written (the caller's
   * transaction rolls back), so a decision never applies to a manifest it did not see.
   */
  async appendAssessed(tx: Tx, caller: Caller, manifest: Manifest, expectedVersion: number, outcome: VersionOutcome): Promise<AppDetail> {
    const name = manifest.metadata.name;
    const app = await store.lockAppByName(tx, this.database.dialect, name);
    if (!app) throw appNotFound(name);
    if (app.current_version !== expectedVersion) throw new AppError('conflict', `app ${name} changed while this request ran (now at version ${app.current_version}); retry`, { extra: { retry: true } });
    const previous = await store.getVersion(tx, app.id, app.current_version);
    const now = new Date().toISOString();
    const next = app.current_version + 1;
    const by = actorRef(caller.actor);
    const version = versionRow(app.id, next, manifest, by, now, undefined, outcome.assessment);
    const from = app.status as AppStatus;
    const cols = {
      ...manifestColumns(manifest),
      ...assessedColumns(outcome.assessment),
      current_version: next,
      updated_at: now,
      updated_by: by.id,
      updated_by_name: by.name,
    };
    await store.insertVersions(tx, [version]);
    await store.updateAppManifestColumns(tx, app.id, cols);
    const approval = outcome.approve ? { approved_version: next, approved_at: now } : {};
    if (from !== outcome.status || outcome.approve) {
      if (!(await store.updateAppDecision(tx, app.id, from, { status: outcome.status, ...approval }))) throw new AppError('conflict', `app ${name} changed status while this request ran; retry`, { extra: { retry: true } });
    }
    if (from !== outcome.status) {
      await this.statusChanged(tx, { app_id: app.id, from_status: from, to_status: outcome.status, reason: outcome.reason, changed_at: now, changed_by: by.id, changed_by_name: by.name }, caller.actor, name);
    }
    await store.replaceAppConnectors(tx, app.id, name, connectorNames(manifest));
    await store.replaceAppWords(tx, app.id, name, indexWords(name, cols.title, cols.description));
    const diff = previous ? diffManifests(JSON.parse(previous.manifest), manifest) : undefined;
    await this.audit.append(tx, {
      class: 'application_lifecycle',
      activity: 'update',
      action: 'app.update',
      actor: caller.actor,
      resources: [{ type: 'app', id: name, name }],
      outcome: 'success',
      message: `stored version ${next} of app ${name} (${from === outcome.status ? outcome.status : `${from} → ${outcome.status}`})`,
      details: {
        version: next,
        previous_version: app.current_version,
        digest: version.digest,
        from,
        status: outcome.status,
        // Paths only: values may be sensitive, and the versions themselves are kept.
        ...(diff ? { added: diff.added.map((d) => d.path), removed: diff.removed.map((d) => d.path), changed: diff.changed.map((d) => d.path) } : {}),
        ...outcome.details,
      },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    });
    return toDetail({ ...app, ...cols, status: outcome.status, ...approval }, version);
  }

  /**
   * In the caller's transaction (governance's): a decided status change — a submission, a
   * review's verdict, a withdrawal. `approveVersion` makes that version the one in force;
   * `assessment` replaces the current version's (a submission re-assesses it). Compare-and-set
   * on the status: 409 when it moved since governance read it.
   */
  async decideInTx(
    tx: Tx,
    caller: Caller,
    name: string,
    change: { from: AppStatus; to: AppStatus; reason: string; version: number; approveVersion?: boolean; assessment?: Assessment; details?: Record<string, unknown> },
  ): Promise<TransitionResult> {
    const app = await store.lockAppByName(tx, this.database.dialect, name);
    if (!app) throw appNotFound(name);
    if (app.current_version !== change.version) throw new AppError('conflict', `app ${name} changed while this request ran (now at version ${app.current_version}); retry`);
    const now = new Date().toISOString();
    const by = actorRef(caller.actor);
    const approval = change.approveVersion ? { approved_version: change.version, approved_at: now } : {};
    const assessed = change.assessment ? assessedColumns(change.assessment) : {};
    if (!(await store.updateAppDecision(tx, app.id, change.from, { status: change.to, updated_at: now, updated_by: by.id, updated_by_name: by.name, ...approval, ...assessed }))) {
      throw new AppError('conflict', `app ${name} changed status while this request ran; retry`);
    }
    if (change.assessment) await store.setVersionAssessment(tx, app.id, change.version, JSON.stringify(change.assessment));
    await this.recordTransition(tx, caller, { id: app.id, name }, now, {
      from: change.from,
      to: change.to,
      reason: change.reason,
      version: change.version,
      note: change.approveVersion ? ` (version ${change.version} in force)` : '',
      details: { ...(change.approveVersion ? { approved_version: change.version } : {}), ...(change.details ?? {}) },
    });
    return { name, from: change.from, to: change.to, by, app: toSummary({ ...app, status: change.to, updated_at: now, ...assessed }) };
  }

  /** A status change in the app's history and the audit trail, in the change's transaction (a move to the same status is not history). */
  private async recordTransition(
    tx: Tx,
    caller: Caller,
    app: { id: number; name: string },
    at: string,
    t: { from: AppStatus; to: AppStatus; reason: string | null; version: number; note: string; details: Record<string, unknown> },
  ): Promise<void> {
    const by = actorRef(caller.actor);
    if (t.from !== t.to) await this.statusChanged(tx, { app_id: app.id, from_status: t.from, to_status: t.to, reason: t.reason, changed_at: at, changed_by: by.id, changed_by_name: by.name }, caller.actor, app.name);
    await this.audit.append(tx, {
      class: 'application_lifecycle',
      activity: 'update',
      action: 'app.transition',
      actor: caller.actor,
      resources: [{ type: 'app', id: app.name, name: app.name }],
      outcome: 'success',
      message: `app ${app.name}: ${t.from} → ${t.to}${t.note}`,
      details: { from: t.from, to: t.to, version: t.version, ...(t.reason ? { reason: t.reason } : {}), ...t.details },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    });
  }

  /**
   * In the caller's transaction: replace the assessment of an app's current version (an
   * admin's risk override, a re-score), keeping the app row's columns in step.
   */
  async reassessInTx(tx: Tx, name: string, version: number, assessment: Assessment): Promise<void> {
    const app = await store.lockAppByName(tx, this.database.dialect, name);
    if (!app) throw appNotFound(name);
    if (app.current_version !== version) throw new AppError('conflict', `app ${name} changed while this request ran (now at version ${app.current_version}); retry`);
    await store.setVersionAssessment(tx, app.id, version, JSON.stringify(assessment));
    await store.updateAppAssessedColumns(tx, app.id, assessedColumns(assessment));
  }

  /**
   * Every app's current manifest and state, in name order, a page at a time, as stored (the
   * manifest and assessment as JSON text: impact analysis hands pages to worker threads, where
   * strings are cheap to copy). Reads only; `after` is the last name seen.
   */
  async scanForImpact(after: string | null, limit: number): Promise<{ name: string; status: string; version: number; approvedAt: string | null; manifest: string; assessment: string | null }[]> {
    const rows = await store.currentManifests(this.database.db, after, limit);
    return rows.map((r) => ({ name: r.name, status: r.status, version: r.current_version, approvedAt: r.approved_at, manifest: r.manifest, assessment: r.assessment }));
  }


  /** An app as the list shows it (status, tier, version), without its manifest. */
  async summary(name: string): Promise<AppSummary> {
    const app = await store.findAppByName(this.database.db, name);
    if (!app) throw appNotFound(name);
    return toSummary(app);
  }

  async get(name: string): Promise<AppDetail> {
    const db = this.database.db;
    const app = await store.findAppByName(db, name);
    if (!app) throw appNotFound(name);
    const version = await store.getVersion(db, app.id, app.current_version);
    if (!version) throw new AppError('internal', `app ${name} has no version ${app.current_version}`);
    return toDetail(app, version);
  }

  /**
   * One page of the catalog as the API sends it: the JSON text of an AppList, written by the
   * database (store.ts, AppPageRow), so the route sends it without building objects.
   */
  async listPage(query: Omit<AppListQuery, 'limit'> & { limit?: number | undefined }): Promise<string> {
    const limit = Math.min(Math.max(query.limit ?? defaultPageSize, 1), maxPageSize);
    const sort = query.sort ?? 'name';
    // Checked before the query: a cursor of another order (or none of ours) is refused, naming `cursor`.
    const after = query.cursor !== undefined ? decodeListCursor(query.cursor, sort) : undefined;
    let words: string[] | undefined;
    if (query.q !== undefined) {
      words = searchWords(query.q);
      // Nothing searchable (only punctuation) matches nothing, rather than everything.
      if (words.length === 0) return '{"items":[],"next_cursor":null}';
    }
    const rows = await store.listApps(this.database.db, this.database.dialect, {
      ...(query.owner !== undefined ? { owner: canonicalOwner(query.owner) } : {}),
      ...(query.team !== undefined ? { team: query.team } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.classification !== undefined ? { classification: query.classification } : {}),
      ...(query.risk !== undefined ? { riskTier: query.risk } : {}),
      ...(query.connector !== undefined ? { connector: query.connector } : {}),
      ...(words ? { words } : {}),
      sort,
      ...(after ? { afterName: after.name, ...(after.key !== undefined ? { afterKey: after.key } : {}) } : {}),
      // One extra row says whether another page exists, without a count query.
      limit: limit + 1,
    });
    return pageJson(rows, limit, sort);
  }

  /** The same page as objects, for callers in this process (the CLI's local commands, tests, benches). */
  async list(query: Omit<AppListQuery, 'limit'> & { limit?: number | undefined }): Promise<AppList> {
    return JSON.parse(await this.listPage(query)) as AppList;
  }

  private async appOrThrow(name: string) {
    const app = await store.findAppByName(this.database.db, name);
    if (!app) throw appNotFound(name);
    return app;
  }

  async versions(name: string): Promise<AppVersionSummary[]> {
    const app = await this.appOrThrow(name);
    return (await store.listVersionSummaries(this.database.db, app.id)).map(toVersionSummary);
  }

  async version(name: string, version: number): Promise<AppVersion> {
    const app = await this.appOrThrow(name);
    const row = await store.getVersion(this.database.db, app.id, version);
    if (!row) throw new AppError('not_found', `app ${name} has no version ${version} (versions 1 to ${app.current_version} exist)`);
    return toVersion(row);
  }

  async diff(name: string, from: number, to: number): Promise<AppDiff> {
    const app = await this.appOrThrow(name);
    const [a, b] = await Promise.all([store.getVersion(this.database.db, app.id, from), store.getVersion(this.database.db, app.id, to)]);
    const missing = [!a ? from : null, !b ? to : null].filter((v) => v !== null);
    if (missing.length > 0) throw new AppError('not_found', `app ${name} has no version ${missing.join(' or ')} (versions 1 to ${app.current_version} exist)`);
    return { name, from, to, ...diffManifests(JSON.parse(a!.manifest), JSON.parse(b!.manifest)) };
  }

  /** Move an app along the lifecycle (catalog/lifecycle.ts); a disallowed move is a 409 naming both ends. */
  async transition(caller: Caller, name: string, to: AppStatus, reason?: string): Promise<TransitionResult> {
    return this.database.db.transaction().execute(async (tx) => {
      const app = await store.lockAppByName(tx, this.database.dialect, name);
      if (!app) throw appNotFound(name);
      const from = app.status as AppStatus;
      const check = checkTransition(from, to);
      if (!check.ok) throw catalogErrors.error('invalid_transition', check.message, { extra: { from, to, allowed: [...check.allowed] } });
      // Moves that are decisions belong to governance (its pipeline and review queue), so that
      // no path approves an app without its policy decision, checklist and separation of duties.
      if (isDecision(from, to)) {
        throw catalogErrors.error('invalid_transition', `moving ${name} from ${from} to ${to} is a decision: ${from === 'draft' ? 'submitting runs the admission policy' : 'it goes through the review queue (/api/v1/reviews)'}`, { extra: { from, to } });
      }
      const now = new Date().toISOString();
      // Compare-and-set: on SQLite two writers are already serialised, on PostgreSQL the row
      // is locked; this is the last line of defence against a lost update.
      const by = actorRef(caller.actor);
      if (!(await store.updateAppStatus(tx, app.id, from, to, now, by))) {
        throw new AppError('conflict', `app ${name} changed status while this request ran; retry`);
      }
      await this.recordTransition(tx, caller, { id: app.id, name }, now, { from, to, reason: reason ?? null, version: app.current_version, note: '', details: {} });
      return { name, from, to, by, app: toSummary({ ...app, status: to, updated_at: now }) };
    });
  }

  /**
   * In the caller's transaction: the apps a person owns (`user:<email>`), with their status, the
   * current version and the version in force, if any (the departed-owner cascade).
   */
  async appsOwnedBy(q: Queryable, owner: string): Promise<{ name: string; status: AppStatus; version: number; approvedVersion: number | null }[]> {
    return (await store.appsOwnedBy(q, canonicalOwner(owner))).map((r) => ({ name: r.name, status: r.status as AppStatus, version: Number(r.current_version), approvedVersion: r.approved_version === null ? null : Number(r.approved_version) }));
  }

  /**
   * In the caller's transaction: suspend an approved app (the departed-owner cascade), as a
   * direct move would, so the status listeners run (oauth disables its client). Returns false
   * when the app is not approved (nothing to suspend).
   */
  async suspendInTx(tx: Tx, caller: Caller, name: string, reason: string): Promise<boolean> {
    const app = await store.lockAppByName(tx, this.database.dialect, name);
    if (!app) throw appNotFound(name);
    if (app.status !== 'approved') return false;
    const now = new Date().toISOString();
    if (!(await store.updateAppStatus(tx, app.id, 'approved', 'suspended', now, actorRef(caller.actor)))) throw new AppError('conflict', `app ${name} changed status while this request ran; retry`);
    await this.recordTransition(tx, caller, { id: app.id, name }, now, { from: 'approved', to: 'suspended', reason, version: app.current_version, note: '', details: {} });
    return true;
  }

  /**
   * In the caller's transaction: give an app a new owner (an accepted ownership offer). Only
   * the app row's owner changes; the stored manifests keep the owner they were written with
   * until the new owner stores a version.
   */
  async changeOwnerInTx(tx: Tx, caller: Caller, name: string, newOwner: string): Promise<{ from: string; to: string }> {
    const app = await store.lockAppByName(tx, this.database.dialect, name);
    if (!app) throw appNotFound(name);
    const to = canonicalOwner(newOwner);
    const now = new Date().toISOString();
    await store.updateAppOwner(tx, app.id, to, now, actorRef(caller.actor));
    await this.audit.append(tx, {
      class: 'application_lifecycle',
      activity: 'update',
      action: 'app.owner_change',
      actor: caller.actor,
      resources: [{ type: 'app', id: name, name }],
      outcome: 'success',
      message: `app ${name}: owner ${app.owner} → ${to}`,
      details: { from: app.owner, to },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    });
    return { from: app.owner, to };
  }

  /** Status history of one app, oldest first. */
  async statusHistory(name: string): Promise<StatusChange[]> {
    const app = await this.appOrThrow(name);
    const rows = await store.listStatusChanges(this.database.db, app.id);
    return rows.map((r) => ({ from: r.from_status as AppStatus, to: r.to_status as AppStatus, reason: r.reason, at: r.changed_at, by: { id: r.changed_by, name: r.changed_by_name } }));
  }

  /**
   * Import a Backstage catalog-info.yaml: each Component becomes a draft app, each in its own
   * transaction, so one bad entity does not undo the others. Other kinds are skipped with a
   * reason; the result lists every entity in file order.
   */
  async importBackstage(caller: Caller, text: string): Promise<ImportResult> {
    const plan = planBackstageImport(text);
    if (plan.errors.length > 0) throw catalogErrors.error('manifest_invalid', 'the catalog file cannot be imported', { errors: plan.errors });
    const entities: ImportEntry[] = [];
    for (const entity of plan.entities) entities.push(await this.importEntity(caller, entity));
    const count = (s: ImportEntry['status']) => entities.filter((e) => e.status === s).length;
    return { imported: count('imported'), skipped: count('skipped'), failed: count('failed'), entities };
  }

  private async importEntity(caller: Caller, entity: EntityPlan): Promise<ImportEntry> {
    const base = { index: entity.index, kind: entity.kind, name: entity.name };
    if (entity.action === 'skip') return { ...base, status: 'skipped', reason: entity.reason };
    if (entity.action === 'fail') return { ...base, status: 'failed', reason: entity.reason, ...(entity.errors ? { errors: entity.errors } : {}) };
    const app = entity.manifest.metadata.name;
    const details = { source: 'backstage', entity_ref: entity.manifest.metadata.annotations?.['trellis.dev/backstage-entity-ref'] ?? null };
    try {
      await this.database.db.transaction().execute((tx) => this.registerInTx(tx, caller, entity.manifest, details));
    } catch (err) {
      if ((err instanceof AppError && err.code === 'conflict') || store.isUniqueViolation(err)) {
        return { ...base, status: 'skipped', app, reason: `an app named ${app} already exists` };
      }
      throw err;
    }
    return { ...base, status: 'imported', app, ...(entity.notes.length > 0 ? { reason: entity.notes.join('; ') } : {}) };
  }
}
