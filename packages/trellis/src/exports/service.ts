/**
 * The export gate (docs/exports.md): data an app sends out through one of its declared exports
 * is checked against the approved manifest and the destinations admins configured, inspected by
 * DLP, decided by `data.trellis.export`, and then blocked, held for review (sealed) or
 * delivered synchronously. Also the admins' destinations and the reviewers' quarantine queue.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { AuditLog, Actor, AuditInput } from '../audit/index.ts';
import type { KeyRing } from '../module.ts';
import type { PolicyService } from '../policy/index.ts';
import { loadManifestMachinery, type CatalogService, type Manifest } from '../catalog/index.ts';
import type { ConnectorService } from '../connectors/index.ts';
import { AppError } from '../errors.ts';
import { seal, unseal } from '../keys/index.ts';
import { dlpEngine } from '../dlp/index.ts';
import type { PatternDetector } from '@trellis/dlp';
import type { Resolver } from '../egress/index.ts';
import type { SecretService } from '../secrets/index.ts';
import { exportErrors } from './errors.ts';
import * as store from './store.ts';
import type { ExportDestinationRow, ExportQuarantineRow } from './rows.ts';
import { createDestinationSchema, type CreateDestination, type Destination, type QuarantineListQuery, type Quarantined, type SendResult } from './schema.ts';
import { exportInput, inspectFindings, type ExportPayload } from './inspect.ts';
import { deliver, DeliveryError, type DestinationSettings } from './deliver.ts';

export interface Caller {
  actor: Actor;
  srcIp?: string;
}


/** The person an app acts for, as the gateway knows them (or null for the app's own identity). */
export interface ExportSubject {
  id?: string;
  subject?: string;
  name?: string;
  clearance?: string;
  [attribute: string]: unknown;
}

export interface ExportApp {
  name: string;
  status: string;
  classification: string | null;
  owner?: string;
  /** The approved manifest's exports; read from the catalog when absent. */
  exports?: readonly { destination: string; target: string; fields: readonly string[] }[];
  /** Catalog tags of the app's bound fields by field name; read from the connectors when absent. */
  fieldTags?: ReadonlyMap<string, readonly string[]>;
}

export interface SendInput {
  app: ExportApp;
  subject: ExportSubject | null;
  destination: string;
  target: string;
  payload: ExportPayload;
  srcIp?: string;
}

export interface ExportOptions {
  /** Largest payload, as JSON bytes. Default 1 MiB. */
  maxPayloadBytes?: number;
  /** Delivery deadline. Default 10 s. */
  timeoutMs?: number;
  /** Largest receiver answer read. Default 64 KiB. */
  maxResponseBytes?: number;
  /** DNS client for receivers (tests). */
  resolver?: Resolver;
}

export interface ExportDeps {
  database: Database;
  audit: AuditLog;
  keys: KeyRing;
  policy: PolicyService;
  catalog: CatalogService;
  connectors: ConnectorService;
  detectors: { activeDetectors(): PatternDetector[] };
  secrets: Pick<SecretService, 'resolve' | 'exists'>;
}

const sealContext = (id: string) => `exports.quarantine/${id}`;
const newId = (prefix: string) => prefix + randomBytes(10).toString('hex');
/** Far beyond a delivery's deadline: a release marked running for longer was cut off. */
const staleReleaseMs = 5 * 60_000;

function settingsOf(body: CreateDestination): DestinationSettings {
  if (body.destination === 'email') return { kind: 'email', smtp: { host: body.smtp.host, port: body.smtp.port ?? 587, tls: body.smtp.tls ?? 'starttls', from: body.smtp.from } };
  if (body.destination === 'file') return { kind: 'file', directory: body.directory };
  return { kind: 'url', secret: body.secret, ...(body.allowHosts ? { allowHosts: body.allowHosts } : {}) };
}

