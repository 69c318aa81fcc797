/**
 * The installation's master key: the root of every key Trellis derives (DLP hashing,
 * tokenization and encryption, the audit rows' MACs, the key check). Purpose keys are derived
 * with HKDF-SHA-256, so no two uses share key material and the master key itself never leaves
 * this module. Where the master key comes from (environment, key file, database) is decided in
 * `installation.ts`; this file holds the derivation and the key file.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../errors.ts';
import type { KeyPurpose, KeyRing } from '../module.ts';


export function keyRingFrom(master: Buffer): KeyRing {
  if (master.length !== 32) throw new AppError('validation_failed', 'the master key must be 32 bytes (base64 of 32 random bytes)');
  const cache = new Map<KeyPurpose, Buffer>();
  return {
    derive(purpose) {
      let k = cache.get(purpose);
      if (!k) {
        k = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `trellis/${purpose}`, 32));
        cache.set(purpose, k);
      }
      return k;
    },
  };
}

/**
 * What proves which master key a database was first used with, without revealing the key: a
 * MAC of a fixed string under the derived 'key.check' key (a one-way function of the master
 * key). The key id is its first 8 bytes, short enough to print in an error.
 */
export function keyCheck(ring: KeyRing): { keyId: string; check: string } {
  const check = createHmac('sha256', ring.derive('key.check')).update('trellis key check v1').digest('hex');
  return { keyId: check.slice(0, 16), check };
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
