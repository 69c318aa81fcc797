/**
 * Which master key this installation uses, and the guard that every server agrees on it.
 *
 * Every replica must derive the same keys: a value tokenized on one replica is revealed on
 * another, and every replica checks the audit rows' MACs. Those keys derive from the
 * installation's root key, which the database keeps sealed under the master key (an
 * installation from before root keys uses its master key as the root, so nothing derived
 * changed). The master key comes from one place per kind of deployment:
 * - `TRELLIS_MASTER_KEY` (base64, 32 bytes) whenever it is set;
 * - SQLite: `<dataDir>/master.key` beside the database file (one host, one data directory);
 * - PostgreSQL in development mode: the database itself (`installation_keys.dev_root_key`),
 *   so two dev replicas agree with no set-up — anyone who reads the database reads the key,
 *   which is why this is refused outside development mode;
 * - PostgreSQL outside development mode without `TRELLIS_MASTER_KEY`: refused.
 * The first server to start records the root's key check (a MAC of a constant under a derived
 * key) in the database; every later start opens the root with its master key and compares,
 * refusing to run under a different key and naming the key ids. Format-preserving tokens
 * cannot tell a wrong key from a right one, so this start-time check is what keeps a replica
 * from "revealing" garbage.
 *
 * Rotating the master key: replicas start with the new key in TRELLIS_MASTER_KEY and the old
 * one in TRELLIS_PREVIOUS_MASTER_KEYS (comma-separated); any of them opens the root, and
 * `resealRoot` (run by `trellis keys rewrap`) seals it under the new key, after which the old
 * key is needed only by data still wrapped under it (secrets/ counts those).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database, Queryable } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { checkOf, existingKeyFile, keyRingFrom, masterKeyId, parseMasterKey, readOrCreateKeyFile, ringMaterial, rootSealingKey } from './master-key.ts';
import type { KeyRing } from '../module.ts';
import { readInstallationKey, recordInstallationKey, updateRootSeal } from './store.ts';
import type { InstallationKeyRow } from './rows.ts';
import { keyErrors } from './errors.ts';
import { seal, unseal } from './sealed.ts';

export type MasterKeySource = 'env' | 'file' | 'database';

export function masterKeySource(opts: { envKey: boolean; dialect: Database['dialect']; dev: boolean }): MasterKeySource {
  if (opts.envKey) return 'env';
  if (opts.dialect === 'sqlite') return 'file';
  if (opts.dev) return 'database';
  throw new AppError(
    'validation_failed',
    'a PostgreSQL installation outside development mode needs TRELLIS_MASTER_KEY (base64 of 32 random bytes, e.g. `openssl rand -base64 32`): every replica must use the same key, and it must not be kept in the database it protects',
  );
}

export const devKeyWarning = 'warning: development mode on PostgreSQL without TRELLIS_MASTER_KEY: the master key is kept in the database so that replicas share it, and anyone who can read the database can read it; set TRELLIS_MASTER_KEY for any real deployment';

export interface InstallationKeys {
  ring: KeyRing;
  /** The root key's id: the installation's identity, the same before and after a master-key rotation. */
  keyId: string;
  /** The current master key's id. */
  masterKeyId: string;
  source: MasterKeySource;
}

const ROOT_CONTEXT = 'keys/root';

