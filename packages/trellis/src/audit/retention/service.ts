/**
 * Retention per OCSF class, legal holds and shredding of a person's data keys.
 *
 * - Retention: days per class name ('*' the default; null forever). A periodic pruner removes
 *   the content of sealed events older than their class's retention that no active hold covers,
 *   in batches, each in one transaction with the event that records it (counts and seq ranges).
 *   A pruned row keeps its place in the chain (tombstone.ts); rows never sealed are never pruned.
 * - Holds: a scope of apps, subjects (stored as keyed hashes), classes and a time range; an
 *   empty list means every one. An active hold keeps every event it covers from pruning, and
 *   refuses a shred of any subject it could cover (one naming the subject or naming none):
 *   preserving evidence wins over erasure until the hold is released.
 * - Shred (personal.ts): destroys a person's keys; audited naming the person by keyed hash only.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { KeyRing } from '../../keys/index.ts';
import { ocsfClasses, type Actor, type AuditInput, type OcsfClass, type OcsfEvent } from '../ocsf.ts';
import type { PersonalData } from './personal.ts';
import { retentionErrors } from './errors.ts';
import * as store from './store.ts';
import type { AuditLog } from '../service.ts';
import { TOMBSTONE, pruneKey, pruneMac } from '../tombstone.ts';

export interface RetentionSettings {
  /** Days for classes not listed; null: kept forever. */
  default: number | null;
  classes: Partial<Record<OcsfClass, number | null>>;
}

export interface HoldScope {
  apps?: string[];
  /** Person refs in a request; keyed hashes once stored and in every answer. */
  subjects?: string[];
  classes?: OcsfClass[];
  since?: string;
  until?: string;
}

export interface HoldInfo {
  id: string;
  name: string;
  reason: string;
  scope: HoldScope;
  created_at: string;
  created_by: string;
  released_at: string | null;
  released_by: string | null;
  release_reason: string | null;
}

export interface PruneRun {
  pruned: number;
  held: number;
}

interface Who {
  actor: Actor;
  srcIp?: string;
}

const MAX_DAYS = 36_500;
const PRUNE_BATCH = 500;
const DAY_MS = 86_400_000;
const systemActor: Actor = { type: 'system', id: 'system', name: 'trellis' };

const classUid = (name: OcsfClass): number => ocsfClasses[name].uid;
const isClass = (name: string): name is OcsfClass => Object.hasOwn(ocsfClasses, name);

function invalid(path: string, message: string): AppError {
  return new AppError('validation_failed', `${path} ${message}`, { errors: [{ path, message }] });
}

function checkDays(path: string, v: unknown): number | null {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_DAYS) throw invalid(path, `must be a whole number of days (1..${MAX_DAYS}) or null`);
  return v;
}

function holdInfo(r: store.AuditHoldRow): HoldInfo {
  return { id: r.id, name: r.name, reason: r.reason, scope: JSON.parse(r.scope) as HoldScope, created_at: r.created_at, created_by: r.created_by, released_at: r.released_at, released_by: r.released_by, release_reason: r.release_reason };
}

