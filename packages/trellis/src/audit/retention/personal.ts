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
import type { Database, Queryable } from '../../db/database.ts';
import { seal, unseal, type KeyRing } from '../../keys/index.ts';
import type { AuditInput, OcsfEvent } from '../ocsf.ts';
import * as keyStore from './store.ts';

/** What a value whose key was destroyed reads as. */
export const SHREDDED = '[shredded]';
/** How long a replica trusts a data key (or its absence) read from the database. */
export const KEY_TTL_MS = 30_000;
const TOKEN = /^enc:([A-Za-z0-9_-]{16}):(v1:[A-Za-z0-9+/=]+)$/;
const HASH_CACHE_MAX = 10_000;
/** A person ref as modules write them (auth/person-ref.ts): `user:` and an e-mail. */
const PERSON_REF = /^user:[^\s@]+@[^\s@]+$/i;
/** Entries of each value cache below; past it the cache starts again empty. */
const VALUE_CACHE_MAX = 20_000;
/** How deep person refs are looked for in details (they sit at the top or one level down). */
const REF_DEPTH = 3;

/** Whether `sealRefs` would find a person ref in `value` (the same walk, without sealing). */
function holdsPersonRef(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return PERSON_REF.test(value);
  if (depth === 0 || value === null || typeof value !== 'object') return false;
  for (const v of Object.values(value)) if (holdsPersonRef(v, depth - 1)) return true;
  return false;
}

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
  /**
   * Sealed values by key id and value: the gateway writes the same person and IP on call after
   * call, and a seal costs more than the rest of the event. Repeating one seal's output for the
   * same value under the same key reuses no nonce for different data; it only shows that two
   * events hold the same value, as the clear value would.
   */
  private readonly sealedValues = new Map<string, string>();
  /** Opened values by their sealed text (checked against `byId` first, so a shred still wins). */
  private readonly openedValues = new Map<string, unknown>();
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
      // Most details name nobody: look before walking them with an await per value.
      if (ev.unmapped && holdsPersonRef(ev.unmapped, REF_DEPTH)) ev.unmapped = (await this.sealRefs(ev.unmapped, REF_DEPTH, tx)) as Record<string, unknown>;
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
      setOwn(out, k, sealed);
    }
    return out ?? value;
  }

  private encrypt(k: LiveKey, value: unknown): string {
    const plain = JSON.stringify(value);
    const at = `${k.keyId}\n${plain}`;
    let token = this.sealedValues.get(at);
    if (token === undefined) {
      token = `enc:${k.keyId}:${seal(k.key, `audit/personal/${k.keyId}`, plain)}`;
      if (this.sealedValues.size >= VALUE_CACHE_MAX) this.sealedValues.clear();
      this.sealedValues.set(at, token);
    }
    return token;
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
    for (const ev of events) visitTokens(ev, (keyId) => void wanted.add(keyId));
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
      const event = mapTokens(ev, [], (path, keyId, sealed) => {
        const key = this.byId.get(keyId)?.key;
        let value: unknown = SHREDDED;
        if (key) {
          value = this.openedValues.get(sealed);
          if (value === undefined) {
            try {
              value = JSON.parse(unseal(key, `audit/personal/${keyId}`, sealed)) as unknown;
            } catch {
              // Not sealed under this key: a value that only looks like one stays as it is.
              return undefined;
            }
            if (this.openedValues.size >= VALUE_CACHE_MAX) this.openedValues.clear();
            this.openedValues.set(sealed, value);
          }
        }
        personal[pointerOf(path)] = value;
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
    // Values are cached by key; dropping all is simpler than finding this person's, and rare.
    this.sealedValues.clear();
    this.openedValues.clear();
    return ids.length;
  }
}

/** The JSON pointer (RFC 6901) of a path of member names. */
function pointerOf(path: string[]): string {
  return path.map((k) => '/' + k.replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

function visitTokens(value: unknown, visit: (keyId: string) => void): void {
  if (typeof value === 'string') {
    const m = TOKEN.exec(value);
    if (m) visit(m[1]!);
  } else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) visitTokens(v, visit);
}

/**
 * `value` with each token replaced by what `open` returns (undefined: left as is). Copies only
 * the objects on the way to a replaced token; the rest is shared with the input. `path` is the
 * member names down to `value` (a stack, so pointers are built only for tokens).
 */
function mapTokens(value: unknown, path: string[], open: (path: string[], keyId: string, sealed: string) => unknown): unknown {
  if (typeof value === 'string') {
    const m = TOKEN.exec(value);
    if (!m) return value;
    const v = open(path, m[1]!, m[2]!);
    return v === undefined ? value : v;
  }
  if (value === null || typeof value !== 'object') return value;
  let out: Record<string, unknown> | unknown[] | undefined;
  for (const [k, v] of Object.entries(value)) {
    path.push(k);
    const mapped = mapTokens(v, path, open);
    path.pop();
    if (mapped === v) continue;
    out ??= Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
    setOwn(out, k, mapped);
  }
  return out ?? value;
}

/** Set a member, keeping one named __proto__ a member (plain assignment would set the prototype). */
function setOwn(o: object, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else (o as Record<string, unknown>)[k] = v;
}