function sameCheck(stored: InstallationKeyRow, check: string): boolean {
  const a = Buffer.from(stored.key_check, 'utf8');
  const b = Buffer.from(check, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function sourceName(source: MasterKeySource): string {
  return source === 'env' ? 'TRELLIS_MASTER_KEY' : source === 'file' ? 'the key file master.key' : 'a new development key';
}

/** `expected`: the master key id the database needs (the root's sealing key, or for an unsealed root the root itself). */
function mismatch(held: readonly string[], expected: string, source: MasterKeySource): AppError {
  const also = held.length > 1 ? ` and previous key id ${held.slice(1).join(', ')}` : '';
  return keyErrors.error(
    'key_mismatch',
    `refusing to start: this server's master key (key id ${held[0]}, from ${sourceName(source)}${also}) is not the key this database was first used with (key id ${expected}) or last re-wrapped under; values tokenized or encrypted under one key cannot be revealed under the other, and audit rows would not verify. Start it with the installation's TRELLIS_MASTER_KEY (during a rotation, the old key in TRELLIS_PREVIOUS_MASTER_KEYS until \`trellis keys rewrap\` has run)`,
  );
}

/** TRELLIS_PREVIOUS_MASTER_KEYS: the keys a rotation is moving away from, comma-separated base64. */
export function previousMasterKeys(env: NodeJS.ProcessEnv): Buffer[] {
  const raw = env.TRELLIS_PREVIOUS_MASTER_KEYS ?? '';
  return raw
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k, i) => parseMasterKey(k, `TRELLIS_PREVIOUS_MASTER_KEYS (entry ${i + 1})`));
}