function toDestination(r: ExportDestinationRow): Destination {
  const s = JSON.parse(r.settings) as DestinationSettings;
  return {
    id: r.id,
    destination: r.destination,
    target: r.target,
    ...(s.kind === 'url' ? { secret: s.secret, ...(s.allowHosts ? { allowHosts: s.allowHosts } : {}) } : s.kind === 'email' ? { smtp: s.smtp } : { directory: s.directory }),
    allowPrivateHost: r.allow_private_host === 1,
    description: r.description,
    created_at: r.created_at,
    created_by: r.created_by,
    updated_at: r.updated_at,
    updated_by: r.updated_by,
  };
}

function toQuarantined(r: ExportQuarantineRow): Quarantined {
  return {
    id: r.id,
    app: r.app,
    subject: r.subject,
    destination: r.destination,
    target: r.target,
    detected: JSON.parse(r.detected) as string[],
    messages: JSON.parse(r.messages) as string[],
    bytes: r.bytes,
    status: r.status as Quarantined['status'],
    created_at: r.created_at,
    decided_at: r.decided_at,
    decided_by: r.decided_by,
    reason: r.reason,
    delivery_id: r.delivery_id,
    last_error: r.last_error,
  };
}

export class ExportService {
  private readonly maxPayloadBytes: number;
  private readonly limits: { timeoutMs: number; maxResponseBytes: number; resolver?: Resolver };

  constructor(
    private readonly deps: ExportDeps,
    opts: ExportOptions = {},
  ) {
    this.maxPayloadBytes = opts.maxPayloadBytes ?? 1024 * 1024;
    this.limits = { timeoutMs: opts.timeoutMs ?? 10_000, maxResponseBytes: opts.maxResponseBytes ?? 64 * 1024, ...(opts.resolver ? { resolver: opts.resolver } : {}) };
  }

  private get sealKey(): Buffer {
    return this.deps.keys.derive('exports.quarantine');
  }

  // ---- destinations ----------------------------------------------------------------------

