/**
 * Personal values in audit events, encrypted under a key per person (crypto-shredding).
 *
 * When an event is made (AuditLog.toEvents) the values that identify a person — the acting
 * person's subject (`user:<email>`) and, for a signed-in person, their display name; the
 * source IP of an event that has a person behind it; details keys the caller marks personal —
 * are replaced by `enc:<key id>:<sealed JSON value>`, sealed (AES-256-GCM, keys/sealed.ts) under
 * that person's data key. The chain hash, row MAC and checkpoints cover the ciphertext, so
 * destroying the key (`shred`) later redacts every such value without changing a hashed byte.
 *
 * - Person refs anywhere in the details (`user:<email>`: a token's subject, an app's owner) are
 *   sealed under that person's key, so callers need not list them.
 * - A person is named in storage only by `subjectHash`: HMAC-SHA-256 of the normalised person
 *   ref under the 'audit.subject' purpose key. Data keys are stored sealed under 'audit.protect'.
 * - Ids that are not personal stay in clear, so search is unchanged: actor ids are token or
 *   session ids, resources are apps, tokens and policies. Events with no person behind them
 *   (a service without a subject, anonymous callers) keep their IP in clear: retention covers them.
 * - Keys are cached in memory for KEY_TTL_MS: the gateway's hot path pays no database round trip
 *   per event, only when a person is first seen. A shred on another replica is therefore seen
 *   here within KEY_TTL_MS (this replica drops its own cache at once).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../db/database.ts';
import { seal, unseal, type KeyRing } from '../keys/index.ts';
import type { AuditInput, OcsfEvent } from './ocsf.ts';
import * as keyStore from './retention-store.ts';

/** What a value whose key was destroyed reads as. */
export const SHREDDED = '[shredded]';
/** How long a replica trusts a data key (or its absence) read from the database. */
export const KEY_TTL_MS = 30_000;
const TOKEN = /^enc:([A-Za-z0-9_-]{16}):(v1:[A-Za-z0-9+/=]+)$/;
const HASH_CACHE_MAX = 10_000;
/** A person ref as modules write them (auth/person-ref.ts): `user:` and an e-mail. */
const PERSON_REF = /^user:[^\s@]+@[^\s@]+$/i;
/** How deep person refs are looked for in details (they sit at the top or one level down). */
const REF_DEPTH = 3;

/** Person refs compare case-insensitively; a bare e-mail means `user:<email>`. */
export function normaliseSubject(ref: string): string {
  const o = ref.trim().toLowerCase();
  return o.includes('@') && !o.includes(':') ? `user:${o}` : o;
}

interface LiveKey {
  keyId: string;
  key: Buffer;
  at: number;
}

/** An event with its personal values opened, and those values by JSON pointer (for exports). */
export interface Revealed {
  event: OcsfEvent;
  personal: Record<string, unknown>;
}

export class PersonalData {
  private readonly hashKey: Buffer;
  private readonly wrapKey: Buffer;
  private readonly hashes = new Map<string, string>();
  /** Subject hash → the key new values are sealed under. */
  private readonly live = new Map<string, LiveKey>();
  /** Key id → key, or null once shredded (or unknown). */
  private readonly byId = new Map<string, { key: Buffer | null; at: number }>();
  /** Keys created inside a transaction that has not committed: never cached beyond it. */
  private readonly uncommitted = new WeakMap<object, Map<string, LiveKey>>();

  constructor(
    private readonly database: Database,
    keys: KeyRing,
    private readonly clock: () => number = Date.now,
  ) {
    this.hashKey = keys.derive('audit.subject');
    this.wrapKey = keys.derive('audit.protect');
  }

  /** The keyed hash that names a person in storage (never the ref in clear). */
  subjectHash(subject: string): string {
    const known = this.hashes.get(subject);
    if (known) return known;
    const h = createHmac('sha256', this.hashKey).update(normaliseSubject(subject), 'utf8').digest('hex');
    if (this.hashes.size >= HASH_CACHE_MAX) this.hashes.clear();
    this.hashes.set(subject, h);
    return h;
  }

