/**
 * The SIEM service (`services.siem`): sinks and their configuration (each change audited in its
 * transaction), their delivery state and lag (`status()`, which the metrics gauge reads), the
 * test send, the dead letters and their replay, and the delivery worker (worker.ts) that the
 * module starts and stops.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { z } from 'zod';
import type { Database } from '../db/database.ts';
import type { Actor, AuditInput, AuditLog, OcsfEvent } from '../audit/index.ts';
import type { SecretService } from '../secrets/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { siemErrors } from './errors.ts';
import { defaultBackoff, type Backoff } from './retry.ts';
import type { SiemSinkRow } from './rows.ts';
import type { CreateSink, DeadLetterList, DeadLetterQuery, ReplayResult, Sink, SinkFilter, SinkStatus, TestResult, UpdateSink } from './schema.ts';
import * as store from './store.ts';
import { transportKind, transportKinds } from './transports.ts';
import type { SinkEvent, TransportDeps, TransportKind } from './transport.ts';
import { asDeliveryError, DeliveryWorker, deliverBatch, hasContent, transportOf } from './worker.ts';

/** Who is acting, and from where (for the audit event). */
export interface Caller {
  actor: Actor;
  srcIp?: string;
}

export interface SiemServiceOptions {
  /**
   * This replica's lease owner id. Default: host name, process id and a random part, unique to
   * this process: a server killed mid-delivery leaves its lease to run out (leaseMs) before a
   * new process takes the sink over.
   */
  owner?: string;
  /** How often the worker looks for new events. Default 250 ms. */
  pollIntervalMs?: number;
  /** How long a delivery lease holds without renewal. Default 15 s. */
  leaseMs?: number;
  backoff?: Backoff;
  /** Events per batch when a sink's config sets none. Default 100. */
  batchSize?: number;
  /** The transport kinds (tests add their own). Default transports.ts. */
  kinds?: readonly TransportKind[];
  logError?: (message: string) => void;
}

/** Sinks an installation may have: each one is a reader of the whole trail. */
export const maxSinks = 50;
/** Dead letters one replay sends at most. */
const replayBatch = 500;

function newId(): string {
  return 'snk_' + randomBytes(10).toString('hex');
}

function notFound(id: string): AppError {
  return new AppError('not_found', `SIEM sink ${id} not found`);
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function nameTaken(name: string): AppError {
  return siemErrors.error('siem_sink_name_taken', `a SIEM sink named ${name} exists already`, { errors: [{ path: 'name', message: 'is taken by another sink' }] });
}

/** `config.url`, `config.headers[0]`: where in the request a config issue is. */
function configPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : `${acc}.${String(seg)}`), 'config');
}

/** The synthetic event a test send carries: marked as a test, never part of the trail. */
function testEvent(sink: SiemSinkRow, actor: Actor): SinkEvent {
  const uid = randomUUID();
  const now = new Date();
  const event: OcsfEvent = {
    class_uid: 6003,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    activity_id: 99,
    activity_name: 'Other',
    type_uid: 600399,
    time: now.getTime(),
    time_dt: now.toISOString(),
    severity_id: 1,
    status_id: 1,
    status: 'Success',
    message: `a test event for SIEM sink ${sink.name}; not part of the audit trail`,
    actor: { user: { uid: actor.id, type: actor.type, ...(actor.name ? { name: actor.name } : {}) } },
    api: { operation: 'siem.sink.test' },
    resources: [{ type: 'siem_sink', uid: sink.id, name: sink.name }],
    metadata: { version: '1.3.0', uid, product: { name: 'Trellis', vendor_name: 'Trellis' } },
    unmapped: { test: true },
  };
  return { seq: 0, uid, event };
}

