/** Key material for the keyed operators. Keys arrive as bytes or as base64/hex text; they are
 *  never echoed in errors. */
import { DlpInvalidKeyError, DlpKeyMissingError } from '../errors.ts';

export type KeyInput = Uint8Array | string;

export function keyBytes(key: KeyInput | undefined, operator: string, exactLength?: number): Buffer {
  if (key === undefined) throw new DlpKeyMissingError(operator);
  let bytes: Buffer;
  if (typeof key !== 'string') bytes = Buffer.from(key);
  else if (/^[0-9a-fA-F]+$/.test(key) && key.length % 2 === 0 && key.length >= 32) bytes = Buffer.from(key, 'hex');
  else bytes = Buffer.from(key, 'base64');
  if (exactLength !== undefined && bytes.length !== exactLength) throw new DlpInvalidKeyError(operator, `must be ${exactLength} bytes (got ${bytes.length})`);
  if (bytes.length < 16) throw new DlpInvalidKeyError(operator, 'must be at least 16 bytes');
  return bytes;
}
