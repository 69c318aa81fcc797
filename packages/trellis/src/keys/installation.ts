/**
 * Which master key this installation uses, and the guard that every server agrees on it.
 *
 * Every replica must derive the same keys: a value tokenized on one replica is revealed on
 * another, and every replica checks the audit rows' MACs. So the key comes from one place per
 * kind of deployment:
 * - `TRELLIS_MASTER_KEY` (base64, 32 bytes) whenever it is set;
 * - SQLite: `<dataDir>/master.key` beside the database file (one host, one data directory);
 * - PostgreSQL in development mode: the database itself (`installation_keys.dev_root_key`),
 *   so two dev replicas agree with no set-up — anyone who reads the database reads the key,
 *   which is why this is refused outside development mode;
 * - PostgreSQL outside development mode without `TRELLIS_MASTER_KEY`: refused.
 * The first server to start records a key check (a MAC of a constant under a derived key) in
 * the database; every later start compares and refuses to run under a different key, naming
 * both key ids. Format-preserving tokens cannot tell a wrong key from a right one, so this
 * start-time check is what keeps a replica from "revealing" garbage.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { existingKeyFile, keyCheck, keyRingFrom, parseMasterKey, readOrCreateKeyFile } from './master-key.ts';
import type { KeyRing } from '../module.ts';
import { readInstallationKey, recordInstallationKey } from './store.ts';
import type { InstallationKeyRow } from './rows.ts';
import { keyErrors } from './errors.ts';

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
  keyId: string;
  source: MasterKeySource;
}

function sameCheck(stored: InstallationKeyRow, check: string): boolean {
  const a = Buffer.from(stored.key_check, 'utf8');
  const b = Buffer.from(check, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function mismatch(mine: string, stored: InstallationKeyRow, source: MasterKeySource): AppError {
  const from = source === 'env' ? 'TRELLIS_MASTER_KEY' : source === 'file' ? 'the key file master.key' : 'a new development key';
  return keyErrors.error(
    'key_mismatch',
    `refusing to start: this server's master key (key id ${mine}, from ${from}) is not the key this database was first used with (key id ${stored.key_id}); values tokenized or encrypted under one key cannot be revealed under the other, and audit rows would not verify. Start it with the installation's TRELLIS_MASTER_KEY`,
  );
}

/**
 * Resolve the master key and check it against the one the database records (recording it on
 * first start). Throws `key_mismatch` or `validation_failed`; warnings go to `warn`.
 */
export async function loadInstallationKeys(opts: { database: Database; dev: boolean; dataDir: string; env?: NodeJS.ProcessEnv; warn: (line: string) => void }): Promise<InstallationKeys> {
  const envKey = (opts.env ?? process.env).TRELLIS_MASTER_KEY;
  const source = masterKeySource({ envKey: Boolean(envKey), dialect: opts.database.dialect, dev: opts.dev });
  let stored = await readInstallationKey(opts.database.db);
  let master: Buffer;
  if (source === 'env') master = parseMasterKey(envKey!, 'TRELLIS_MASTER_KEY');
  else if (source === 'file') master = readOrCreateKeyFile(opts.dataDir, opts.warn);
  else {
    opts.warn(devKeyWarning);
    // An older dev installation kept its key in the data directory: adopt it, so values made then still reveal.
    master = stored?.dev_root_key ? parseMasterKey(stored.dev_root_key, 'the database') : (existingKeyFile(opts.dataDir, opts.warn) ?? randomBytes(32));
  }
  let mine = keyCheck(keyRingFrom(master));
  if (!stored) {
    stored = await recordInstallationKey(opts.database.db, {
      key_id: mine.keyId,
      key_check: mine.check,
      dev_root_key: source === 'database' ? master.toString('base64') : null,
      created_at: new Date().toISOString(),
    });
    if (source === 'database' && stored.dev_root_key) {
      // Another dev replica recorded its key first: use that one.
      master = parseMasterKey(stored.dev_root_key, 'the database');
      mine = keyCheck(keyRingFrom(master));
    }
  }
  if (!sameCheck(stored, mine.check)) throw mismatch(mine.keyId, stored, source);
  return { ring: keyRingFrom(master), keyId: mine.keyId, source };
}

/**
 * The key for offline tools (audit verification) when one is at hand — TRELLIS_MASTER_KEY, a
 * development database's key, or the key file in `dataDir` — and it matches the database's key
 * check. Never creates anything. Undefined when no key is available.
 */
export async function findInstallationKey(opts: { database: Database; dataDir?: string; env?: NodeJS.ProcessEnv }): Promise<KeyRing | undefined> {
  const envKey = (opts.env ?? process.env).TRELLIS_MASTER_KEY;
  const stored = await readInstallationKey(opts.database.db).catch(() => undefined);
  const master = envKey
    ? parseMasterKey(envKey, 'TRELLIS_MASTER_KEY')
    : stored?.dev_root_key
      ? parseMasterKey(stored.dev_root_key, 'the database')
      : opts.dataDir
        ? existingKeyFile(opts.dataDir, () => undefined)
        : undefined;
  if (!master) return undefined;
  const ring = keyRingFrom(master);
  const mine = keyCheck(ring);
  if (stored && !sameCheck(stored, mine.check)) throw mismatch(mine.keyId, stored, envKey ? 'env' : stored.dev_root_key ? 'database' : 'file');
  return ring;
}
