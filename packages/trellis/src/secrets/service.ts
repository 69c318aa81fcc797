/**
 * The secrets service: write-only secret values, versioned and encrypted at rest (envelope.ts),
 * with rotation schedules run by a background job, and `resolve` for the modules that inject
 * credentials (gateway, leases, exports). Every change and its audit event share a
 * transaction; no value ever reaches an error, a log line, an audit event or an answer.
 *
 * Hot path: `resolve` answers from memory once a version has been decrypted on this replica.
 * Every change sends a notification (db/follow.ts) and each replica compares its stamps
 * (current version and update time per secret), dropping cached values that changed, so a
 * rotation on one replica reaches all of them without a database read per call. The first
 * decrypt of each version on a replica is audited with who asked for it and why.
 */
import { randomBytes } from 'node:crypto';
import type { Database, Tx } from '../db/database.ts';
import { Follower, notifyFollowers } from '../db/follow.ts';
import type { AuditLog, AuditInput } from '../audit/index.ts';
import { systemActor } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import type { Caller } from '../catalog/index.ts';
import { resealRoot, rootKeyStatus } from '../keys/index.ts';
import type { KeyRing } from '../module.ts';
import { decryptValue, encryptValue, rewrapDek, type SealedValue } from './envelope.ts';
import { secretErrors } from './errors.ts';
import type { SecretRow, SecretVersionRow } from './rows.ts';
import { maxValueBytes, secretNamePattern, type KeyStatus, type PutSecret, type RewrapResult, type RotateSecret, type Secret, type SecretVersion } from './schema.ts';
import * as store from './store.ts';

/** Why a module asks for a secret's value: named in the audit event of the first decrypt. */
export interface SecretUse {
  app?: string;
  connector?: string;
  purpose: 'gateway' | 'lease' | 'export' | 'oauth2';
  /** The person on whose behalf the app called, when there is one. */
  subject?: string;
}

export interface ResolvedSecret {
  name: string;
  version: number;
  value: string;
}

export interface SecretServiceOptions {
  /** How often the rotation job runs. Default 60 s. */
  jobIntervalMs?: number;
  /** SQLite: how often replicas look for changes. Default 1 s. */
  pollIntervalMs?: number;
  /** Data keys re-wrapped per transaction by rewrap. Default 100. */
  rewrapBatchSize?: number;
  now?: () => Date;
  warn?: (message: string) => void;
}

export const secretsChannel = 'trellis_secrets';
const hour = 3_600_000;
const day = 24 * hour;
const jobBatch = 100;
/** How long the previous version of a scheduled secret stays valid when the schedule does not say. */
const defaultOverlapHours = 24;

function notFound(name: string) {
  return secretErrors.error('secret_not_found', `secret ${name} not found`);
}

function refused(message: string, path = 'value') {
  return secretErrors.error('secret_value_refused', message, { errors: [{ path, message }] });
}

/** A generated secret's value: 32 random bytes, base64url (43 characters). */
function generatedValue(): string {
  return randomBytes(32).toString('base64url');
}

function toSecret(r: SecretRow): Secret {
  return {
    name: r.name,
    description: r.description,
    kind: r.kind === 'generated' ? 'generated' : 'static',
    current_version: r.current_version,
    rotation: r.rotate_every_days === null ? null : { everyDays: r.rotate_every_days, overlapHours: r.overlap_hours ?? 0 },
    next_rotation_at: r.next_rotation_at,
    rotation_due: r.rotation_due === 1,
    created_at: r.created_at,
    created_by: r.created_by,
    updated_at: r.updated_at,
    updated_by: r.updated_by,
  };
}

function toVersion(r: SecretVersionRow): SecretVersion {
  return {
    version: r.version,
    state: r.state === 'active' || r.state === 'previous' ? r.state : 'destroyed',
    kek_id: r.kek_id,
    created_at: r.created_at,
    created_by: r.created_by,
    expires_at: r.expires_at,
    destroyed_at: r.destroyed_at,
  };
}

function checkValue(value: string): void {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxValueBytes) throw refused(`the value is ${bytes} bytes; the limit is ${maxValueBytes}`);
}

function checkName(name: string): void {
  if (!secretNamePattern.test(name)) throw secretErrors.error('secret_value_refused', 'invalid secret name', { errors: [{ path: 'name', message: 'must be 1-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit' }] });
}