function dedupe(keys: readonly Buffer[]): Buffer[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const id = masterKeyId(k);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The root key of a recorded installation, opened with whichever of `masters` can: the one the
 * root is sealed under, or (for a root never sealed apart) the master key that is the root.
 * Throws key_mismatch naming the key ids, never a key.
 */
function openRoot(stored: InstallationKeyRow, masters: readonly Buffer[], source: MasterKeySource): Buffer {
  const held = masters.map(masterKeyId);
  const expected = stored.root_sealed && stored.root_master_id ? stored.root_master_id : stored.key_id;
  let root: Buffer | undefined;
  if (stored.root_sealed && stored.root_master_id) {
    const master = masters.find((m) => masterKeyId(m) === stored.root_master_id);
    if (master) root = parseMasterKey(unseal(rootSealingKey(master), ROOT_CONTEXT, stored.root_sealed, 'the sealed root key'), 'the sealed root key');
  } else {
    root = masters.find((m) => sameCheck(stored, checkOf(m).check));
  }
  if (!root || !sameCheck(stored, checkOf(root).check)) throw mismatch(held, expected, source);
  return root;
}

/**
 * Resolve the master keys, open the installation's root with them (recording a new root on the
 * first start) and check it against the database. Throws `key_mismatch` or
 * `validation_failed`; warnings go to `warn`.
 */
export async function loadInstallationKeys(opts: { database: Database; dev: boolean; dataDir: string; env?: NodeJS.ProcessEnv; warn: (line: string) => void }): Promise<InstallationKeys> {
  const env = opts.env ?? process.env;
  const envKey = env.TRELLIS_MASTER_KEY;
  const source = masterKeySource({ envKey: Boolean(envKey), dialect: opts.database.dialect, dev: opts.dev });
  const previous = previousMasterKeys(env);
  let stored = await readInstallationKey(opts.database.db);
  let master: Buffer;
  // A key that existed before this start may be an installation's root from before root keys.
  let preexisting = false;
  if (source === 'env') master = parseMasterKey(envKey!, 'TRELLIS_MASTER_KEY');
  else if (source === 'file') {
    preexisting = existingKeyFile(opts.dataDir, () => undefined) !== undefined;
    master = readOrCreateKeyFile(opts.dataDir, opts.warn);
  } else {
    opts.warn(devKeyWarning);
    // An older dev installation kept its key in the data directory: adopt it, so values made then still reveal.
    const adopted = stored?.dev_root_key ? undefined : existingKeyFile(opts.dataDir, opts.warn);
    preexisting = adopted !== undefined;
    master = stored?.dev_root_key ? parseMasterKey(stored.dev_root_key, 'the database') : (adopted ?? randomBytes(32));
  }
  if (!stored) {
    // A new installation gets a random root; a key that was already in use stays the root, so what it made still opens.
    const root = preexisting ? master : randomBytes(32);
    const check = checkOf(root);
    stored = await recordInstallationKey(opts.database.db, {
      key_id: check.keyId,
      key_check: check.check,
      dev_root_key: source === 'database' ? master.toString('base64') : null,
      created_at: new Date().toISOString(),
      root_sealed: root === master ? null : seal(rootSealingKey(master), ROOT_CONTEXT, root.toString('base64')),
      root_master_id: root === master ? null : masterKeyId(master),
    });
    // Another dev replica recorded its key first: use that one.
    if (source === 'database' && stored.dev_root_key) master = parseMasterKey(stored.dev_root_key, 'the database');
  }
  const masters = dedupe([master, ...previous]);
  const root = openRoot(stored, masters, source);
  return { ring: keyRingFrom(root, masters), keyId: stored.key_id, masterKeyId: masterKeyId(master), source };
}

/**
 * The key ring for offline tools (audit verification) when a key is at hand — TRELLIS_MASTER_KEY
 * (and TRELLIS_PREVIOUS_MASTER_KEYS), a development database's key, or the key file in `dataDir`
 * — and it opens the database's root. Never creates anything. Undefined when no key is available.
 */
export async function findInstallationKey(opts: { database: Database; dataDir?: string; env?: NodeJS.ProcessEnv }): Promise<KeyRing | undefined> {
  const env = opts.env ?? process.env;
  const envKey = env.TRELLIS_MASTER_KEY;
  const stored = await readInstallationKey(opts.database.db).catch(() => undefined);
  const fileKey = opts.dataDir ? existingKeyFile(opts.dataDir, () => undefined) : undefined;
  const candidates = dedupe([
    ...(envKey ? [parseMasterKey(envKey, 'TRELLIS_MASTER_KEY')] : []),
    ...previousMasterKeys(env),
    ...(stored?.dev_root_key ? [parseMasterKey(stored.dev_root_key, 'the database')] : []),
    ...(fileKey ? [fileKey] : []),
  ]);
  if (candidates.length === 0) return undefined;
  if (!stored) return keyRingFrom(candidates[0]!, candidates);
  return keyRingFrom(openRoot(stored, candidates, envKey ? 'env' : stored.dev_root_key ? 'database' : 'file'), candidates);
}

/** Where the installation's keys stand: for `trellis keys status`. */
export interface RootKeyStatus {
  /** The root key's id (stable across master-key rotations). */
  root_key_id: string;
  /** The master key the root is sealed under; for an installation from before root keys, the master key that is the root. */
  root_master_key_id: string;
  /** The current master key (TRELLIS_MASTER_KEY, the key file or the development database's). */
  current_master_key_id: string;
  /** Every master key this replica holds, current first. */
  held_master_key_ids: string[];
}

export async function rootKeyStatus(q: Queryable, ring: KeyRing): Promise<RootKeyStatus> {
  const stored = await readInstallationKey(q);
  const m = ringMaterial(ring);
  const held = (m?.masters ?? []).map(masterKeyId);
  const rootId = stored?.key_id ?? (m ? checkOf(m.root).keyId : '');
  return { root_key_id: rootId, root_master_key_id: stored?.root_master_id ?? rootId, current_master_key_id: ring.kek().id, held_master_key_ids: held };
}

/**
 * Seal the root key under the ring's current master key (in the caller's transaction), so the
 * previous master key is no longer needed to start. Returns the master key ids before and after.
 */
export async function resealRoot(q: Queryable, ring: KeyRing): Promise<{ from: string; to: string; changed: boolean }> {
  const m = ringMaterial(ring);
  const stored = await readInstallationKey(q);
  // A ring not made from an installation (tests, tools) has no root of its own to seal.
  if (!m || !stored) return { from: ring.kek().id, to: ring.kek().id, changed: false };
  const from = stored.root_master_id ?? stored.key_id;
  const current = m.masters[0]!;
  const to = masterKeyId(current);
  if (stored.root_sealed && from === to) return { from, to, changed: false };
  await updateRootSeal(q, seal(rootSealingKey(current), ROOT_CONTEXT, m.root.toString('base64')), to);
  return { from, to, changed: true };
}