  async createDestination(caller: Caller, input: unknown): Promise<Destination> {
    const parsed = createDestinationSchema.safeParse(input);
    if (!parsed.success) throw new AppError('validation_failed', 'the export destination is not valid', { errors: parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'body', message: i.message })) });
    const body = parsed.data;
    if ('secret' in body && !(await this.deps.secrets.exists(body.secret))) {
      throw new AppError('validation_failed', `there is no secret ${body.secret}; store the receiver URL first (trellis secrets put ${body.secret} --file …)`, { errors: [{ path: 'secret', message: 'no such secret in the secret store' }] });
    }
    const now = new Date().toISOString();
    const row: ExportDestinationRow = {
      id: newId('exd_'),
      destination: body.destination,
      target: body.target,
      settings: JSON.stringify(settingsOf(body)),
      allow_private_host: body.allowPrivateHost ? 1 : 0,
      description: body.description ?? null,
      created_at: now,
      created_by: caller.actor.id,
      updated_at: now,
      updated_by: caller.actor.id,
    };
    try {
      await this.deps.database.db.transaction().execute(async (tx) => {
        await store.insertDestination(tx, row);
        await this.deps.audit.append(tx, this.destinationEvent(caller, 'create', row));
      });
    } catch (err) {
      if ((await loadManifestMachinery()).isUniqueViolation(err)) throw exportErrors.error('export_destination_exists', `${body.destination} ${body.target} already has a configured delivery; remove it first`, { errors: [{ path: 'target', message: 'already configured for this destination' }] });
      throw err;
    }
    return toDestination(row);
  }

  async listDestinations(): Promise<Destination[]> {
    return (await store.listDestinations(this.deps.database.db)).map(toDestination);
  }

  async getDestination(id: string): Promise<Destination> {
    const row = await store.getDestination(this.deps.database.db, id);
    if (!row) throw new AppError('not_found', `no export destination ${id}`);
    return toDestination(row);
  }

  async removeDestination(caller: Caller, id: string): Promise<void> {
    await this.deps.database.db.transaction().execute(async (tx) => {
      const row = await store.getDestination(tx, id);
      if (!row || !(await store.deleteDestination(tx, id))) throw new AppError('not_found', `no export destination ${id}`);
      await this.deps.audit.append(tx, this.destinationEvent(caller, 'delete', row));
    });
  }

  private destinationEvent(caller: Caller, activity: 'create' | 'delete', row: ExportDestinationRow): AuditInput {
    const s = JSON.parse(row.settings) as DestinationSettings;
    return {
      class: 'api_activity',
      activity,
      action: `export_destination.${activity}`,
      actor: caller.actor,
      resources: [{ type: 'export_destination', id: row.id, name: `${row.destination} ${row.target}` }],
      outcome: 'success',
      message: `export destination ${row.destination} ${row.target} ${activity === 'create' ? 'configured' : 'removed'}`,
      // The secret's name, the relay or the directory: where data goes, never a credential.
      details: { destination: row.destination, target: row.target, ...(s.kind === 'url' ? { secret: s.secret, ...(s.allowHosts ? { allow_hosts: s.allowHosts } : {}) } : s.kind === 'email' ? { smtp_host: s.smtp.host, smtp_port: s.smtp.port } : { directory: s.directory }), allow_private_host: row.allow_private_host === 1 },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    };
  }

  // ---- the gate --------------------------------------------------------------------------

  /**
   * One export. Resolves with the delivery (200) or the quarantine (202); throws
   * export_not_declared / export_destination_not_configured / export_too_large / export_blocked
   * (403 with the policy's messages) / export_delivery_failed (502).
   */
  async send(input: SendInput): Promise<SendResult> {
    const { app, destination, target, payload } = input;
    const actor = this.appActor(app, input.subject);
    const srcIp = input.srcIp ? { srcIp: input.srcIp } : {};
    if (payload.records === undefined && payload.text === undefined) throw new AppError('validation_failed', 'an export carries records, text or both', { errors: [{ path: 'payload', message: 'give records or text' }] });
    if (app.status === 'suspended' || app.status === 'retired') throw exportErrors.error('export_app_inactive', `app ${app.name} is ${app.status}; its exports are blocked`);
    const declared = await this.declared(app);
    const decl = declared.exports.find((e) => e.destination === destination && e.target === target);
    if (!decl) throw exportErrors.error('export_not_declared', `app ${app.name} declares no export to ${destination} ${target} in its approved manifest`, { errors: [{ path: 'target', message: `not among the app's declared ${destination} exports` }] });
    const bytes = Buffer.byteLength(JSON.stringify(payload));
    if (bytes > this.maxPayloadBytes) throw exportErrors.error('export_too_large', `the export payload is ${bytes} bytes; the limit is ${this.maxPayloadBytes}`, { errors: [{ path: 'payload', message: `at most ${this.maxPayloadBytes} bytes` }] });
    const configured = await store.destinationFor(this.deps.database.db, destination, target);
    if (!configured) throw exportErrors.error('export_destination_not_configured', `no delivery is configured for ${destination} ${target}; an admin adds one with trellis exports destinations add`);

    const dlp = await dlpEngine();
    const custom = this.deps.detectors.activeDetectors();
    const findings = dlp.scan({ ...(payload.records ? { records: payload.records } : {}), ...(payload.text !== undefined ? { text: payload.text } : {}) }, custom.length > 0 ? { extraDetectors: custom } : {});
    const inspection = inspectFindings(payload, findings, decl.fields, declared.fieldTags);
    const policyInput = exportInput(app, input.subject, destination, target, inspection);
    const resources = [{ type: 'app', id: app.name }, { type: 'export_destination', id: configured.id, name: `${destination} ${target}` }];
    const decision = await this.deps.policy.decideAndLog('export', policyInput, actor, resources);
    const facts = { app: app.name, destination, target, subject: input.subject?.subject ?? null, fields: inspection.fields, detected: inspection.detected, entities: inspection.entities, bytes, records: payload.records?.length ?? 0 };

    if (!decision.allow) {
      await this.deps.audit.record({ class: 'data_security_finding', activity: 'other', action: 'export.blocked', actor, resources, outcome: 'failure', message: `export by ${app.name} to ${destination} ${target} blocked`, details: { ...facts, messages: decision.deny }, ...srcIp });
      throw exportErrors.error('export_blocked', decision.deny.join('; '), { extra: { messages: decision.deny, detected: inspection.detected } });
    }
    const review = this.deps.policy.value('export', 'review', policyInput);
    if ('error' in review) {
      // A review rule that fails to evaluate holds nothing back silently: the export is refused.
      await this.deps.audit.record({ class: 'data_security_finding', activity: 'other', action: 'export.blocked', actor, resources, outcome: 'failure', message: `export by ${app.name} to ${destination} ${target} blocked`, details: { ...facts, messages: [review.error.message] }, ...srcIp });
      throw exportErrors.error('export_blocked', review.error.message, { extra: { messages: [review.error.message], detected: inspection.detected } });
    }
    const messages = Array.isArray(review.value) ? review.value.map(String) : [];
    if (messages.length > 0) return this.quarantine(input, actor, configured, inspection.detected, messages, bytes, facts);

    const deliveryId = newId('exp_');
    await this.deliverOrFail(configured, { id: deliveryId, app: app.name, destination, target, payload }, actor, resources, facts, input.subject?.subject, srcIp);
    return { outcome: 'delivered', delivery_id: deliveryId, messages: decision.warn, detected: inspection.detected };
  }

  private appActor(app: ExportApp, subject: ExportSubject | null): Actor {
    return { type: 'service', id: app.name, name: app.name, ...(subject?.subject ? { subject: subject.subject } : {}) };
  }

  /** The approved manifest's exports and the catalog tags of its bound fields. */
  private async declared(app: ExportApp): Promise<{ exports: NonNullable<ExportApp['exports']>; fieldTags: ReadonlyMap<string, readonly string[]> }> {
    if (app.exports && app.fieldTags) return { exports: app.exports, fieldTags: app.fieldTags };
    const detail = await this.deps.catalog.get(app.name);
    const manifest = (detail.approved_version === null ? null : detail.approved_version === detail.version ? detail.manifest : (await this.deps.catalog.version(app.name, detail.approved_version)).manifest) as Manifest | null;
    const exports = app.exports ?? manifest?.spec.exports ?? [];
    if (app.fieldTags) return { exports, fieldTags: app.fieldTags };
    const uses = manifest?.spec.connectors ?? [];
    const catalogs = await this.deps.connectors.catalogs(uses.map((c) => c.name));
    const tags = new Map<string, Set<string>>();
    for (const use of uses) {
      for (const r of use.resources) {
        const resource = catalogs.get(use.name)?.resources.find((x) => x.name === r.name);
        for (const f of resource?.fields ?? []) {
          if (!r.fields.includes(f.name)) continue;
          const set = tags.get(f.name) ?? new Set<string>();
          for (const t of f.tags) set.add(t);
          tags.set(f.name, set);
        }
      }
    }
    return { exports, fieldTags: new Map([...tags].map(([k, v]) => [k, [...v]])) };
  }

  private async deliverOrFail(row: ExportDestinationRow, d: { id: string; app: string; destination: string; target: string; payload: ExportPayload }, actor: Actor, resources: { type: string; id: string; name?: string }[], facts: Record<string, unknown>, subject: string | undefined, srcIp: { srcIp?: string }): Promise<{ location?: string }> {
    const settings = JSON.parse(row.settings) as DestinationSettings;
    const started = performance.now();
    const event = (outcome: 'success' | 'failure', extra: Record<string, unknown>): AuditInput => ({
      class: 'api_activity',
      activity: 'create',
      action: 'export.deliver',
      actor,
      resources,
      outcome,
      message: `export by ${d.app} to ${d.destination} ${d.target} ${outcome === 'success' ? 'delivered' : 'not delivered'}`,
      details: { ...facts, delivery_id: d.id, destination_id: row.id, duration_ms: Math.round(performance.now() - started), ...extra },
      ...srcIp,
    });
    let secretUsed: { name: string; version: number } | undefined;
    try {
      let url: string | undefined;
      if (settings.kind === 'url') {
        const s = await this.deps.secrets.resolve(settings.secret, { app: d.app, purpose: 'export', ...(subject ? { subject } : {}) });
        secretUsed = { name: s.name, version: s.version };
        url = s.value;
      }
      const where = await deliver({ ...d, settings, allowPrivateHost: row.allow_private_host === 1, ...(url !== undefined ? { url } : {}) }, this.limits);
      await this.deps.audit.record(event('success', { ...(secretUsed ? { secrets: [secretUsed] } : {}), ...(where.location ? { location: where.location } : {}) }));
      return where;
    } catch (err) {
      const reason = err instanceof DeliveryError ? err.message : err instanceof AppError ? `${err.code}: ${err.message}` : 'delivery failed';
      await this.deps.audit.record(event('failure', { error: reason, ...(secretUsed ? { secrets: [secretUsed] } : {}) }));
      throw exportErrors.error('export_delivery_failed', `the export was not delivered: ${reason}`, { extra: { delivery_id: d.id } });
    }
  }

  // ---- quarantine ------------------------------------------------------------------------

  private async quarantine(input: SendInput, actor: Actor, configured: ExportDestinationRow, detected: string[], messages: string[], bytes: number, facts: Record<string, unknown>): Promise<SendResult> {
    const id = newId('exq_');
    const row: ExportQuarantineRow = {
      id,
      app: input.app.name,
      subject: input.subject?.subject ?? null,
      destination: input.destination,
      target: input.target,
      payload_sealed: seal(this.sealKey, sealContext(id), JSON.stringify(input.payload)),
      detected: JSON.stringify(detected),
      messages: JSON.stringify(messages),
      bytes,
      status: 'held',
      created_at: new Date().toISOString(),
      decided_at: null,
      decided_by: null,
      reason: null,
      delivery_id: null,
      last_error: null,
    };
    await this.deps.database.db.transaction().execute(async (tx) => {
      await store.insertQuarantine(tx, row);
      await this.deps.audit.append(tx, {
        class: 'data_security_finding',
        activity: 'create',
        action: 'export.quarantined',
        actor,
        resources: [{ type: 'app', id: input.app.name }, { type: 'export_quarantine', id }, { type: 'export_destination', id: configured.id, name: `${input.destination} ${input.target}` }],
        outcome: 'failure',
        message: `export by ${input.app.name} to ${input.destination} ${input.target} held for review`,
        details: { ...facts, quarantine_id: id, messages },
        ...(input.srcIp ? { srcIp: input.srcIp } : {}),
      });
    });
    return { outcome: 'quarantined', quarantine_id: id, messages, detected };
  }

  async listQuarantine(query: QuarantineListQuery = {}): Promise<Quarantined[]> {
    return (await store.listQuarantine(this.deps.database.db, query.status, query.limit ?? 100)).map(toQuarantined);
  }

  async getQuarantine(id: string): Promise<Quarantined> {
    return toQuarantined(await this.quarantined(id));
  }

  private async quarantined(id: string): Promise<ExportQuarantineRow> {
    const row = await store.getQuarantine(this.deps.database.db, id);
    if (!row) throw new AppError('not_found', `no quarantined export ${id}`);
    return row;
  }

  /** Delivers a held export as it was sent; on failure it stays held (the error recorded). */
  async release(caller: Caller, id: string, reason: string): Promise<Quarantined> {
    const row = await this.quarantined(id);
    const started = new Date();
    const db = this.deps.database.db;
    // A release still marked as running long after any delivery could have ended was cut off (a
    // replica stopped): it may be taken over, by one reviewer only.
    const stale = row.status === 'releasing' && row.decided_at !== null && Date.parse(row.decided_at) < started.getTime() - staleReleaseMs;
    const claimed = stale ? await store.reclaimRelease(db, id, row.decided_at!, started.toISOString()) : await store.moveQuarantine(db, id, 'held', { status: 'releasing', decided_at: started.toISOString() });
    if (!claimed) throw exportErrors.error('export_quarantine_closed', `quarantined export ${id} is ${row.status === 'held' ? 'being released by someone else' : row.status}`);
    const deliveryId = newId('exp_');
    const resources = [{ type: 'app', id: row.app }, { type: 'export_quarantine', id }];
    try {
      const configured = await store.destinationFor(this.deps.database.db, row.destination, row.target);
      if (!configured) throw exportErrors.error('export_destination_not_configured', `no delivery is configured for ${row.destination} ${row.target} any more`);
      const payload = JSON.parse(unseal(this.sealKey, sealContext(id), row.payload_sealed!, 'quarantined payload')) as ExportPayload;
      const facts = { app: row.app, destination: row.destination, target: row.target, subject: row.subject, detected: JSON.parse(row.detected) as string[], bytes: row.bytes, records: payload.records?.length ?? 0, quarantine_id: id, released_by: caller.actor.id, reason };
      await this.deliverOrFail(configured, { id: deliveryId, app: row.app, destination: row.destination, target: row.target, payload }, caller.actor, resources, facts, row.subject ?? undefined, caller.srcIp ? { srcIp: caller.srcIp } : {});
    } catch (err) {
      // Back in the queue, whatever failed (delivery, a removed destination, a payload that does not open).
      await store.moveQuarantine(this.deps.database.db, id, 'releasing', { status: 'held', decided_at: null, last_error: err instanceof AppError ? err.message : 'the release failed' });
      throw err;
    }
    const now = new Date().toISOString();
    await this.deps.database.db.transaction().execute(async (tx) => {
      await store.moveQuarantine(tx, id, 'releasing', { status: 'released', payload_sealed: null, decided_at: now, decided_by: caller.actor.id, reason, delivery_id: deliveryId, last_error: null });
      await this.deps.audit.append(tx, this.reviewEvent(caller, row, 'export.release', reason, { delivery_id: deliveryId }));
    });
    return this.getQuarantine(id);
  }

  /** Drops a held export: the sealed payload is deleted, the record of it stays. */
  async discard(caller: Caller, id: string, reason: string): Promise<Quarantined> {
    const row = await this.quarantined(id);
    const now = new Date().toISOString();
    await this.deps.database.db.transaction().execute(async (tx) => {
      if (!(await store.moveQuarantine(tx, id, 'held', { status: 'discarded', payload_sealed: null, decided_at: now, decided_by: caller.actor.id, reason }))) throw exportErrors.error('export_quarantine_closed', `quarantined export ${id} is ${row.status}`);
      await this.deps.audit.append(tx, this.reviewEvent(caller, row, 'export.discard', reason, {}));
    });
    return this.getQuarantine(id);
  }

  private reviewEvent(caller: Caller, row: ExportQuarantineRow, action: string, reason: string, extra: Record<string, unknown>): AuditInput {
    return {
      class: 'data_security_finding',
      activity: 'update',
      action,
      actor: caller.actor,
      resources: [{ type: 'app', id: row.app }, { type: 'export_quarantine', id: row.id }],
      outcome: 'success',
      message: `quarantined export ${row.id} by ${row.app} to ${row.destination} ${row.target} ${action === 'export.release' ? 'released' : 'discarded'}`,
      details: { quarantine_id: row.id, app: row.app, destination: row.destination, target: row.target, detected: JSON.parse(row.detected) as string[], reason, ...extra },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    };
  }
}
