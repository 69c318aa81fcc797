/**
 * The key that signs audit checkpoints, and where it comes from.
 *
 * A checkpoint proves history only to someone who trusts its signature, so the key must not be
 * one the database yields: whoever can rewrite the audit table and also read the key can sign
 * a rewritten history. Hence, in order:
 * - `TRELLIS_AUDIT_SIGNING_KEY` (base64 of a 32-byte Ed25519 seed) or
 *   `TRELLIS_AUDIT_SIGNING_KEY_FILE` (that, or a PKCS #8 PEM Ed25519 private key);
 * - development mode: SQLite on disk keeps `audit-signing.key` beside the database (created on
 *   first start); elsewhere (PostgreSQL, in-memory) the key derives from the installation's root
 *   key, so development replicas agree with no set-up;
 * - outside development mode without a key: the server refuses to start and says why.
 * The public half is published as a C2SP verifier key (`GET /api/v1/audit/key`); auditors take
 * it once and check every later checkpoint, export and proof with it alone.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createPrivateKey, createHash, generateKeyPairSync } from 'node:crypto';
import { dirname, join } from 'node:path';
import { AppError } from '../../errors.ts';
import type { KeyRing } from '../../module.ts';
import { tooOpen } from '../../keys/index.ts';
import { noteSigner, type NoteSigner } from './signed-note.ts';

export type SigningKeySource = 'env' | 'file' | 'data-dir' | 'derived';

export interface SigningKeyOptions {
  key: string;
  keyFile: string;
  origin: string;
  dev: boolean;
  /** The SQLite database file, when the database is SQLite on disk. */
  sqliteFile: string | undefined;
  keys: KeyRing;
  warn(line: string): void;
}

const SEED_BYTES = 32;
/** The seed sits at the end of an Ed25519 PKCS #8 document (RFC 8410). */
const PKCS8_SEED_OFFSET = 16;

/** A new key file's content: base64 of a fresh seed (what `trellis audit keygen` prints). */
export function newSigningKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_SEED_OFFSET).toString('base64');
}

function refuse(message: string): never {
  throw new AppError('validation_failed', message);
}

/** Parse a seed from base64 text or a PEM private key; `where` names the source in errors (never the value). */
export function parseSigningKey(text: string, where: string): Buffer {
  const t = text.trim();
  if (t.startsWith('-----BEGIN')) {
    let key;
    try {
      key = createPrivateKey(t);
    } catch {
      refuse(`${where} is not a readable PEM private key`);
    }
    if (key.asymmetricKeyType !== 'ed25519') refuse(`${where} holds a ${key.asymmetricKeyType ?? 'non-Ed25519'} key; checkpoints are signed with Ed25519`);
    return key.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_SEED_OFFSET);
  }
  const seed = Buffer.from(t, 'base64');
  if (seed.length !== SEED_BYTES || seed.toString('base64').replace(/=+$/, '') !== t.replace(/=+$/, '')) refuse(`${where} must be base64 of a 32-byte Ed25519 seed or a PEM private key (create one with \`trellis audit keygen\`)`);
  return seed;
}

function readKeyFile(file: string, warn: (line: string) => void): Buffer {
  if (!existsSync(file)) refuse(`the audit signing key file ${file} does not exist`);
  const mode = statSync(file).mode & 0o777;
  if (tooOpen(mode)) warn(`warning: ${file} has mode ${mode.toString(8).padStart(4, '0')}: others on this machine can read the audit signing key; run chmod 600 ${file}`);
  return parseSigningKey(readFileSync(file, 'utf8'), `the audit signing key file ${file}`);
}

export function loadSigningSeed(o: SigningKeyOptions): { seed: Buffer; source: SigningKeySource } {
  if (o.key) return { seed: parseSigningKey(o.key, 'TRELLIS_AUDIT_SIGNING_KEY'), source: 'env' };
  if (o.keyFile) return { seed: readKeyFile(o.keyFile, o.warn), source: 'file' };
  if (!o.dev) {
    refuse(
      'outside development mode Trellis needs the key that signs audit checkpoints: set TRELLIS_AUDIT_SIGNING_KEY_FILE to a file made by `trellis audit keygen` (or TRELLIS_AUDIT_SIGNING_KEY). Keep it apart from the database: whoever holds both can sign a rewritten history.',
    );
  }
  if (o.sqliteFile) {
    const file = join(dirname(o.sqliteFile), 'audit-signing.key');
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, newSigningKey() + '\n', { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    }
    return { seed: readKeyFile(file, o.warn), source: 'data-dir' };
  }
  return { seed: o.keys.derive('audit.checkpoint-signing'), source: 'derived' };
}

/** The checkpoint signer: the configured origin, or one named after the key so it never changes by accident. */
export function loadCheckpointSigner(o: SigningKeyOptions): { signer: NoteSigner; source: SigningKeySource } {
  const { seed, source } = loadSigningSeed(o);
  const probe = noteSigner('probe', seed);
  const origin = o.origin || `trellis/audit/${createHash('sha256').update(probe.publicKey).digest('hex').slice(0, 16)}`;
  return { signer: noteSigner(origin, seed), source };
}