export class SecretService {
  private readonly cache = new Map<string, ResolvedSecret>();
  private readonly stamps = new Map<string, string>();
  private stampsLoaded = false;
  private following = false;
  private generation = 0;
  private readonly decrypted = new Set<string>();
  private readonly listeners: ((name: string) => void)[] = [];
  private readonly follower: Follower;
  private readonly now: () => Date;
  private readonly warn: (message: string) => void;
  private timer: NodeJS.Timeout | undefined;
  private job: Promise<unknown> | undefined;

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly keys: KeyRing,
    private readonly opts: SecretServiceOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.warn = opts.warn ?? ((m) => process.stderr.write(`trellis: warning: ${m}\n`));
    this.follower = new Follower(database, { channel: secretsChannel, catchUp: () => this.catchUp(), pollIntervalMs: opts.pollIntervalMs ?? 1000, warn: this.warn, label: 'secrets' });
  }

  // ---- for other modules ---------------------------------------------------------------------

  /** The current value of `name`; `secret_not_found` when there is no such secret. */
  async resolve(name: string, use: SecretUse): Promise<ResolvedSecret> {
    const hit = this.cache.get(name);
    if (hit) return hit;
    const generation = this.generation;
    const db = this.database.db;
    const row = await store.getSecret(db, name);
    if (!row) throw notFound(name);
    const v = await store.getVersion(db, name, row.current_version);
    if (!v || v.ciphertext === null || v.wrapped_dek === null || v.kek_id === null) throw notFound(name);
    const resolved = { name, version: v.version, value: decryptValue(this.keys, name, v.version, v as SealedValue) };
    // A change that landed during the read may have been dropped from the cache already: do not put it back.
    if (generation === this.generation) this.cache.set(name, resolved);
    const key = `${name}\u0000${v.version}`;
    if (!this.decrypted.has(key)) {
      this.decrypted.add(key);
      void this.audit.record(this.useEvent(resolved, use)).catch((e: unknown) => this.warn(`secrets: auditing a decrypt failed: ${(e as Error).message}`));
    }
    return resolved;
  }

  /** Called with a secret's name after it changes on any replica (new version, deleted). */
  onChange(listener: (name: string) => void): void {
    this.listeners.push(listener);
  }

  async exists(name: string): Promise<boolean> {
    return (await store.getSecret(this.database.db, name)) !== undefined;
  }

  private useEvent(r: ResolvedSecret, use: SecretUse): AuditInput {
    return {
      class: 'api_activity',
      activity: 'read',
      action: 'secret.decrypt',
      actor: use.app ? { type: 'service', id: `app:${use.app}`, name: use.app, ...(use.subject ? { subject: use.subject } : {}) } : systemActor,
      resources: [{ type: 'secret', id: r.name, name: r.name }],
      outcome: 'success',
      message: `decrypted version ${r.version} of secret ${r.name} for ${use.purpose}${use.app ? ` (app ${use.app})` : ''}`,
      details: { version: r.version, purpose: use.purpose, ...(use.app ? { app: use.app } : {}), ...(use.connector ? { connector: use.connector } : {}), ...(use.subject ? { subject: use.subject } : {}) },
    };
  }

  // ---- change propagation --------------------------------------------------------------------

  private evict(name: string): void {
    this.generation++;
    this.cache.delete(name);
  }

  private dropped(name: string): void {
    this.evict(name);
    for (const l of this.listeners) {
      try {
        l(name);
      } catch (e) {
        this.warn(`secrets: a change listener failed: ${(e as Error).message}`);
      }
    }
  }

  private async catchUp(): Promise<void> {
    const rows = await store.secretStamps(this.database.db);
    const seen = new Set<string>();
    for (const r of rows) {
      seen.add(r.name);
      const stamp = `${r.current_version}\u0000${r.updated_at}`;
      const before = this.stamps.get(r.name);
      this.stamps.set(r.name, stamp);
      if (this.stampsLoaded && before !== stamp) this.dropped(r.name);
    }
    for (const name of [...this.stamps.keys()]) {
      if (seen.has(name)) continue;
      this.stamps.delete(name);
      this.dropped(name);
    }
    this.stampsLoaded = true;
  }

  /** Run `fn` in a transaction that tells every replica `name` changed; drop it here once committed. */
  private async change<T>(name: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.database.db.transaction().execute(async (tx) => {
      const r = await fn(tx);
      await notifyFollowers(tx, this.database, secretsChannel);
      return r;
    });
    // Following: the catch-up sees the new stamp and tells the listeners once (as on other replicas).
    this.evict(name);
    if (this.following) await this.follower.run();
    else this.dropped(name);
    return result;
  }

  private event(caller: Caller, activity: AuditInput['activity'], action: string, name: string, message: string, details: Record<string, unknown> = {}): AuditInput {
    return {
      class: 'api_activity',
      activity,
      action,
      actor: caller.actor,
      resources: [{ type: 'secret', id: name, name }],
      outcome: 'success',
      message,
      details,
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    };
  }

  // ---- the API -------------------------------------------------------------------------------

  async list(): Promise<Secret[]> {
    return (await store.listSecrets(this.database.db)).map(toSecret);
  }

  async get(name: string): Promise<Secret> {
    const row = await store.getSecret(this.database.db, name);
    if (!row) throw notFound(name);
    return toSecret(row);
  }

  async versions(name: string): Promise<SecretVersion[]> {
    if (!(await store.getSecret(this.database.db, name))) throw notFound(name);
    return (await store.listVersions(this.database.db, name)).map(toVersion);
  }

  /** Create the secret (version 1), or change its metadata and, with a value, store its next version. */
  async put(caller: Caller, name: string, body: PutSecret): Promise<{ secret: Secret; created: boolean }> {
    checkName(name);
    if (body.value !== undefined) checkValue(body.value);
    const actor = caller.actor.id;
    return this.change(name, async (tx) => {
      const now = this.now();
      const iso = now.toISOString();
      const row = await store.lockSecret(tx, this.database.dialect, name);
      const schedule = body.rotation === undefined ? undefined : body.rotation === null ? null : { every: body.rotation.everyDays, overlap: body.rotation.overlapHours ?? defaultOverlapHours };
      if (!row) {
        const kind = body.kind ?? 'static';
        if (kind === 'generated' && body.value !== undefined) throw refused('a generated secret gets its values from Trellis; give no value');
        if (kind === 'static' && body.value === undefined) throw refused('a new static secret needs a value');
        const created: SecretRow = {
          name,
          description: body.description ?? null,
          kind,
          current_version: 1,
          rotate_every_days: schedule?.every ?? null,
          overlap_hours: schedule?.overlap ?? null,
          next_rotation_at: schedule ? new Date(now.getTime() + schedule.every * day).toISOString() : null,
          rotation_due: 0,
          created_at: iso,
          created_by: actor,
          updated_at: iso,
          updated_by: actor,
        };
        if (!(await store.insertSecret(tx, created))) throw new AppError('conflict', `secret ${name} was created by another request at the same time; put again to store a new version`);
        await store.insertVersion(tx, this.versionRow(name, 1, kind === 'generated' ? generatedValue() : body.value!, actor, iso));
        await this.audit.append(tx, this.event(caller, 'create', 'secret.create', name, `created ${kind} secret ${name} (version 1)`, { version: 1, kind, rotation: toSecret(created).rotation }));
        return { secret: toSecret(created), created: true };
      }
      if (body.kind !== undefined && body.kind !== row.kind) throw refused(`secret ${name} is ${row.kind}; its kind is fixed when it is created`, 'kind');
      if (body.value !== undefined && row.kind === 'generated') throw refused(`secret ${name} is generated: rotate it for a new value`);
      const set: Partial<SecretRow> = { updated_at: iso, updated_by: actor };
      const changed: string[] = [];
      if (body.description !== undefined && body.description !== row.description) {
        set.description = body.description;
        changed.push('description');
      }
      if (schedule !== undefined) {
        set.rotate_every_days = schedule?.every ?? null;
        set.overlap_hours = schedule?.overlap ?? null;
        set.next_rotation_at = schedule ? new Date(now.getTime() + schedule.every * day).toISOString() : null;
        set.rotation_due = 0;
        changed.push('rotation');
      }
      let after: SecretRow = { ...row, ...set };
      if (body.value !== undefined) {
        after = await this.newVersion(tx, after, body.value, actor, now);
        changed.push('value');
      } else await store.updateSecret(tx, name, set);
      await this.audit.append(
        tx,
        this.event(caller, 'update', 'secret.update', name, `updated secret ${name} (${changed.join(', ') || 'nothing changed'})`, { changed, version: after.current_version, ...(changed.includes('rotation') ? { rotation: toSecret(after).rotation } : {}) }),
      );
      return { secret: toSecret(after), created: false };
    });
  }

  /** A new version: a random value for a generated secret, `body.value` for a static one. */
  async rotate(caller: Caller, name: string, body: RotateSecret): Promise<Secret> {
    if (body.value !== undefined) checkValue(body.value);
    return this.change(name, async (tx) => {
      const row = await store.lockSecret(tx, this.database.dialect, name);
      if (!row) throw notFound(name);
      if (row.kind === 'generated' && body.value !== undefined) throw refused(`secret ${name} is generated: Trellis makes its new value; give none`);
      if (row.kind === 'static' && body.value === undefined) throw refused(`secret ${name} is static: give its new value`);
      const after = await this.newVersion(tx, row, body.value ?? generatedValue(), caller.actor.id, this.now());
      await this.audit.append(tx, this.event(caller, 'update', 'secret.rotate', name, `rotated secret ${name} to version ${after.current_version}`, { version: after.current_version, previous_version: row.current_version }));
      return toSecret(after);
    });
  }

  private versionRow(name: string, version: number, value: string, actor: string, iso: string): SecretVersionRow {
    return { name, version, state: 'active', ...encryptValue(this.keys, name, version, value), created_at: iso, created_by: actor, expires_at: null, destroyed_at: null };
  }

  /** Store the next version; the active one stays valid for the overlap (or until destroyed without one). */
  private async newVersion(tx: Tx, row: SecretRow, value: string, actor: string, now: Date): Promise<SecretRow> {
    const iso = now.toISOString();
    const version = row.current_version + 1;
    await store.retireActive(tx, row.name, row.overlap_hours === null ? null : new Date(now.getTime() + row.overlap_hours * hour).toISOString());
    await store.insertVersion(tx, this.versionRow(row.name, version, value, actor, iso));
    const set: Partial<SecretRow> = {
      current_version: version,
      rotation_due: 0,
      next_rotation_at: row.rotate_every_days === null ? null : new Date(now.getTime() + row.rotate_every_days * day).toISOString(),
      updated_at: iso,
      updated_by: actor,
    };
    await store.updateSecret(tx, row.name, set);
    return { ...row, ...set };
  }

  /** Crypto-shred a version: its data key and ciphertext are deleted; the row stays as a record. */
  async destroyVersion(caller: Caller, name: string, version: number): Promise<SecretVersion> {
    return this.change(name, async (tx) => {
      const row = await store.lockSecret(tx, this.database.dialect, name);
      if (!row) throw notFound(name);
      const v = await store.getVersion(tx, name, version);
      if (!v) throw secretErrors.error('secret_version_not_found', `secret ${name} has no version ${version}`);
      if (v.state === 'active') throw secretErrors.error('secret_version_current', `version ${version} is the current value of secret ${name}; rotate it first, then destroy this version`);
      if (v.state === 'destroyed') return toVersion(v);
      const after = await this.shred(tx, v, caller.actor.id);
      await this.audit.append(tx, this.event(caller, 'delete', 'secret.version.destroy', name, `destroyed version ${version} of secret ${name}`, { version }));
      return toVersion(after);
    });
  }

  private async shred(tx: Tx, v: SecretVersionRow, actor: string): Promise<SecretVersionRow> {
    const iso = this.now().toISOString();
    const set = { state: 'destroyed', kek_id: null, wrapped_dek: null, ciphertext: null, destroyed_at: iso };
    await store.updateVersion(tx, v.name, v.version, set);
    await store.updateSecret(tx, v.name, { updated_at: iso, updated_by: actor });
    return { ...v, ...set };
  }

  /** Delete the secret and every version (all crypto-shredded with it). */
  async remove(caller: Caller, name: string): Promise<void> {
    await this.change(name, async (tx) => {
      const row = await store.lockSecret(tx, this.database.dialect, name);
      if (!row) throw notFound(name);
      await store.deleteSecret(tx, name);
      await this.audit.append(tx, this.event(caller, 'delete', 'secret.delete', name, `deleted secret ${name} and its ${row.current_version} version${row.current_version === 1 ? '' : 's'}`, { versions: row.current_version }));
    });
  }

  // ---- rotation schedules --------------------------------------------------------------------

  /**
   * One pass of the rotation job: generated secrets that are due get a new version, static
   * ones are marked rotation_due (once), previous versions past their overlap are destroyed.
   * Each in its own transaction, re-checked under the row lock, so replicas running the job
   * at once do each thing once.
   */
  async runDue(): Promise<{ rotated: string[]; markedDue: string[]; destroyed: { name: string; version: number }[] }> {
    const out = { rotated: [] as string[], markedDue: [] as string[], destroyed: [] as { name: string; version: number }[] };
    const caller: Caller = { actor: systemActor };
    const iso = this.now().toISOString();
    for (const due of await store.dueForRotation(this.database.db, iso, jobBatch)) {
      await this.change(due.name, async (tx) => {
        const row = await store.lockSecret(tx, this.database.dialect, due.name);
        if (!row || row.next_rotation_at === null || row.next_rotation_at > iso) return;
        if (row.kind === 'generated') {
          const after = await this.newVersion(tx, row, generatedValue(), systemActor.id, this.now());
          await this.audit.append(tx, this.event(caller, 'update', 'secret.rotate', row.name, `rotated secret ${row.name} to version ${after.current_version} on schedule`, { version: after.current_version, previous_version: row.current_version, scheduled: true }));
          out.rotated.push(row.name);
        } else if (row.rotation_due === 0) {
          await store.updateSecret(tx, row.name, { rotation_due: 1, updated_at: iso, updated_by: systemActor.id });
          await this.audit.append(tx, this.event(caller, 'update', 'secret.rotation_due', row.name, `secret ${row.name} is due for rotation: an admin must give its new value`, { version: row.current_version, due_at: row.next_rotation_at }));
          out.markedDue.push(row.name);
        }
      });
    }
    for (const v of await store.expiredVersions(this.database.db, iso, jobBatch)) {
      await this.change(v.name, async (tx) => {
        if (!(await store.lockSecret(tx, this.database.dialect, v.name))) return;
        const now = await store.getVersion(tx, v.name, v.version);
        if (!now || now.state !== 'previous' || now.expires_at === null || now.expires_at > iso) return;
        await this.shred(tx, now, systemActor.id);
        await this.audit.append(tx, this.event(caller, 'delete', 'secret.version.destroy', v.name, `destroyed version ${v.version} of secret ${v.name}: its overlap ended`, { version: v.version, overlap_ended_at: now.expires_at }));
        out.destroyed.push({ name: v.name, version: v.version });
      });
    }
    return out;
  }

  // ---- master-key rotation -------------------------------------------------------------------

  async keyStatus(): Promise<KeyStatus> {
    const db = this.database.db;
    const root = await rootKeyStatus(db, this.keys);
    const counts = await store.countByKek(db);
    const data_keys = counts.map((c) => ({ master_key_id: c.kek_id, count: c.count }));
    const current = root.current_master_key_id;
    return { ...root, data_keys, previous_keys_removable: root.root_master_key_id === current && data_keys.every((d) => d.master_key_id === current) };
  }

  /**
   * Re-wrap every data key not under the current master key's KEK, a batch per transaction
   * (values are never re-encrypted), then seal the root key under the current master key.
   * Safe to run again, and on several replicas at once (a row is re-wrapped only if it still
   * holds the key it was read with).
   */
  async rewrap(caller: Caller): Promise<RewrapResult> {
    const batchSize = this.opts.rewrapBatchSize ?? 100;
    const current = this.keys.kek().id;
    let rewrapped = 0;
    for (;;) {
      const batch = await store.versionsNotUnder(this.database.db, current, batchSize);
      if (batch.length === 0) break;
      await this.database.db.transaction().execute(async (tx) => {
        let n = 0;
        const from = new Set<string>();
        for (const v of batch) {
          const to = rewrapDek(this.keys, v.name, v.version, { kek_id: v.kek_id!, wrapped_dek: v.wrapped_dek! });
          if (await store.setWrappedDek(tx, v.name, v.version, v.kek_id!, to)) {
            n++;
            from.add(v.kek_id!);
          }
        }
        rewrapped += n;
        await this.audit.append(tx, {
          ...this.event(caller, 'update', 'keys.rewrap_batch', 'data-keys', `re-wrapped ${n} secret data key${n === 1 ? '' : 's'} under master key ${current}`, { count: n, from: [...from], to: current }),
          resources: [{ type: 'master_key', id: current }],
        });
      });
    }
    const sealed = await this.database.db.transaction().execute(async (tx) => {
      const r = await resealRoot(tx, this.keys);
      await this.audit.append(tx, {
        ...this.event(caller, 'update', 'keys.rewrap', 'root', `master key rotation: ${rewrapped} data key${rewrapped === 1 ? '' : 's'} re-wrapped; root key ${r.changed ? `re-sealed from master key ${r.from} to ${r.to}` : `already sealed under ${r.to}`}`, { rewrapped, root_resealed: r.changed, from: r.from, to: r.to }),
        resources: [{ type: 'master_key', id: r.to }],
      });
      return r;
    });
    return { rewrapped, root_resealed: sealed.changed, status: await this.keyStatus() };
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  async start(): Promise<void> {
    await this.follower.start();
    this.following = true;
    const tick = () => {
      if (this.job) return;
      this.job = this.runDue()
        .catch((e: unknown) => this.warn(`secrets: the rotation job failed: ${(e as Error).message}`))
        .finally(() => (this.job = undefined));
    };
    this.timer = setInterval(tick, this.opts.jobIntervalMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.following = false;
    await this.job;
    await this.follower.stop();
  }
}
