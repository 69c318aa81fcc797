/**
 * The installation's keys: a stable root key from which every purpose key is derived (DLP
 * hashing, tokenization and encryption, the audit rows' MACs, the key check), and the master
 * keys (the current one and any previous ones during a rotation) from which the key-encryption
 * keys derive and under which the root is sealed. Keys are derived with HKDF-SHA-256, so no two
 * uses share key material, and neither root nor master key ever leaves this module. Where the master key comes from (environment, key file, database) is decided in
 * `installation.ts`; this file holds the derivation and the key file.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../errors.ts';
import type { KeyPurpose, KeyRing } from '../module.ts';
import { keyErrors } from './errors.ts';


/** HKDF-SHA-256 of 32 bytes under `trellis/<info>`: the one derivation every key here uses. */
function hkdf(key: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `trellis/${info}`, 32));
}

function checkUnder(checkKey: Buffer): { keyId: string; check: string } {
  const check = createHmac('sha256', checkKey).update('trellis key check v1').digest('hex');
  return { keyId: check.slice(0, 16), check };
}

/** The key check of a 32-byte key: a MAC of a fixed string under its 'key.check' derivation (one-way). */
export function checkOf(key: Buffer): { keyId: string; check: string } {
  return checkUnder(hkdf(key, 'key.check'));
}

/** A master key's id: the id its own key check gives (so a legacy root, which is a master key, keeps its id). */
export function masterKeyId(master: Buffer): string {
  return checkOf(master).keyId;
}

/** The key that seals the root key under a master key (never used for anything else). */
export function rootSealingKey(master: Buffer): Buffer {
  return hkdf(master, 'root-seal');
}

// What a ring was made from, for the keys module's own use (re-sealing the root, status) only.
const material = new WeakMap<KeyRing, { root: Buffer; masters: readonly Buffer[] }>();

/** The root and master keys behind a ring made here; undefined for a ring from elsewhere. */
export function ringMaterial(ring: KeyRing): { root: Buffer; masters: readonly Buffer[] } | undefined {
  return material.get(ring);
}

function keyMissing(id: string, held: readonly string[]): AppError {
  return keyErrors.error(
    'key_missing',
    `data here is wrapped under master key id ${id}, which this server does not hold (it holds ${held.join(', ')}); start it with that key in TRELLIS_MASTER_KEY or TRELLIS_PREVIOUS_MASTER_KEYS`,
  );
}

/**
 * A ring over the installation's root key (every purpose key) and its master keys, the current
 * one first (the KEKs). Without `masters` the root serves as the only master key, as it does
 * for an installation whose root has never been sealed apart from its master key.
 */
export function keyRingFrom(root: Buffer, masters: readonly Buffer[] = [root]): KeyRing {
  if (root.length !== 32 || masters.some((m) => m.length !== 32)) throw new AppError('validation_failed', 'the master key must be 32 bytes (base64 of 32 random bytes)');
  if (masters.length === 0) throw new AppError('validation_failed', 'a key ring needs a master key');
  const cache = new Map<KeyPurpose, Buffer>();
  const keks = new Map(masters.map((m) => [masterKeyId(m), hkdf(m, 'kek')] as const));
  const currentId = masterKeyId(masters[0]!);
  const ring: KeyRing = {
    derive(purpose) {
      let k = cache.get(purpose);
      if (!k) {
        k = hkdf(root, purpose);
        cache.set(purpose, k);
      }
      return k;
    },
    kek: () => ({ id: currentId, key: keks.get(currentId)! }),
    kekById(id) {
      const k = keks.get(id);
      if (!k) throw keyMissing(id, [...keks.keys()]);
      return k;
    },
  };
  material.set(ring, { root, masters });
  return ring;
}

/**
 * What proves which root key a database belongs to, without revealing the key: a MAC of a
 * fixed string under the derived 'key.check' key. The key id is its first 8 bytes, short
 * enough to print in an error.
 */
export function keyCheck(ring: KeyRing): { keyId: string; check: string } {
  return checkUnder(ring.derive('key.check'));
}

export function parseMasterKey(base64: string, source: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new AppError('validation_failed', `the master key in ${source} must be base64 of 32 bytes (got ${key.length} bytes)`);
  return key;
}

/** A mode that lets anyone but the owner read or write the file. */
export function tooOpen(mode: number): boolean {
  return (mode & 0o077) !== 0;
}

/**
 * `<dataDir>/master.key`, created on first use (directory 0700, file 0600). A key file that
 * others can read is used, but `warn` is told: refusing would take a running installation
 * down over a permission bit, and the fix (chmod 600) is the operator's call.
 */
export function readOrCreateKeyFile(dataDir: string, warn: (line: string) => void): Buffer {
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    // The mode given to writeFileSync passes through the umask; make sure of 0600.
    chmodSync(file, 0o600);
  }
  const mode = statSync(file).mode & 0o777;
  if (tooOpen(mode)) warn(`warning: ${file} has mode ${mode.toString(8).padStart(4, '0')}: others on this machine can read the master key; run chmod 600 ${file}`);
  return parseMasterKey(readFileSync(file, 'utf8'), file);
}

/** The key file's key when it exists (adopting an existing installation's key), else undefined. */
export function existingKeyFile(dataDir: string, warn: (line: string) => void): Buffer | undefined {
  return existsSync(join(dataDir, 'master.key')) ? readOrCreateKeyFile(dataDir, warn) : undefined;
}

/** A throwaway key ring (tests, tools that never persist derived values). */
export function ephemeralKeyRing(): KeyRing {
  return keyRingFrom(randomBytes(32));
}