  /** Seal the personal values of each event (made from the input at the same index), in place. */
  async protect(inputs: AuditInput[], events: OcsfEvent[], tx?: Queryable): Promise<void> {
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      const ev = events[i]!;
      if (input.actor.subject) {
        const k = await this.keyFor(input.actor.subject, tx);
        const user = ev.actor.user;
        if (user.uid_alt !== undefined) user.uid_alt = this.encrypt(k, user.uid_alt);
        // A session's name is the person's; a token's or an app's is not.
        if (user.name !== undefined && input.actor.type === 'user') user.name = this.encrypt(k, user.name);
        if (ev.src_endpoint) ev.src_endpoint = { ip: this.encrypt(k, ev.src_endpoint.ip) };
      }
      if (input.personal && ev.unmapped) {
        const k = await this.keyFor(input.personal.subject, tx);
        // A copy: the details object is the caller's.
        const details = { ...ev.unmapped };
        for (const name of input.personal.details) if (Object.hasOwn(details, name)) details[name] = this.encrypt(k, details[name]);
        ev.unmapped = details;
      }
      if (ev.unmapped) ev.unmapped = (await this.sealRefs(ev.unmapped, REF_DEPTH, tx)) as Record<string, unknown>;
    }
  }

  /** `value` with every person ref sealed under that person's key (the same object when none). */
  private async sealRefs(value: unknown, depth: number, tx: Queryable | undefined): Promise<unknown> {
    if (typeof value === 'string') return PERSON_REF.test(value) ? this.encrypt(await this.keyFor(value, tx), value) : value;
    if (depth === 0 || value === null || typeof value !== 'object') return value;
    let out: Record<string, unknown> | unknown[] | undefined;
    for (const [k, v] of Object.entries(value)) {
      const sealed = await this.sealRefs(v, depth - 1, tx);
      if (sealed === v) continue;
      out ??= Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
      // defineProperty: a details key named __proto__ stays a key.
      Object.defineProperty(out, k, { value: sealed, enumerable: true, writable: true, configurable: true });
    }
    return out ?? value;
  }

  private encrypt(k: LiveKey, value: unknown): string {
    return `enc:${k.keyId}:${seal(k.key, `audit/personal/${k.keyId}`, JSON.stringify(value))}`;
  }

  private async keyFor(subject: string, tx: Queryable | undefined): Promise<LiveKey> {
    const h = this.subjectHash(subject);
    const now = this.clock();
    const mine = tx ? this.uncommitted.get(tx)?.get(h) : undefined;
    if (mine) return mine;
    const cached = this.live.get(h);
    if (cached && now - cached.at < KEY_TTL_MS) return cached;
    const q = tx ?? this.database.db;
    let row = await keyStore.liveKey(q, h);
    let created = false;
    if (!row) {
      const keyId = randomBytes(12).toString('base64url');
      const key = randomBytes(32);
      // Two replicas may create one at once: the partial unique index keeps one, both then read it.
      created = await keyStore.insertKey(q, { key_id: keyId, subject_hash: h, sealed_key: seal(this.wrapKey, `audit/subject-key/${keyId}`, key.toString('base64')), created_at: new Date(now).toISOString(), shredded_at: null });
      row = await keyStore.liveKey(q, h);
      if (!row) throw new Error('audit subject key vanished while being created');
    }
    const k: LiveKey = { keyId: row.key_id, key: this.unwrap(row.key_id, row.sealed_key!), at: now };
    if (created && tx) {
      // Cached only for this transaction: if it rolls back, the key row goes with it.
      let m = this.uncommitted.get(tx);
      if (!m) this.uncommitted.set(tx, (m = new Map()));
      m.set(h, k);
    } else {
      this.live.set(h, k);
      this.byId.set(k.keyId, { key: k.key, at: now });
    }
    return k;
  }

  private unwrap(keyId: string, sealed: string): Buffer {
    return Buffer.from(unseal(this.wrapKey, `audit/subject-key/${keyId}`, sealed, `audit subject key ${keyId}`), 'base64');
  }

  /** Open the personal values of events: clear where the key exists, SHREDDED where it was destroyed. */
  async reveal(events: OcsfEvent[], q: Queryable = this.database.db): Promise<Revealed[]> {
    const now = this.clock();
    const wanted = new Set<string>();
    for (const ev of events) visitTokens(ev, '', (_p, keyId) => void wanted.add(keyId));
    const missing = [...wanted].filter((id) => {
      const c = this.byId.get(id);
      return !c || now - c.at >= KEY_TTL_MS;
    });
    if (missing.length > 0) {
      const rows = await keyStore.keysById(q, missing);
      const found = new Map(rows.map((r) => [r.key_id, r]));
      for (const id of missing) {
        const r = found.get(id);
        this.byId.set(id, { key: r?.sealed_key ? this.unwrap(id, r.sealed_key) : null, at: now });
      }
    }
    return events.map((ev) => {
      const personal: Record<string, unknown> = {};
      const event = mapTokens(ev, '', (pointer, keyId, sealed) => {
        const key = this.byId.get(keyId)?.key;
        let value: unknown = SHREDDED;
        if (key) {
          try {
            value = JSON.parse(unseal(key, `audit/personal/${keyId}`, sealed)) as unknown;
          } catch {
            // Not sealed under this key: a value that only looks like one stays as it is.
            return undefined;
          }
        }
        personal[pointer] = value;
        return value;
      }) as OcsfEvent;
      return { event, personal };
    });
  }

  /**
   * Destroy every data key of a person in `tx` (the caller checks holds and records the event).
   * Returns how many keys were destroyed. Other replicas stop using them within KEY_TTL_MS.
   */
  async shred(tx: Queryable, subject: string): Promise<number> {
    const h = this.subjectHash(subject);
    const ids = await keyStore.shredKeys(tx, h, new Date(this.clock()).toISOString());
    this.live.delete(h);
    for (const id of ids) this.byId.set(id, { key: null, at: this.clock() });
    return ids.length;
  }
}

function visitTokens(value: unknown, pointer: string, visit: (pointer: string, keyId: string, sealed: string) => void): void {
  if (typeof value === 'string') {
    const m = TOKEN.exec(value);
    if (m) visit(pointer, m[1]!, m[2]!);
  } else if (Array.isArray(value)) value.forEach((v, i) => visitTokens(v, `${pointer}/${i}`, visit));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) visitTokens(v, `${pointer}/${escapePointer(k)}`, visit);
}

/** A copy of `value` with each token replaced by what `open` returns (undefined: left as is). */
function mapTokens(value: unknown, pointer: string, open: (pointer: string, keyId: string, sealed: string) => unknown): unknown {
  if (typeof value === 'string') {
    const m = TOKEN.exec(value);
    if (!m) return value;
    const v = open(pointer, m[1]!, m[2]!);
    return v === undefined ? value : v;
  }
  if (Array.isArray(value)) return value.map((v, i) => mapTokens(v, `${pointer}/${i}`, open));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: mapTokens(v, `${pointer}/${escapePointer(k)}`, open), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** RFC 6901: `~` and `/` in a member name. */
function escapePointer(k: string): string {
  return k.replaceAll('~', '~0').replaceAll('/', '~1');
}
