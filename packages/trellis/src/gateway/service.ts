/**
 * The data gateway's pipeline for one call of an app (docs/gateway.md): token (in memory) →
 * the app's approved grants (in memory) → connector and resource → the manifest's own limits
 * (the query compiler) → policy `data.trellis.gateway` → quota → the upstream (postgres on a
 * leased or static pool; http through egress with the credential injected) → DLP by the
 * policy's transform actions → counted and audited (batched, OCSF 6005 / 6003). Refusals are
 * problem documents and audited too; nothing here reads Trellis' own database per call.
 */
import { z } from 'zod';
import type { Services } from '../module.ts';
import { stampTrace, type AuditInput } from '../audit/index.ts';
import { SpanKind } from '../observability/index.ts';
import type { Decision } from '../policy/index.ts';
import { AggregatedAudit } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import type { ConnectorCatalog, HttpConnection, PostgresConnection } from '../connectors/index.ts';
import { dlpEngine } from '../dlp/index.ts';
import type { TableGrant, PgTarget } from '../leases/index.ts';
import { compileDelete, compileInsert, compileSelect, compileUpdate, deleteRequestSchema, insertRequestSchema, parseRequest, queryErrorFromPg, queryRequestSchema, updateRequestSchema, type CompiledSelect, type CompiledStatement, type QueryContext } from './query/index.ts';
import { put, transformRecords, type TransformActions } from './transform.ts';
import { AppCache, type AppState, type ResourceGrant } from './apps.ts';
import { gatewayErrors } from './errors.ts';
import { Quotas, type QuotaLimits, type QuotaOverride } from './quotas.ts';
import { PgRunner, pgTargetOf, tableGrantsOf } from './upstream-pg.ts';
import { HttpCaller, matchTemplate } from './upstream-http.ts';
import * as store from './store.ts';
import { notifyFollowers } from '../db/follow.ts';
import { quotaChannel } from './quotas.ts';
import { EgressError, type Resolver } from '../egress/index.ts';

/** The claims of a verified access token, as the oauth service gives them. */
type AccessTokenClaims = Extract<Awaited<ReturnType<Services['oauth']['verify']>>, { claims: unknown }>['claims'];

export interface GatewaySettings {
  quotas: QuotaLimits;
  statementTimeoutMs: number;
  /** Largest response the gateway returns from a postgres read, in bytes of JSON. */
  maxResponseBytes: number;
  quotaFlushMs: number;
  /** How long call events wait to be written together (they are written at shutdown too). */
  auditFlushMs: number;
  appPollMs: number;
  connectorPollMs: number;
  /** Tests: a DNS server on loopback; extra CAs for https upstreams. */
  resolver?: Resolver;
  ca?: string | readonly string[];
}

/** What the route hands over of one request. */
export interface CallRequest {
  authorization: string | undefined;
  dpop: string | string[] | undefined;
  method: string;
  /** The absolute URL the client called (DPoP's htu). */
  url: string;
  srcIp: string;
}

export type Operation = 'read' | 'write';
type PgOp = 'query' | 'insert' | 'update' | 'delete';

interface Caller {
  app: AppState;
  clientId: string;
  subject: string | undefined;
  attributes: Readonly<Record<string, unknown>> | null;
  jti: string;
}

interface ConnectorEntry {
  catalog: ConnectorCatalog;
  target?: PgTarget;
  /** Per app: the leased role's grants, stable so leases can cache by identity. */
  grants: Map<string, { version: number | null; grants: TableGrant[] }>;
}

/** The audit facts of one call, filled as the pipeline goes. */
interface CallFacts {
  started: number;
  op: PgOp | 'http' | 'export';
  connector: string;
  resource?: string;
  app?: string;
  clientId?: string;
  subject?: string;
  fields?: string[];
  records?: number;
  bytes?: number;
  decision?: 'allow' | 'deny';
  secrets?: { name: string; version: number }[];
  lease?: string;
  method?: string;
  upstreamStatus?: number;
  transformed?: Record<string, string>;
  findings?: Record<string, number>;
}

