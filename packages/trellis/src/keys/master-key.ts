/**
 * The installation's master key: the root of every key Trellis derives (DLP hashing,
 * tokenization and encryption today; secret envelope keys later). From TRELLIS_MASTER_KEY
 * (base64, 32 bytes) when set, else from `<dataDir>/master.key`, created on first start with
 * mode 0600. Purpose keys are derived with HKDF-SHA-256, so no two uses share key material and
 * the master key itself never leaves this module.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hkdfSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../errors.ts';

export type KeyPurpose = 'dlp.hash' | 'dlp.tokenize' | 'dlp.encrypt' | 'audit.protect';

export interface KeyRing {
  derive(purpose: KeyPurpose): Buffer;
}

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

export function loadKeyRing(opts: { dataDir: string; env?: NodeJS.ProcessEnv }): KeyRing {
  const fromEnv = (opts.env ?? process.env).TRELLIS_MASTER_KEY;
  if (fromEnv) return keyRingFrom(Buffer.from(fromEnv, 'base64'));
  const file = join(opts.dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(opts.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return keyRingFrom(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
}

/** A throwaway key ring (tests, tools that never persist derived values). */
export function ephemeralKeyRing(): KeyRing {
  return keyRingFrom(randomBytes(32));
}
