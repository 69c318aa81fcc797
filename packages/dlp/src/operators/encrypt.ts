/** Encryption with AES-256-GCM: a random 96-bit IV per value and the GCM tag make any change to
 *  the ciphertext detectable. Output: `enc:v1:` + base64url(iv ‖ ciphertext ‖ tag). */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DlpDecryptError } from '../errors.ts';
import { keyBytes, type KeyInput } from './keys.ts';

const PREFIX = 'enc:v1:';

export function encrypt(value: string, key: KeyInput | undefined, aad?: string): string {
  const k = keyBytes(key, 'encrypt', 32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', k, iv);
  if (aad) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

export function decrypt(token: string, key: KeyInput | undefined, aad?: string): string {
  const k = keyBytes(key, 'encrypt', 32);
  if (!token.startsWith(PREFIX)) throw new DlpDecryptError();
  const raw = Buffer.from(token.slice(PREFIX.length), 'base64url');
  if (raw.length < 12 + 16) throw new DlpDecryptError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', k, raw.subarray(0, 12));
    if (aad) decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new DlpDecryptError();
  }
}