export interface GatewayResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * Call events written in one transaction at most. Small batches, written often (auditFlushMs):
 * building, MACing and chaining events is synchronous, and one large batch every 250 ms held up
 * every call in flight for tens of milliseconds (the gateway's p99).
 */
const auditChunk = 32;
/** Call events held unwritten while the trail fails, beyond which calls are refused. */
const maxUnwrittenAudit = 10_000;
const jsonType = { 'content-type': 'application/json; charset=utf-8' } as const;
const activityOf: Record<CallFacts['op'], AuditInput['activity']> = { query: 'read', insert: 'create', update: 'update', delete: 'delete', http: 'other', export: 'other' };
const httpActivity: Record<string, AuditInput['activity']> = { GET: 'read', HEAD: 'read', POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' };

/** The Authorization header as scheme and token; undefined when absent or malformed. */
export function parseAuthorization(header: string | undefined): { scheme: 'Bearer' | 'DPoP'; token: string } | undefined {
  const m = /^(Bearer|DPoP)\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  return { scheme: m[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', token: m[2]! };
}

/** WWW-Authenticate for a refusal (RFC 6750 / RFC 9449), naming both schemes the gateway accepts. */
export function challenge(error: 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof' | undefined, description: string, scope?: string): string {
  const attrs = [`realm="trellis-gateway"`, ...(error ? [`error="${error}"`, `error_description="${description.replace(/["\\]/g, '')}"`] : []), ...(scope ? [`scope="${scope}"`] : [])].join(', ');
  return `Bearer ${attrs}, DPoP algs="ES256 EdDSA RS256 PS256", ${attrs}`;
}

export class GatewayService {
  readonly apps: AppCache;
  readonly quotas: Quotas;
  private readonly pg: PgRunner;
  private readonly http: HttpCaller;
  private readonly refusals: AggregatedAudit;
  private connectors = new Map<string, ConnectorEntry>();
  /** The last read made for a call naming a connector this replica had not seen (`readOnMiss`). */
  private missRead: { at: number; done: Promise<void> } | undefined;
  private connectorTimer: NodeJS.Timeout | undefined;
  private readonly cursorKey: Buffer;
  private dlp: Awaited<ReturnType<typeof dlpEngine>> | undefined;
  private readonly inflightAudit = new Set<Promise<unknown>>();
  /** Call events waiting to be written: one audit transaction per interval, not per call. */
  private auditQueue: AuditInput[] = [];
  /** Call events waiting for their batch (observability's metrics). */
  get queuedAuditEvents(): number {
    return this.auditQueue.length;
  }
  private auditTimer: NodeJS.Timeout | undefined;
  /** Why the last call-event batch could not be written, until one is; with the retry delay. */
  private auditFailure: { message: string; retryMs: number } | undefined;
  /** Signature-checked tokens (not DPoP-bound), by token: a hit re-checks expiry and revocation only. */
  private readonly verified = new Map<string, { claims: AccessTokenClaims; audience: string }>();
  /** The policy's transform actions by everything they depend on (the bundle digest included). */
  private readonly transforms = new Map<string, TransformActions>();
  private dlpKeys: { hash: Buffer; tokenize: Buffer } | undefined;
  /** Gateway decisions of the current second under the bundle in force, by input (see decision()). */
  private readonly decisions = new Map<string, Decision>();
  private decisionsOf: { bundle: unknown; time: string } = { bundle: undefined, time: '' };

  constructor(
    private readonly services: Services,
    private readonly settings: GatewaySettings,
  ) {
    const warn = (m: string) => console.warn(m);
    this.apps = new AppCache(services.catalog, { pollIntervalMs: settings.appPollMs, warn });
    this.quotas = new Quotas(services.database, settings.quotas, { flushIntervalMs: settings.quotaFlushMs, warn });
    const secrets = () => (services as Partial<Services>).secrets;
    this.pg = new PgRunner({ leases: () => (services as Partial<Services>).leases, secrets }, { statementTimeoutMs: settings.statementTimeoutMs });
    this.http = new HttpCaller({ secrets, ...(settings.resolver ? { resolver: settings.resolver } : {}), ...(settings.ca ? { ca: settings.ca } : {}) });
    this.refusals = new AggregatedAudit(services.audit, services.database);
    this.cursorKey = services.keys.derive('gateway.cursor');
  }

  async start(): Promise<void> {
    this.dlp = await dlpEngine();
    await this.refreshConnectors();
    await this.apps.start();
    await this.quotas.start();
    this.connectorTimer = setInterval(() => void this.refreshConnectors().catch((e: unknown) => console.warn(`gateway: reading connectors failed: ${(e as Error).message}`)), this.settings.connectorPollMs);
    this.connectorTimer.unref();
    (this.services as Partial<Services>).secrets?.onChange((name) => {
      this.pg.secretChanged(name);
      this.http.secretChanged(name);
    });
  }

  async stop(): Promise<void> {
    if (this.connectorTimer) clearInterval(this.connectorTimer);
    this.apps.stop();
    this.verified.clear();
    await this.quotas.stop();
    await this.flushAudit();
    await this.refusals.flush().catch(() => {});
    await this.pg.close();
  }

  /** Write the queued call events now and wait for every event of finished calls (tests, shutdown). */
  async flushAudit(): Promise<void> {
    this.writeQueued();
    await Promise.allSettled([...this.inflightAudit]);
  }

  private writeQueued(): void {
    if (this.auditTimer) clearTimeout(this.auditTimer);
    this.auditTimer = undefined;
    const batch = this.auditQueue;
    this.auditQueue = [];
    if (batch.length === 0) return;
    // One write and one promise per batch, not a promise (and its bookkeeping) per event.
    this.track(
      this.services.audit.appendDetached(batch).then(
        () => {
          this.auditFailure = undefined;
        },
        (err: unknown) => this.requeue(batch, err),
      ),
    );
  }

  /**
   * A batch the trail could not take (a full disk, a database away) goes back to the front of
   * the queue and is retried with backoff: a call's event is never dropped. While the trail is
   * failing and the queue is long, calls are refused (`audited`): serving data that cannot be
   * audited is what the gateway exists to prevent.
   */
  private requeue(batch: AuditInput[], err: unknown): void {
    const retryMs = Math.min(10_000, (this.auditFailure?.retryMs ?? 125) * 2);
    this.auditFailure = { message: err instanceof Error ? err.message : String(err), retryMs };
    this.auditQueue = batch.concat(this.auditQueue);
    console.warn(`gateway: writing ${batch.length} call events failed (${this.auditFailure.message}); retrying in ${retryMs} ms`);
    if (this.auditTimer) clearTimeout(this.auditTimer);
    this.auditTimer = setTimeout(() => this.writeQueued(), retryMs);
    this.auditTimer.unref();
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((e: unknown) => console.warn(`gateway: audit failed: ${(e as Error).message}`));
    this.inflightAudit.add(q);
    void q.finally(() => this.inflightAudit.delete(q));
  }

  /**
   * A connector the app is granted but this replica has not seen was probably applied since the
   * last poll: read them all again at once. At most once a second, so calls naming unknown
   * connectors cannot turn into a read each; concurrent calls share the read. The poll does not
   * count: its last read may have begun before the connector was applied, and a call a moment
   * later was refused as if the connector did not exist (a flaky browser test found it).
   */
  private readOnMiss(): Promise<void> {
    const now = Date.now();
    if (!this.missRead || now - this.missRead.at > 1000) this.missRead = { at: now, done: this.refreshConnectors().catch(() => undefined) };
    return this.missRead.done;
  }

  /** Connector catalogs and connections, followed by polling (connector changes are rare). */
  async refreshConnectors(): Promise<void> {
    const all = await this.services.connectors.allCatalogs();
    const next = new Map<string, ConnectorEntry>();
    for (const [name, catalog] of all) {
      const old = this.connectors.get(name);
      if (old && old.catalog.version === catalog.version && old.catalog.status === catalog.status) next.set(name, old);
      else next.set(name, { catalog, ...(catalog.connection?.type === 'postgres' ? { target: pgTargetOf(name, catalog.connection) } : {}), grants: new Map() });
    }
    this.connectors = next;
  }

  // ---- the pipeline's steps -------------------------------------------------------------

  private record(kind: string | undefined, input: AuditInput): void {
    if (kind) return this.track(this.refusals.record(kind, input));
    // Written in a later batch: the event keeps this call's trace, not the batch's.
    this.auditQueue.push(stampTrace(input));
    // While the trail is failing, events wait for the retry `requeue` scheduled.
    if (this.auditFailure) return;
    if (this.auditQueue.length >= auditChunk) this.writeQueued();
    else if (!this.auditTimer) {
      this.auditTimer = setTimeout(() => this.writeQueued(), this.settings.auditFlushMs);
      this.auditTimer.unref();
    }
  }

  private audit(facts: CallFacts, req: CallRequest, outcome: 'success' | 'failure', err?: AppError): void {
    const datastore = facts.op !== 'http' && facts.op !== 'export';
    const activity = facts.op === 'http' ? (httpActivity[facts.method ?? ''] ?? 'other') : activityOf[facts.op];
    const target = `${facts.connector}${facts.resource ? `.${facts.resource}` : ''}`;
    const input: AuditInput = {
      class: datastore ? 'datastore_activity' : 'api_activity',
      activity,
      action: `gateway.${facts.op}`,
      actor: facts.clientId ? { type: 'service', id: facts.clientId, ...(facts.app ? { name: facts.app } : {}), ...(facts.subject ? { subject: facts.subject } : {}) } : { type: 'service', id: 'unknown' },
      // The connector stays first (search by resource keeps finding it); the app, when known,
      // comes after, so "every event about app X" (audit's app column) includes its calls.
      resources: [
        { type: facts.op === 'export' ? 'export_destination' : 'connector', id: facts.connector, name: facts.connector },
        ...(facts.resource ? [{ type: 'resource', id: target, name: facts.resource }] : []),
        ...(facts.app ? [{ type: 'app', id: facts.app, name: facts.app }] : []),
      ],
      outcome,
      message: err ? `${facts.app ?? 'a caller'}: ${facts.op} of ${target} refused: ${err.message}` : `${facts.app}: ${facts.op} of ${target}${facts.records !== undefined ? `, ${facts.records} record${facts.records === 1 ? '' : 's'}` : ''}`,
      details: {
        ...(facts.app ? { app: facts.app } : {}),
        ...(facts.subject ? { subject: facts.subject } : {}),
        connector: facts.connector,
        ...(facts.resource ? { resource: facts.resource } : {}),
        ...(facts.method ? { method: facts.method } : {}),
        ...(facts.fields ? { fields: facts.fields } : {}),
        ...(facts.records !== undefined ? { records: facts.records } : {}),
        ...(facts.bytes !== undefined ? { bytes: facts.bytes } : {}),
        ...(facts.decision ? { decision: facts.decision } : {}),
        ...(facts.secrets?.length ? { secrets: facts.secrets } : {}),
        ...(facts.lease ? { lease: facts.lease } : {}),
        ...(facts.upstreamStatus !== undefined ? { upstream_status: facts.upstreamStatus } : {}),
        ...(facts.transformed && Object.keys(facts.transformed).length > 0 ? { transformed: facts.transformed } : {}),
        ...(facts.findings && Object.keys(facts.findings).length > 0 ? { findings: facts.findings } : {}),
        ...(err ? { code: err.code, status: err.status } : {}),
        // Egress's own account (the address refused, the one that did not answer) is for the trail only.
        ...(err?.cause instanceof EgressError ? { upstream_error: err.cause.code, upstream_detail: err.cause.message } : {}),
        latency_ms: Math.round((performance.now() - facts.started) * 1000) / 1000,
      },
      srcIp: req.srcIp,
      time: new Date(),
    };
    // A flood of bad tokens is aggregated; every call of a known app is recorded on its own.
    this.record(err && !facts.app ? `gateway|${err.code}|${req.srcIp}` : undefined, input);
  }

  /** Verify the token for this connector and scope; resolve the app in force. */
  private async authenticate(req: CallRequest, facts: CallFacts, scope: string): Promise<Caller> {
    const auth = parseAuthorization(req.authorization);
    if (!auth) throw gatewayErrors.error('gateway_token_invalid', 'an access token is required: Authorization: Bearer <token> (or DPoP <token> with a DPoP proof)', { extra: { www_authenticate: challenge(undefined, '') } });
    const dpop = Array.isArray(req.dpop) ? undefined : req.dpop;
    if (Array.isArray(req.dpop)) throw gatewayErrors.error('gateway_token_invalid', 'exactly one DPoP header is allowed', { extra: { www_authenticate: challenge('invalid_dpop_proof', 'exactly one DPoP header is allowed') } });
    const audience = `trellis:connector:${facts.connector}`;
    const opts = { audience, srcIp: req.srcIp, ...(auth.scheme === 'DPoP' || dpop ? { dpop: { proof: dpop, method: req.method, url: req.url } } : {}) };
    const r = this.recheck(auth.token, audience) ?? (await this.services.oauth.verify(auth.token, opts));
    if (!('error' in r) && !r.claims.cnf) this.remember(auth.token, audience, r.claims);
    if ('error' in r) {
      const error = r.error === 'invalid_dpop_proof' ? 'invalid_dpop_proof' : 'invalid_token';
      throw gatewayErrors.error('gateway_token_invalid', `the access token is not valid for connector ${facts.connector}: ${r.reason}`, { extra: { www_authenticate: challenge(error, r.reason) } });
    }
    const c = r.claims;
    if (c.cnf && auth.scheme !== 'DPoP') throw gatewayErrors.error('gateway_token_invalid', 'this token is bound to a key: send it as Authorization: DPoP with a proof', { extra: { www_authenticate: challenge('invalid_token', 'DPoP-bound token sent as Bearer') } });
    facts.clientId = c.client_id;
    facts.app = c.app;
    if (c.subject) facts.subject = c.subject;
    if (!c.scope.split(' ').includes(scope)) {
      throw gatewayErrors.error('gateway_scope_insufficient', `the token does not carry scope ${scope}`, { extra: { www_authenticate: challenge('insufficient_scope', `needs ${scope}`, scope), required_scope: scope } });
    }
    const app = await this.apps.get(c.app);
    if (!app || app.version === null) throw gatewayErrors.error('gateway_app_inactive', `app ${c.app} has no approved version in force`);
    if (app.status === 'suspended' || app.status === 'retired') throw gatewayErrors.error('gateway_app_inactive', `app ${c.app} is ${app.status}; its calls are refused`);
    const attributes = c.subject ? this.services.tokens.attributesOf(c.subject) : null;
    return { app, clientId: c.client_id, subject: c.subject, attributes, jti: c.jti };
  }

  /**
   * A token this replica verified before, for the same audience: its signature, issuer and
   * audience stand, so only what can change is checked again — expiry and the revocation feed
   * (token, client, app, person), exactly as the verifier checks them. DPoP-bound tokens are
   * never remembered: each call brings a new proof.
   */
  private recheck(token: string, audience: string): { claims: AccessTokenClaims; kid: string } | undefined {
    const hit = this.verified.get(token);
    if (!hit || hit.audience !== audience) return undefined;
    const c = hit.claims;
    const issued = c.iat * 1000;
    const r = this.services.revocations;
    if (c.exp * 1000 <= Date.now() || r.isRevoked('access_token', c.jti) || r.isRevoked('client', c.client_id, issued) || r.isRevoked('app', c.app, issued) || (c.subject !== undefined && r.isRevoked('subject', c.subject, issued))) {
      this.verified.delete(token);
      return undefined;
    }
    return { claims: c, kid: '' };
  }

  private remember(token: string, audience: string, claims: AccessTokenClaims): void {
    if (this.verified.has(token)) return;
    if (this.verified.size >= 20_000) this.verified.clear();
    this.verified.set(token, { claims, audience });
  }

  /** The connector as the app may use it, and the granted resource. */
  private async bound(caller: Caller, facts: CallFacts, resource: string | undefined): Promise<{ entry: ConnectorEntry; grant?: ResourceGrant; resource?: ConnectorCatalog['resources'][number] }> {
    if (!this.connectors.has(facts.connector) && caller.app.grants.has(facts.connector)) await this.readOnMiss();
    const entry = this.connectors.get(facts.connector);
    const grants = caller.app.grants.get(facts.connector);
    if (!entry || !grants || entry.catalog.status !== 'active') throw gatewayErrors.error('gateway_connector_unknown', `app ${caller.app.name} binds no connector ${facts.connector} in its approved version${entry && entry.catalog.status !== 'active' ? ' (the connector is retired)' : ''}`);
    if (resource === undefined) return { entry };
    const grant = grants.get(resource);
    const res = entry.catalog.resources.find((r) => r.name === resource);
    if (!grant || !res) throw gatewayErrors.error('gateway_resource_unknown', `app ${caller.app.name} has no approved access to resource ${resource} of connector ${facts.connector}`);
    return { entry, grant, resource: res };
  }

  private decide(caller: Caller, facts: CallFacts, req: CallRequest, operation: Operation, fieldCatalog: readonly { name: string; tags: readonly string[] }[], fields: readonly string[], extra: Record<string, unknown> = {}): TransformActions {
    const fieldTags: Record<string, string[]> = {};
    const tags = new Set<string>();
    for (const f of fields) {
      const t = fieldCatalog.find((x) => x.name === f)?.tags ?? [];
      fieldTags[f] = [...t];
      for (const x of t) tags.add(x);
    }
    const a = caller.app;
    const input = {
      app: { name: a.name, owner: a.owner, classification: a.classification, status: a.status, version: a.version },
      subject: caller.subject ? { ...(caller.attributes ?? {}), subject: caller.subject } : null,
      connector: facts.connector,
      operation,
      resource: facts.resource ?? null,
      fields: [...fields],
      tags: [...tags].sort(),
      field_tags: fieldTags,
      // Whole seconds: calls of the same shape within a second share one evaluation (below).
      time: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
      client_ip: req.srcIp,
      ...extra,
    };
    const decision = this.decision(input);
    facts.decision = decision.allow ? 'allow' : 'deny';
    if (!decision.allow) {
      const messages = decision.deny.length > 0 ? decision.deny : [decision.error?.message ?? 'the gateway policy could not be evaluated'];
      throw gatewayErrors.error('gateway_policy_denied', messages.join('; '), { extra: { messages } });
    }
    if (operation !== 'read') return {};
    // The actions depend on the bundle, the app, the person and the fields — not on the time or
    // address of the call — so one evaluation serves every call of the same shape.
    const key = JSON.stringify([decision.bundle.digest, input.app, input.subject, facts.connector, input.resource, input.fields, fieldTags]);
    const hit = this.transforms.get(key);
    if (hit) return hit;
    const t = this.services.policy.value('gateway', 'transform', input);
    if ('error' in t) throw gatewayErrors.error('gateway_policy_denied', `the gateway policy's transform could not be evaluated, so nothing is returned (${t.error.message})`);
    const actions = t.value && typeof t.value === 'object' ? (t.value as TransformActions) : {};
    if (this.transforms.size >= 10_000) this.transforms.clear();
    this.transforms.set(key, actions);
    return actions;
  }

  /**
   * `data.trellis.gateway` for this input, evaluated once per distinct input and second. The key
   * is the whole input (its time is whole seconds, its client address included) under the bundle
   * in force, so a cached answer is the one an evaluation would give now; a new bundle or a new
   * second starts afresh. A decision that failed (a limit, an error) is never kept.
   */
  private decision(input: { time: string }): Pick<Decision, 'allow' | 'deny' | 'error' | 'bundle'> {
    const bundle = this.services.policy.active();
    if (bundle !== this.decisionsOf.bundle || input.time !== this.decisionsOf.time || this.decisions.size >= 10_000) {
      this.decisions.clear();
      this.decisionsOf = { bundle, time: input.time };
    }
    const key = JSON.stringify(input);
    const hit = this.decisions.get(key);
    if (hit) return hit;
    const decision = bundle ? this.services.policy.decide('gateway', input, bundle) : this.services.policy.decide('gateway', input);
    if (!decision.error) this.decisions.set(key, decision);
    return decision;
  }

  private transform(rows: Record<string, unknown>[], fieldCatalog: ConnectorCatalog['resources'][number]['fields'], actions: TransformActions, facts: CallFacts) {
    const keys = (this.dlpKeys ??= { hash: this.services.keys.derive('dlp.hash'), tokenize: this.services.keys.derive('dlp.tokenize') });
    const out = transformRecords(rows, fieldCatalog, actions, { dlp: this.dlp!, keys, detectors: this.services.detectors.activeDetectors() });
    facts.transformed = out.summary.fields;
    facts.findings = out.summary.findings;
    this.services.metrics.dlpScan('gateway', out.summary.bytes, out.summary.findings);
    return out;
  }

  /** Run a step and audit its outcome whatever it is. */
  private async audited<T>(facts: CallFacts, req: CallRequest, fn: () => Promise<T>): Promise<T> {
    if (this.auditFailure && this.auditQueue.length >= maxUnwrittenAudit) {
      throw gatewayErrors.error('gateway_unavailable', `the gateway cannot write its audit trail (${this.auditFailure.message}); calls are refused until it can`);
    }
    try {
      const r = await fn();
      this.audit(facts, req, 'success');
      this.measure(facts, 'success');
      return r;
    } catch (err) {
      const e = err instanceof AppError ? err : this.internal(err, facts);
      this.audit(facts, req, 'failure', e);
      this.measure(facts, 'failure');
      throw e;
    }
  }

  /** A call's metric; the connector label only for connectors that exist (the name comes from the URL). */
  private measure(facts: CallFacts, outcome: 'success' | 'failure'): void {
    this.services.metrics.gatewayCall(this.connectors.has(facts.connector) ? facts.connector : 'unknown', facts.op, outcome, (performance.now() - facts.started) / 1000);
  }

  /** The upstream step of a call (a statement, an HTTP request) in a client span, timed. */
  private async upstream<T>(facts: CallFacts, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await this.services.tracing.span(`gateway.upstream ${facts.op}`, fn, { 'trellis.connector': facts.connector }, SpanKind.CLIENT);
    } finally {
      this.services.metrics.gatewayUpstream(facts.connector, facts.op, (performance.now() - started) / 1000);
    }
  }

  private internal(err: unknown, facts: CallFacts): AppError {
    const fromPg = queryErrorFromPg(err);
    if (fromPg) return fromPg;
    const code = (err as { code?: string }).code;
    // PostgreSQL: 57014 statement timeout; pg: a client-side query timeout.
    if (code === '57014' || /query read timeout/i.test((err as Error).message ?? '')) return gatewayErrors.error('gateway_upstream_timeout', `connector ${facts.connector}: the database did not answer in time`);
    if (code && /^(08|28|42|53|57|58|3D)/.test(code)) return gatewayErrors.error('gateway_upstream_failed', `connector ${facts.connector}: the database refused the statement (SQLSTATE ${code})`, { extra: { sqlstate: code } });
    if (code && /^(ECONN|ENOTFOUND|EHOST|ETIMEDOUT|EAI_)/.test(code)) return gatewayErrors.error('gateway_upstream_failed', `connector ${facts.connector}: the database could not be reached`);
    if (err instanceof AppError) return err;
    if (err instanceof Error && /egress|not available|leases module|secret store/.test(err.message)) return gatewayErrors.error('gateway_unavailable', `connector ${facts.connector}: ${err.message}`);
    return gatewayErrors.error('gateway_upstream_failed', `connector ${facts.connector}: the call failed`);
  }

  // ---- postgres -------------------------------------------------------------------------

  async postgres(req: CallRequest, connector: string, resource: string, op: PgOp, body: unknown): Promise<GatewayResponse> {
    const facts: CallFacts = { started: performance.now(), op, connector, resource };
    return this.audited(facts, req, async () => {
      const operation: Operation = op === 'query' ? 'read' : 'write';
      const caller = await this.authenticate(req, facts, `${connector}:${operation}`);
      const { entry, grant, resource: res } = await this.bound(caller, facts, resource);
      const conn = entry.catalog.connection;
      if (entry.catalog.type !== 'postgres') throw gatewayErrors.error('gateway_resource_unknown', `connector ${connector} is an http connector: call it under /gw/v1/${connector}/http/…`);
      if (!conn || conn.type !== 'postgres') throw gatewayErrors.error('connector_not_connected', `connector ${connector} has no connection settings (spec.connection); it is catalog-only`);
      const ctx: QueryContext = {
        resource: { name: res!.name, schema: conn.schema, fields: res!.fields, ...(res!.key ? { key: res!.key } : {}) },
        grant: grant!,
        subject: caller.attributes && caller.subject ? caller.attributes : null,
        cursorKey: this.cursorKey,
      };
      const compiled: CompiledStatement & Partial<Pick<CompiledSelect, 'page'>> =
        op === 'query'
          ? compileSelect(parseRequest(queryRequestSchema, body), ctx)
          : op === 'insert'
            ? compileInsert(parseRequest(insertRequestSchema, body), ctx)
            : op === 'update'
              ? compileUpdate(parseRequest(updateRequestSchema, body), ctx)
              : compileDelete(parseRequest(deleteRequestSchema, body), ctx);
      facts.fields = compiled.fields;
      const writeFields = op === 'insert' || op === 'update' ? Object.keys(((body as { rows?: Record<string, unknown>[]; set?: Record<string, unknown> }).set ?? (body as { rows: Record<string, unknown>[] }).rows[0]) ?? {}) : [];
      const actions = this.decide(caller, facts, req, operation, res!.fields, [...new Set([...compiled.fields, ...writeFields])]);
      this.quotas.admit(caller.app.name);
      const grants = this.leaseGrants(entry, caller.app);
      const ran = await this.upstream(facts, () => this.pg.run(caller.app.name, connector, conn as PostgresConnection, entry.target!, grants, compiled));
      facts.secrets = ran.secrets;
      if (ran.lease) facts.lease = ran.lease;
      const rows = compiled.page ? compiled.page(ran.rows) : { rows: ran.rows, nextCursor: null, hasMore: false };
      const out = rows.rows.length > 0 ? this.transform(rows.rows, res!.fields, op === 'query' ? actions : await this.readActions(caller, facts, req, res!.fields, compiled.fields), facts) : { rows: [], json: '[]', summary: { bytes: 2 } };
      if (out.summary.bytes > this.settings.maxResponseBytes) throw gatewayErrors.error('gateway_upstream_failed', `the page is ${out.summary.bytes} bytes, more than the gateway returns (${this.settings.maxResponseBytes}); ask for fewer rows or fields`);
      facts.records = op === 'query' ? out.rows.length : ran.rowCount;
      facts.bytes = out.summary.bytes;
      this.quotas.count(caller.app.name, facts.records, facts.bytes);
      // The rows were serialised once, by the transform (which counted their bytes); the answer is built around that text.
      const result = op === 'query' ? `{"rows":${out.json},"next_cursor":${JSON.stringify(rows.nextCursor)},"has_more":${rows.hasMore}}` : `{"count":${ran.rowCount}${compiled.fields.length > 0 ? `,"rows":${out.json}` : ''}}`;
      return { status: op === 'insert' ? 201 : 200, body: result, headers: jsonType };
    });
  }

  /** Written rows returned to the caller are read data: the read decision's transform applies. */
  private async readActions(caller: Caller, facts: CallFacts, req: CallRequest, fieldCatalog: ConnectorCatalog['resources'][number]['fields'], fields: readonly string[]): Promise<TransformActions> {
    return this.decide(caller, { ...facts }, req, 'read', fieldCatalog, fields);
  }

  private leaseGrants(entry: ConnectorEntry, app: AppState): TableGrant[] {
    const hit = entry.grants.get(app.name);
    if (hit && hit.version === app.version && hit.grants) return hit.grants;
    const granted = app.grants.get(entry.catalog.name) ?? new Map<string, ResourceGrant>();
    const grants = tableGrantsOf(granted.values(), (r) => entry.catalog.resources.find((x) => x.name === r));
    entry.grants.set(app.name, { version: app.version, grants });
    return grants;
  }

  // ---- http -----------------------------------------------------------------------------

  async httpCall(req: CallRequest, connector: string, path: string, query: string, body: Buffer | undefined, headers: Record<string, string | string[] | undefined>): Promise<GatewayResponse> {
    const method = req.method.toUpperCase();
    const facts: CallFacts = { started: performance.now(), op: 'http', connector, method };
    return this.audited(facts, req, async () => {
      const operation: Operation = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
      const caller = await this.authenticate(req, facts, `${connector}:${operation}`);
      const { entry } = await this.bound(caller, facts, undefined);
      const conn = entry.catalog.connection;
      if (entry.catalog.type !== 'http') throw gatewayErrors.error('gateway_resource_unknown', `connector ${connector} is a postgres connector: use /gw/v1/${connector}/<resource>/query`);
      if (!conn || conn.type !== 'http') throw gatewayErrors.error('connector_not_connected', `connector ${connector} has no connection settings (spec.connection); it is catalog-only`);
      const grants = caller.app.grants.get(connector)!;
      let matched: { res: ConnectorCatalog['resources'][number]; grant: ResourceGrant; params: Record<string, string> } | undefined;
      let methodRefused: string | undefined;
      for (const res of entry.catalog.resources) {
        const params = res.path ? matchTemplate(res.path, path) : null;
        const grant = grants.get(res.name);
        if (!params || !grant) continue;
        if (!(res.methods ?? ['GET']).includes(method === 'HEAD' ? 'GET' : method)) {
          methodRefused = res.name;
          continue;
        }
        matched = { res, grant, params };
        break;
      }
      if (!matched) {
        if (methodRefused) throw gatewayErrors.error('gateway_method_not_allowed', `resource ${methodRefused} of connector ${connector} does not answer ${method}`);
        throw gatewayErrors.error('gateway_resource_unknown', `no approved resource of connector ${connector} matches this path for app ${caller.app.name}`);
      }
      facts.resource = matched.res.name;
      if (operation === 'read' ? matched.grant.access === 'write' : matched.grant.access === 'read') throw gatewayErrors.error('gateway_policy_denied', `app ${caller.app.name} is approved for ${matched.grant.access} access to ${matched.res.name}, not ${operation}`, { extra: { messages: [`access ${matched.grant.access} does not allow ${operation}`] } });
      facts.fields = [...matched.grant.fields];
      const actions = this.decide(caller, facts, req, operation, matched.res.fields, matched.grant.fields, { params: matched.params, method });
      this.quotas.admit(caller.app.name);
      const r = await this.upstream(facts, () => this.http.call({ connector, app: caller.app.name, subject: caller.subject, connection: conn as HttpConnection, method, path, query, body, contentType: typeof headers['content-type'] === 'string' ? headers['content-type'] : undefined }, headers));
      facts.secrets = r.secrets;
      facts.upstreamStatus = r.status;
      if (r.status >= 500) throw gatewayErrors.error('gateway_upstream_failed', `connector ${connector}: the upstream answered HTTP ${r.status}`, { extra: { upstream_status: r.status } });
      const out = this.shapeHttpBody(r.body, r.contentType, matched, operation === 'read' ? actions : {}, facts, connector);
      const scrubbed = scrub(out, r.sensitive);
      facts.bytes = Buffer.byteLength(scrubbed);
      this.quotas.count(caller.app.name, facts.records ?? 0, facts.bytes);
      const extraHeaders: Record<string, string> = {};
      if (r.next) extraHeaders.link = `</gw/v1/${connector}/http${r.next}>; rel="next"`;
      return { status: r.status, body: scrubbed, headers: { 'content-type': 'application/json; charset=utf-8', ...extraHeaders } };
    });
  }

  /** The upstream's JSON with every record cut to the approved fields and transformed; anything else is refused. */
  private shapeHttpBody(body: Buffer, contentType: string | undefined, m: { res: ConnectorCatalog['resources'][number]; grant: ResourceGrant }, actions: TransformActions, facts: CallFacts, connector: string): string {
    if (body.length === 0) {
      facts.records = 0;
      return 'null';
    }
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      throw gatewayErrors.error('gateway_upstream_failed', `connector ${connector}: the upstream answered ${contentType ?? 'a body'} that is not JSON; the gateway passes JSON only, so it can apply the app's field grant`);
    }
    const approved = new Set(m.grant.fields);
    // The upstream's own member order; `put` defines a member named __proto__ rather than setting the prototype.
    const project = (r: unknown): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      if (!r || typeof r !== 'object' || Array.isArray(r)) return out;
      for (const k in r) if (approved.has(k) && Object.hasOwn(r, k)) put(out, k, (r as Record<string, unknown>)[k]);
      return out;
    };
    // The records as JSON text, serialised once (by the transform).
    const run = (records: Record<string, unknown>[]) => (records.length === 0 ? '[]' : this.transform(records, m.res.fields, actions, facts).json);
    if (Array.isArray(value)) {
      facts.records = value.length;
      return run(value.map(project));
    }
    if (value && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      const listKey = ['data', 'items', 'results', 'records'].find((k) => Array.isArray(obj[k]));
      if (listKey) {
        const list = obj[listKey] as unknown[];
        facts.records = list.length;
        // The envelope keeps its scalar members (a next cursor, a total); nested objects are not passed.
        const envelope = Object.fromEntries(Object.entries(obj).filter(([k, v]) => k !== listKey && (v === null || typeof v !== 'object')));
        // The list member comes last, as `{ ...envelope, [listKey]: list }` would place it.
        const head = JSON.stringify(envelope).slice(0, -1);
        return `${head}${head.length > 1 ? ',' : ''}${JSON.stringify(listKey)}:${run(list.map(project))}}`;
      }
      facts.records = 1;
      const one = run([project(obj)]);
      return one.slice(1, -1) || '{}';
    }
    facts.records = 0;
    return 'null';
  }

  // ---- exports --------------------------------------------------------------------------

  async exportTo(req: CallRequest, destination: string, body: unknown): Promise<GatewayResponse> {
    const facts: CallFacts = { started: performance.now(), op: 'export', connector: destination };
    const auth = parseAuthorization(req.authorization);
    try {
      if (!auth) throw gatewayErrors.error('gateway_token_invalid', 'an access token is required: Authorization: Bearer <token>', { extra: { www_authenticate: challenge(undefined, '') } });
      // An export is not a connector call: any of the app's tokens will do (no audience), DPoP still checked.
      const r = await this.services.oauth.verify(auth.token, { srcIp: req.srcIp, ...(auth.scheme === 'DPoP' || req.dpop ? { dpop: { proof: Array.isArray(req.dpop) ? undefined : req.dpop, method: req.method, url: req.url } } : {}) });
      if ('error' in r) throw gatewayErrors.error('gateway_token_invalid', `the access token is not valid: ${r.reason}`, { extra: { www_authenticate: challenge('invalid_token', r.reason) } });
      facts.app = r.claims.app;
      facts.clientId = r.claims.client_id;
      if (r.claims.subject) facts.subject = r.claims.subject;
      const app = await this.apps.get(r.claims.app);
      if (!app || app.version === null || app.status === 'suspended' || app.status === 'retired') throw gatewayErrors.error('gateway_app_inactive', `app ${r.claims.app} has no approved version in force`);
      this.quotas.admit(app.name);
      const b = exportBodySchema.safeParse(body);
      if (!b.success) {
        const errors = b.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message }));
        throw new AppError('validation_failed', `the export is not valid: ${errors.map((e) => `${e.path || '(body)'} ${e.message}`).join('; ')}`, { errors });
      }
      const result = await this.services.exports.send({
        app: { name: app.name, owner: app.owner, status: app.status, classification: app.classification },
        subject: r.claims.subject ? { ...this.services.tokens.attributesOf(r.claims.subject), subject: r.claims.subject } : null,
        destination,
        target: b.data.target,
        payload: { ...(b.data.records ? { records: b.data.records } : {}), ...(b.data.text !== undefined ? { text: b.data.text } : {}) },
        srcIp: req.srcIp,
      });
      // The exports service audits the export itself (and any finding); a held export is 202.
      return { status: result.outcome === 'quarantined' ? 202 : 200, body: result };
    } catch (err) {
      const e = err instanceof AppError ? err : this.internal(err, facts);
      this.audit(facts, req, 'failure', e);
      throw e;
    }
  }

  // ---- quotas ---------------------------------------------------------------------------

  quotaOf(app: string): { app: string; limits: QuotaLimits; overrides: QuotaOverride | null; usage: ReturnType<Quotas['usage']> } {
    return { app, limits: this.quotas.limitsOf(app), overrides: this.quotas.overrideOf(app) ?? null, usage: this.quotas.usage(app) };
  }

  async setQuota(actor: AuditInput['actor'], srcIp: string | undefined, app: string, o: QuotaOverride): Promise<void> {
    const now = new Date().toISOString();
    await this.services.database.db.transaction().execute(async (tx) => {
      await store.putQuota(tx, { app, requests_per_minute: o.requestsPerMinute, records_per_day: o.recordsPerDay, bytes_per_day: o.bytesPerDay, updated_at: now, updated_by: actor.id });
      await this.services.audit.append(tx, {
        class: 'api_activity',
        activity: 'update',
        action: 'gateway.quota.set',
        actor,
        resources: [{ type: 'app', id: app, name: app }],
        outcome: 'success',
        message: `gateway quotas of app ${app} set`,
        details: { app, requests_per_minute: o.requestsPerMinute, records_per_day: o.recordsPerDay, bytes_per_day: o.bytesPerDay },
        ...(srcIp ? { srcIp } : {}),
      });
      await notifyFollowers(tx, this.services.database, quotaChannel);
    });
    await this.quotas.reload();
  }
}

/** `POST /gw/v1/exports/{destination}`: the declared target and what to send. */
export const exportBodySchema = z.strictObject({
  target: z.string().min(1).max(500),
  records: z.array(z.record(z.string(), z.unknown())).max(10_000).optional(),
  text: z.string().max(1024 * 1024).optional(),
});

/** Every credential value the upstream might have echoed, replaced. */
export function scrub(text: string, sensitive: readonly string[]): string {
  let out = text;
  for (const s of sensitive) if (s.length >= 4 && out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}