export class SiemService {
  private readonly worker: DeliveryWorker;
  private readonly kinds: readonly TransportKind[];
  private readonly transportDeps: TransportDeps;

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    secrets: Pick<SecretService, 'resolve'>,
    opts: SiemServiceOptions = {},
  ) {
    this.kinds = opts.kinds ?? transportKinds;
    this.transportDeps = {
      // `export`: the SIEM export reads the secret; the store audits the first decrypt of each version.
      secret: async (name) => (await secrets.resolve(name, { purpose: 'export' })).value,
      hostName: hostname(),
    };
    this.worker = new DeliveryWorker(database, audit, {
      owner: opts.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
      pollIntervalMs: opts.pollIntervalMs ?? 250,
      leaseMs: opts.leaseMs ?? 15_000,
      backoff: opts.backoff ?? defaultBackoff,
      batchSize: opts.batchSize ?? 100,
      kinds: this.kinds,
      transportDeps: this.transportDeps,
      logError: opts.logError ?? ((m) => process.stderr.write(JSON.stringify({ level: 'error', module: 'siem', msg: m }) + '\n')),
    });
  }

  // ---- Sinks ---------------------------------------------------------------------------------

  /** The type's kind and the config parsed by its schema (defaults filled), or a 400 naming each bad field. */
  private checkConfig(type: string, config: Record<string, unknown>): { kind: TransportKind; config: unknown } {
    const kind = transportKind(type, this.kinds);
    if (!kind) {
      const known = this.kinds.map((k) => k.type).join(', ');
      throw new AppError('validation_failed', `there is no sink type ${type}; the types are ${known}`, { errors: [{ path: 'type', message: `must be one of ${known}` }] });
    }
    const parsed = (kind.configSchema as z.ZodType).safeParse(config);
    if (!parsed.success) {
      const errors: FieldError[] = parsed.error.issues.slice(0, 20).map((i) => ({ path: configPath(i.path), message: i.message }));
      throw new AppError('validation_failed', `the ${type} configuration is not valid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { errors });
    }
    return { kind, config: parsed.data };
  }

  private auditEvent(caller: Caller, activity: AuditInput['activity'], action: string, sink: Pick<SiemSinkRow, 'id' | 'name' | 'type'>, message: string, details: Record<string, unknown> = {}): AuditInput {
    return {
      class: 'api_activity',
      activity,
      action,
      actor: caller.actor,
      resources: [{ type: 'siem_sink', id: sink.id, name: sink.name }],
      outcome: 'success',
      message,
      details: { type: sink.type, ...details },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    };
  }

  async create(caller: Caller, input: CreateSink): Promise<Sink> {
    const { config } = this.checkConfig(input.type, input.config);
    const head = (await this.audit.head()).seq;
    const start = input.start ?? 'now';
    const cursor = start === 'now' ? head : start === 'beginning' ? 0 : start - 1;
    const now = new Date().toISOString();
    const row: SiemSinkRow = {
      id: newId(),
      name: input.name,
      type: input.type,
      config: JSON.stringify(config),
      filter: JSON.stringify(input.filter ?? {}),
      enabled: input.enabled === false ? 0 : 1,
      cursor_seq: cursor,
      delivered: 0,
      attempts: 0,
      next_attempt_at: null,
      last_error: null,
      last_delivered_at: null,
      lease_owner: null,
      lease_until: null,
      created_at: now,
      created_by: caller.actor.id,
      updated_at: now,
      updated_by: caller.actor.id,
    };
    try {
      await this.database.db.transaction().execute(async (tx) => {
        if ((await store.countSinks(tx)) >= maxSinks) throw siemErrors.error('siem_sink_limit_reached', `an installation can have at most ${maxSinks} SIEM sinks; delete one first`);
        if (await store.sinkNamed(tx, input.name)) throw nameTaken(input.name);
        await store.insertSink(tx, row);
        // The filter and where delivery starts; not the config, which may name internal hosts and paths.
        await this.audit.append(tx, this.auditEvent(caller, 'create', 'siem.sink.create', row, `created SIEM sink ${row.name} (${row.type})`, { filter: input.filter ?? {}, start, cursor, enabled: row.enabled === 1 }));
      });
    } catch (err) {
      throw isUniqueViolation(err) ? nameTaken(input.name) : err;
    }
    return this.get(row.id);
  }

  async list(): Promise<Sink[]> {
    const rows = await store.listSinks(this.database.db);
    const statuses = await this.statusOf(rows);
    return rows.map((r, i) => toSink(r, statuses[i]!));
  }

  async get(id: string): Promise<Sink> {
    const row = await store.getSink(this.database.db, id);
    if (!row) throw notFound(id);
    return toSink(row, (await this.statusOf([row]))[0]!);
  }

  /** Pause or resume, change the filter or the config; a change resets the backoff, so a fixed sink is tried at once. */
  async update(caller: Caller, id: string, patch: UpdateSink): Promise<Sink> {
    await this.database.db.transaction().execute(async (tx) => {
      const row = await store.lockSink(tx, this.database.dialect, id);
      if (!row) throw notFound(id);
      const changed: string[] = [];
      const set: Partial<SiemSinkRow> = {};
      if (patch.enabled !== undefined && patch.enabled !== (row.enabled === 1)) {
        set.enabled = patch.enabled ? 1 : 0;
        changed.push('enabled');
      }
      if (patch.filter !== undefined && JSON.stringify(patch.filter) !== row.filter) {
        set.filter = JSON.stringify(patch.filter);
        changed.push('filter');
      }
      if (patch.config !== undefined) {
        const config = JSON.stringify(this.checkConfig(row.type, patch.config).config);
        if (config !== row.config) {
          set.config = config;
          changed.push('config');
        }
      }
      if (changed.length === 0) return;
      await store.updateSink(tx, id, { ...set, attempts: 0, next_attempt_at: null, updated_at: new Date().toISOString(), updated_by: caller.actor.id });
      await this.audit.append(
        tx,
        this.auditEvent(caller, 'update', 'siem.sink.update', row, `updated SIEM sink ${row.name} (${changed.join(', ')})`, {
          changed,
          ...(set.enabled !== undefined ? { enabled: set.enabled === 1 } : {}),
          ...(patch.filter !== undefined && set.filter !== undefined ? { filter: patch.filter } : {}),
        }),
      );
    });
    return this.get(id);
  }

  /** Delete a sink and its dead letters; events it had not delivered are not sent. */
  async remove(caller: Caller, id: string): Promise<void> {
    await this.database.db.transaction().execute(async (tx) => {
      const row = await store.lockSink(tx, this.database.dialect, id);
      if (!row) throw notFound(id);
      await store.deleteSink(tx, id);
      await this.audit.append(tx, this.auditEvent(caller, 'delete', 'siem.sink.delete', row, `deleted SIEM sink ${row.name}`, { cursor: row.cursor_seq, delivered: row.delivered }));
    });
  }

  /**
   * Send one synthetic event, marked as a test and not taken from the trail, to the sink's
   * receiver now (enabled or not), and say how the receiver took it. Nothing is retried.
   */
  async test(caller: Caller, id: string): Promise<TestResult> {
    const row = await store.getSink(this.database.db, id);
    if (!row) throw notFound(id);
    const sample = testEvent(row, caller.actor);
    const started = performance.now();
    let error: { message: string; permanent: boolean } | undefined;
    try {
      const transport = transportOf(row, this.kinds, this.transportDeps);
      try {
        await transport.deliver([sample], AbortSignal.timeout(120_000));
      } finally {
        await transport.close().catch(() => undefined);
      }
    } catch (err) {
      const e = asDeliveryError(err);
      error = { message: e.message, permanent: e.permanent };
    }
    const result: TestResult = { ok: !error, uid: sample.uid, error: error?.message ?? null, permanent: error ? error.permanent : null, duration_ms: Math.round(performance.now() - started) };
    await this.audit.record({ ...this.auditEvent(caller, 'other', 'siem.sink.test', row, `sent a test event to SIEM sink ${row.name}: ${result.ok ? 'acknowledged' : 'failed'}`, { uid: sample.uid, ok: result.ok }), outcome: result.ok ? 'success' : 'failure' });
    return result;
  }

  // ---- Dead letters --------------------------------------------------------------------------

  async deadLetters(id: string, query: DeadLetterQuery = {}): Promise<DeadLetterList> {
    if (!(await store.getSink(this.database.db, id))) throw notFound(id);
    const limit = query.limit ?? 100;
    const rows = await store.listDeadLetters(this.database.db, id, { ...(query.after !== undefined ? { afterSeq: query.after } : {}), limit: limit + 1 });
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({ seq: r.seq, uid: r.uid, error: r.error, attempts: r.attempts, dead_at: r.dead_at })),
      next_cursor: rows.length > limit ? page[page.length - 1]!.seq : null,
    };
  }

  /**
   * Send a sink's dead letters again, one event at a time, from the trail: those acknowledged
   * are removed, those refused again stay with one more attempt counted. At most 500 a call.
   */
  async replay(caller: Caller, id: string): Promise<ReplayResult> {
    const row = await store.getSink(this.database.db, id);
    if (!row) throw notFound(id);
    const letters = await store.listDeadLetters(this.database.db, id, { limit: replayBatch });
    const delivered: number[] = [];
    const failed: store.NewDeadLetter[] = [];
    if (letters.length > 0) {
      const transport = transportOf(row, this.kinds, this.transportDeps);
      const signal = AbortSignal.timeout(10 * 60_000);
      try {
        for (const l of letters) {
          const [record] = await this.audit.sealedAfter(l.seq - 1, 1, { reveal: (JSON.parse(row.filter) as SinkFilter).personal_data !== 'sealed' });
          if (!record || record.seq !== l.seq || !hasContent(record.event)) {
            failed.push({ seq: l.seq, uid: l.uid, error: `event ${l.seq} is no longer in the trail (pruned by retention)` });
            continue;
          }
          const outcome = await deliverBatch(transport, [{ seq: record.seq, uid: record.event.metadata.uid, event: record.event }], signal);
          if (outcome.delivered === 1) delivered.push(l.seq);
          else failed.push({ seq: l.seq, uid: l.uid, error: (outcome.error?.message ?? outcome.dead[0]?.error ?? 'not delivered').slice(0, 500) });
        }
      } finally {
        await transport.close().catch(() => undefined);
      }
    }
    const result = { replayed: letters.length, delivered: delivered.length, failed: failed.length };
    await this.database.db.transaction().execute(async (tx) => {
      if (!(await store.lockSink(tx, this.database.dialect, id))) throw notFound(id);
      await store.deleteDeadLetters(tx, id, delivered);
      await store.putDeadLetters(tx, id, failed, new Date().toISOString());
      await this.audit.append(tx, this.auditEvent(caller, 'update', 'siem.sink.replay', row, `replayed ${result.replayed} dead letters of SIEM sink ${row.name}: ${result.delivered} delivered, ${result.failed} still failing`, result));
    });
    return result;
  }

  // ---- Lag -----------------------------------------------------------------------------------

  /** Every sink's delivery state and lag (the `siem_sink_lag` gauges read this). */
  async status(): Promise<SinkStatus[]> {
    const rows = await store.listSinks(this.database.db);
    return this.statusOf(rows);
  }

  private async statusOf(rows: SiemSinkRow[]): Promise<SinkStatus[]> {
    if (rows.length === 0) return [];
    const head = (await this.audit.head()).seq;
    const dead = await store.countDeadLetters(this.database.db);
    const now = Date.now();
    return Promise.all(
      rows.map(async (r) => {
        const next = r.cursor_seq < head ? (await this.audit.sealedAfter(r.cursor_seq, 1))[0] : undefined;
        return {
          id: r.id,
          name: r.name,
          type: r.type,
          enabled: r.enabled === 1,
          cursor: r.cursor_seq,
          head,
          lag: Math.max(0, head - r.cursor_seq),
          // A pruned event (a tombstone) has no time: its age is unknown, not zero.
          oldestAgeMs: next && hasContent(next.event) ? Math.max(0, now - next.event.time) : null,
          deadLetters: dead.get(r.id) ?? 0,
          lastError: r.last_error,
          lastDeliveredAt: r.last_delivered_at,
        };
      }),
    );
  }

  // ---- Worker --------------------------------------------------------------------------------

  start(): void {
    this.worker.start();
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** One delivery round for every due sink, awaited (tests). */
  runOnce(): Promise<void> {
    return this.worker.runOnce();
  }
}

function toSink(r: SiemSinkRow, s: SinkStatus): Sink {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    config: JSON.parse(r.config) as Record<string, unknown>,
    filter: JSON.parse(r.filter) as SinkFilter,
    enabled: r.enabled === 1,
    cursor: r.cursor_seq,
    head: s.head,
    lag: s.lag,
    oldest_age_ms: s.oldestAgeMs,
    delivered: r.delivered,
    attempts: r.attempts,
    next_attempt_at: r.next_attempt_at,
    last_error: r.last_error,
    last_delivered_at: r.last_delivered_at,
    dead_letters: s.deadLetters,
    created_at: r.created_at,
    created_by: r.created_by,
    updated_at: r.updated_at,
    updated_by: r.updated_by,
  };
}
