/** Keyed hashing (HMAC-SHA-256): deterministic, so equal values still join and count equal, but
 *  irreversible and not guessable without the key (a plain hash of a 9-digit SSN is not). */
import { createHmac } from 'node:crypto';
import { keyBytes, type KeyInput } from './keys.ts';

export function hmacHash(value: string, key: KeyInput | undefined, length = 64): string {
  return createHmac('sha256', keyBytes(key, 'hash')).update(value, 'utf8').digest('hex').slice(0, length);
}