/** `seq` values as contiguous ranges, for the record of a prune run. */
function ranges(seqs: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const s of seqs) {
    const last = out[out.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

/** The apps an event is about: app resources, a details `app`, an app acting as a service. */
function appsOf(ev: OcsfEvent): string[] {
  const apps = ev.resources.filter((r) => r.type === 'app').flatMap((r) => [r.uid, ...(r.name ? [r.name] : [])]);
  if (typeof ev.unmapped?.app === 'string') apps.push(ev.unmapped.app);
  if (ev.actor.user.type === 'service' && ev.actor.user.name) apps.push(ev.actor.user.name);
  return apps;
}

type Candidate = Awaited<ReturnType<typeof store.pruneCandidates>>[number];

interface ActiveHold {
  scope: HoldScope;
  classUids: number[];
  /** Data key ids of the held subjects: their events carry `enc:<id>:`. */
  keyIds: string[];
}

function covers(h: ActiveHold, row: { time: string; class_uid: number; event: string }): boolean {
  const s = h.scope;
  if (h.classUids.length > 0 && !h.classUids.includes(row.class_uid)) return false;
  if (s.since && row.time < s.since) return false;
  if (s.until && row.time >= s.until) return false;
  if (s.subjects?.length && !h.keyIds.some((id) => row.event.includes(`enc:${id}:`))) return false;
  if (s.apps?.length) {
    let apps: string[];
    try {
      apps = appsOf(JSON.parse(row.event) as OcsfEvent);
    } catch {
      return true;
    }
    if (!apps.some((a) => s.apps!.includes(a))) return false;
  }
  return true;
}

export class AuditRetention {
  private readonly pruneKey: Buffer;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PruneRun> | undefined;

  constructor(
    private readonly database: Database,
    keys: KeyRing,
    private readonly audit: AuditLog,
    private readonly personal: PersonalData,
    private readonly clock: () => number = Date.now,
  ) {
    this.pruneKey = pruneKey(keys.derive('audit.row-mac'));
  }

  async settings(): Promise<RetentionSettings> {
    const out: RetentionSettings = { default: null, classes: {} };
    for (const r of await store.retentionRows(this.database.db)) {
      const days = r.days === null ? null : Number(r.days);
      if (r.class === '*') out.default = days;
      else if (isClass(r.class)) out.classes[r.class] = days;
    }
    return out;
  }

  async setSettings(who: Who, body: { default?: unknown; classes?: Record<string, unknown> }): Promise<RetentionSettings> {
    const rows: store.AuditRetentionRow[] = [{ class: '*', days: checkDays('default', body.default ?? null) }];
    for (const [name, days] of Object.entries(body.classes ?? {})) {
      if (!isClass(name)) throw invalid(`classes.${name}`, `is not an OCSF class Trellis writes (${Object.keys(ocsfClasses).join(', ')})`);
      rows.push({ class: name, days: checkDays(`classes.${name}`, days) });
    }
    await this.database.db.transaction().execute(async (tx) => {
      await store.replaceRetention(tx, rows);
      await this.audit.append(tx, this.event(who, { activity: 'update', action: 'audit.retention.update', resources: [{ type: 'settings', id: 'audit.retention' }], message: 'audit retention changed', details: { retention: Object.fromEntries(rows.map((r) => [r.class, r.days])) } }));
    });
    return this.settings();
  }

  private event(who: Who, e: Omit<AuditInput, 'class' | 'actor' | 'outcome'> & { class?: OcsfClass }): AuditInput {
    return { class: 'api_activity', actor: who.actor, outcome: 'success', ...e, ...(who.srcIp ? { srcIp: who.srcIp } : {}) };
  }

  async addHold(who: Who, input: { name: string; reason: string; scope?: HoldScope }): Promise<HoldInfo> {
    const scope: HoldScope = {};
    const given = input.scope ?? {};
    if (given.apps?.length) scope.apps = [...new Set(given.apps)];
    if (given.subjects?.length) scope.subjects = [...new Set(given.subjects.map((s) => this.personal.subjectHash(s)))];
    if (given.classes?.length) {
      const bad = given.classes.find((c) => !isClass(c));
      if (bad) throw invalid('scope.classes', `names ${bad}, not an OCSF class Trellis writes`);
      scope.classes = [...new Set(given.classes)];
    }
    if (given.since) scope.since = new Date(given.since).toISOString();
    if (given.until) scope.until = new Date(given.until).toISOString();
    if (scope.since && scope.until && scope.since >= scope.until) throw invalid('scope.until', 'must be after since');
    const row: store.AuditHoldRow = { id: randomUUID(), name: input.name, reason: input.reason, scope: JSON.stringify(scope), created_at: new Date(this.clock()).toISOString(), created_by: who.actor.id, released_at: null, released_by: null, release_reason: null };
    await this.database.db.transaction().execute(async (tx) => {
      await store.insertHold(tx, row);
      await this.audit.append(tx, this.event(who, { activity: 'create', action: 'audit.hold.create', resources: [{ type: 'audit_hold', id: row.id, name: row.name }], message: `legal hold ${row.name} placed`, details: { reason: row.reason, scope } }));
    });
    return holdInfo(row);
  }

  async holds(): Promise<HoldInfo[]> {
    return (await store.holds(this.database.db)).map(holdInfo);
  }

  async releaseHold(who: Who, id: string, reason: string): Promise<HoldInfo> {
    return this.database.db.transaction().execute(async (tx) => {
      const row = await store.hold(tx, id);
      if (!row) throw retentionErrors.error('audit_hold_not_found', `no legal hold ${id}`);
      const at = new Date(this.clock()).toISOString();
      if (!(await store.releaseHold(tx, id, at, who.actor.id, reason))) throw retentionErrors.error('audit_hold_released', `legal hold ${row.name} was already released`);
      await this.audit.append(tx, this.event(who, { activity: 'delete', action: 'audit.hold.release', resources: [{ type: 'audit_hold', id, name: row.name }], message: `legal hold ${row.name} released`, details: { reason } }));
      return holdInfo({ ...row, released_at: at, released_by: who.actor.id, release_reason: reason });
    });
  }

  /** Destroy a person's data keys, unless a hold could cover their events. */
  async shred(who: Who, subject: string): Promise<{ subject_hash: string; keys_shredded: number }> {
    const h = this.personal.subjectHash(subject);
    return this.database.db.transaction().execute(async (tx) => {
      const blocking = (await store.holds(tx, { active: true })).map(holdInfo).filter((hold) => !hold.scope.subjects?.length || hold.scope.subjects.includes(h));
      if (blocking.length > 0) throw retentionErrors.error('audit_subject_held', `legal hold ${blocking[0]!.name} covers this subject: release it before shredding`);
      const n = await this.personal.shred(tx, subject);
      await this.audit.append(tx, this.event(who, { activity: 'delete', action: 'audit.subject.shred', resources: [{ type: 'audit_subject', id: h }], message: `personal data of subject ${h.slice(0, 16)}… shredded (${n} key${n === 1 ? '' : 's'} destroyed)`, details: { subject_hash: h, keys_shredded: n } }));
      return { subject_hash: h, keys_shredded: n };
    });
  }

  /** One pruning pass over every class with a retention; concurrent calls share it. */
  prune(): Promise<PruneRun> {
    this.running ??= this.pruneOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pruneOnce(): Promise<PruneRun> {
    const settings = await this.settings();
    const db = this.database.db;
    const active: ActiveHold[] = [];
    for (const h of (await store.holds(db, { active: true })).map(holdInfo)) {
      active.push({ scope: h.scope, classUids: (h.scope.classes ?? []).map(classUid), keyIds: await store.keyIdsOfSubjects(db, h.scope.subjects ?? []) });
    }
    const named = Object.keys(settings.classes) as OcsfClass[];
    const plans: { classUids: number[]; exclude: boolean; days: number }[] = [];
    for (const c of named) {
      const days = settings.classes[c];
      if (typeof days === 'number') plans.push({ classUids: [classUid(c)], exclude: false, days });
    }
    if (settings.default !== null) plans.push({ classUids: named.map(classUid), exclude: true, days: settings.default });
    const run: PruneRun = { pruned: 0, held: 0 };
    const now = this.clock();
    for (const plan of plans) {
      const before = new Date(now - plan.days * DAY_MS).toISOString();
      let after = 0;
      for (;;) {
        const rows = await store.pruneCandidates(db, { ...plan, before, after, limit: PRUNE_BATCH });
        if (rows.length === 0) break;
        after = rows[rows.length - 1]!.seq;
        const free = rows.filter((r) => !active.some((h) => covers(h, r)));
        run.held += rows.length - free.length;
        if (free.length > 0) run.pruned += await this.pruneBatch(free, new Date(now).toISOString());
        if (rows.length < PRUNE_BATCH) break;
      }
    }
    return run;
  }

  private async pruneBatch(rows: Candidate[], at: string): Promise<number> {
    return this.database.db.transaction().execute(async (tx) => {
      const done: number[] = [];
      for (const r of rows) {
        const mac = pruneMac(this.pruneKey, { id: r.id, seq: r.seq, prev_hash: r.prev_hash!, hash: r.hash!, uid: r.uid, time: r.time, class_uid: r.class_uid, pruned_at: at });
        if (await store.pruneRow(tx, { id: r.id, event: TOMBSTONE, pruned_at: at, prune_mac: mac })) done.push(r.seq);
      }
      if (done.length > 0) {
        const seqRanges = ranges(done);
        await this.audit.append(tx, this.event({ actor: systemActor }, { activity: 'delete', action: 'audit.prune', resources: [{ type: 'audit_trail', id: 'audit_events' }], message: `retention pruned the content of ${done.length} audit event(s)`, details: { count: done.length, ranges: seqRanges.slice(0, 50), range_count: seqRanges.length } }));
      }
      return done.length;
    });
  }

  /** Prune every `intervalMs` (default hourly) until stopped. */
  start(intervalMs = 3_600_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.prune().catch(() => {
        // A failed pass leaves rows as they were; the next pass tries again.
      });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
