/**
 * Signing secrets at rest: AES-256-GCM under the installation's 'webhooks.secret' key, with a
 * random 96-bit nonce per encryption and the subscription id as additional data, so a
 * ciphertext copied onto another subscription's row does not decrypt. Stored as
 * `v1:` + base64(nonce ‖ ciphertext ‖ tag).
 */
import { seal, unseal } from '../keys/index.ts';

export function encryptSecret(key: Buffer, subscriptionId: string, secret: string): string {
  return seal(key, `webhooks.secret/${subscriptionId}`, secret);
}

/** Throws when the value was not encrypted for this subscription under this key. */
export function decryptSecret(key: Buffer, subscriptionId: string, stored: string): string {
  return unseal(key, `webhooks.secret/${subscriptionId}`, stored, `webhook secret of ${subscriptionId}`);
}
