/**
 * Envelope encryption of secret values. Each version gets a fresh 32-byte data key (DEK); the
 * value is sealed under the DEK and the DEK under the master key's key-encryption key (KEK),
 * both with AES-256-GCM (keys/sealed.ts) and additional data naming the secret and version,
 * so a ciphertext or wrapped key moved to another row does not open. Rotating the master key
 * re-wraps DEKs only (a few dozen bytes each), never re-encrypts values; destroying a version
 * discards its DEK, which leaves the ciphertext unreadable under any key.
 */
import { randomBytes } from 'node:crypto';
import { seal, unseal } from '../keys/index.ts';
import type { KeyRing } from '../module.ts';

export interface SealedValue {
  kek_id: string;
  wrapped_dek: string;
  ciphertext: string;
}

const valueContext = (name: string, version: number) => `secrets/value/${name}/${version}`;
const dekContext = (name: string, version: number) => `secrets/dek/${name}/${version}`;

export function encryptValue(keys: KeyRing, name: string, version: number, value: string): SealedValue {
  const dek = randomBytes(32);
  const kek = keys.kek();
  return {
    kek_id: kek.id,
    wrapped_dek: seal(kek.key, dekContext(name, version), dek.toString('base64')),
    ciphertext: seal(dek, valueContext(name, version), value),
  };
}

function unwrapDek(keys: KeyRing, name: string, version: number, sealed: Pick<SealedValue, 'kek_id' | 'wrapped_dek'>): Buffer {
  // kekById throws key_missing naming the master key id when this replica lacks it.
  return Buffer.from(unseal(keys.kekById(sealed.kek_id), dekContext(name, version), sealed.wrapped_dek, `the data key of secret ${name} version ${version}`), 'base64');
}

export function decryptValue(keys: KeyRing, name: string, version: number, sealed: SealedValue): string {
  return unseal(unwrapDek(keys, name, version, sealed), valueContext(name, version), sealed.ciphertext, `secret ${name} version ${version}`);
}

/** The same data key wrapped under the ring's current KEK (the value is untouched). */
export function rewrapDek(keys: KeyRing, name: string, version: number, sealed: Pick<SealedValue, 'kek_id' | 'wrapped_dek'>): Pick<SealedValue, 'kek_id' | 'wrapped_dek'> {
  const dek = unwrapDek(keys, name, version, sealed);
  const kek = keys.kek();
  return { kek_id: kek.id, wrapped_dek: seal(kek.key, dekContext(name, version), dek.toString('base64')) };
}
