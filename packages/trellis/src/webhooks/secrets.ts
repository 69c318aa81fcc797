/**
 * Signing secrets at rest: AES-256-GCM under the installation's 'webhooks.secret' key, with a
 * random 96-bit nonce per encryption and the subscription id as additional data, so a
 * ciphertext copied onto another subscription's row does not decrypt. Stored as
 * `v1:` + base64(nonce ‖ ciphertext ‖ tag).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const version = 'v1:';

function aad(subscriptionId: string): Buffer {
  return Buffer.from(`trellis/webhooks.secret/${subscriptionId}`, 'utf8');
}

export function encryptSecret(key: Buffer, subscriptionId: string, secret: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad(subscriptionId));
  const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return version + Buffer.concat([nonce, ct, cipher.getAuthTag()]).toString('base64');
}

/** Throws when the value was not encrypted for this subscription under this key. */
export function decryptSecret(key: Buffer, subscriptionId: string, stored: string): string {
  if (!stored.startsWith(version)) throw new Error(`webhook secret of ${subscriptionId} is in an unknown format`);
  const raw = Buffer.from(stored.slice(version.length), 'base64');
  if (raw.length < 12 + 16 + 1) throw new Error(`webhook secret of ${subscriptionId} is truncated`);
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(aad(subscriptionId));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
}
