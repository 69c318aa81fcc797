/**
 * Signed checkpoints in the text formats transparency logs share (C2SP signed-note and
 * tlog-checkpoint; Go's sumdb/note, Sigstore and the witness network read the same bytes), so
 * an auditor can check Trellis' tree heads with tools that are not Trellis:
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n        ← the checkpoint: the text that is signed
 *   \n
 *   — <key name> <base64(4-byte key id ‖ 64-byte Ed25519 signature)>\n
 *
 * key id = SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)[0:4]; a verifier key is written
 * `<name>+<key id hex>+<base64(0x01 ‖ public key)>`. Signatures by keys a verifier does not
 * know are ignored; a known key's signature that fails rejects the note.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

const ED25519 = 0x01;
const SIG_PREFIX = '\u2014 ';
const MAX_NOTE_BYTES = 1 << 20;
const MAX_SIGNATURES = 100;

/** A key name: non-empty, no whitespace, no '+'. */
export function validKeyName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[\s+]/u.test(name);
}

function keyId(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, ED25519])).update(publicKey).digest().subarray(0, 4);
}

/** PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410), so node's crypto can load it. */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface NoteSigner {
  name: string;
  /** The verifier key to publish: `<name>+<id>+<key>`. */
  vkey: string;
  publicKey: Buffer;
  sign(text: string): string;
}

export interface NoteVerifier {
  name: string;
  id: Buffer;
  publicKey: Buffer;
  key: KeyObject;
}

export function vkeyOf(name: string, publicKey: Buffer): string {
  return `${name}+${keyId(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64')}`;
}

/** A signer from a 32-byte Ed25519 seed. */
export function noteSigner(name: string, seed: Buffer): NoteSigner {
  if (!validKeyName(name)) throw new Error(`invalid key name ${JSON.stringify(name)}: no spaces or '+'`);
  if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
  const id = keyId(name, publicKey);
  return {
    name,
    publicKey,
    vkey: vkeyOf(name, publicKey),
    sign(text: string): string {
      checkText(text);
      const sig = sign(null, Buffer.from(text, 'utf8'), privateKey);
      return `${text}\n${SIG_PREFIX}${name} ${Buffer.concat([id, sig]).toString('base64')}\n`;
    },
  };
}

export class NoteError extends Error {
  override name = 'NoteError';
}

/** Parse a verifier key; throws NoteError saying what is wrong. */
export function parseVkey(vkey: string): NoteVerifier {
  // The base64 key may itself hold '+': split at the first two only.
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey.trim());
  if (!m) throw new NoteError('a verifier key is <name>+<key id>+<base64 key>');
  const [, name, idHex, keyB64] = m as unknown as [string, string, string, string];
  if (!validKeyName(name)) throw new NoteError('the verifier key has an invalid name');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError('the verifier key id must be 8 lower-case hex digits');
  const raw = Buffer.from(keyB64, 'base64');
  if (raw.toString('base64') !== keyB64 || raw.length !== 33 || raw[0] !== ED25519) throw new NoteError('the verifier key is not an Ed25519 key (0x01 and 32 bytes, base64)');
  const publicKey = raw.subarray(1);
  if (!keyId(name, publicKey).equals(Buffer.from(idHex, 'hex'))) throw new NoteError('the verifier key id does not match its name and key');
  return { name, id: Buffer.from(idHex, 'hex'), publicKey, key: createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' }) };
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('note text must end with a newline');
  if (text.includes('\n\n')) throw new NoteError('note text must not contain a blank line');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new NoteError('note text must not contain control characters');
}

export interface OpenedNote {
  text: string;
  /** Names of the known keys whose signatures verified. */
  verifiedBy: string[];
  /** Signature lines by keys the verifiers do not know (witness cosignatures, for example). */
  otherSignatures: number;
}

/**
 * Check a signed note against the verifiers: resolves to its text when at least one known key
 * signed it; throws NoteError when the note is malformed, a known key's signature fails, or no
 * known key signed.
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  if (Buffer.byteLength(note, 'utf8') > MAX_NOTE_BYTES) throw new NoteError('note too large');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no blank line before the signatures');
  const text = note.slice(0, split + 1);
  checkText(text);
  const sigBlock = note.slice(split + 2);
  if (!sigBlock.endsWith('\n')) throw new NoteError('malformed note: the signature lines must end with a newline');
  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('too many signatures');
  const verifiedBy: string[] = [];
  let otherSignatures = 0;
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) throw new NoteError('malformed signature line');
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.lastIndexOf(' ');
    if (space <= 0) throw new NoteError('malformed signature line');
    const name = rest.slice(0, space);
    const b64 = rest.slice(space + 1);
    const raw = Buffer.from(b64, 'base64');
    if (!validKeyName(name) || raw.toString('base64') !== b64 || raw.length < 5) throw new NoteError('malformed signature line');
    const id = raw.subarray(0, 4);
    const v = verifiers.find((x) => x.name === name && x.id.equals(id));
    if (!v) {
      otherSignatures++;
      continue;
    }
    if (verifiedBy.includes(name)) continue;
    if (!verify(null, Buffer.from(text, 'utf8'), v.key, raw.subarray(4))) throw new NoteError(`the signature of ${name} does not verify: the note was changed or not signed by this key`);
    verifiedBy.push(name);
  }
  if (verifiedBy.length === 0) throw new NoteError('the note is not signed by any known key');
  return { text, verifiedBy, otherSignatures };
}

/** A tree head as the checkpoint text states it. */
export interface Checkpoint {
  origin: string;
  size: number;
  /** Root hash, 32 bytes. */
  root: Buffer;
  /** Extension lines after the root, as written. */
  extensions: string[];
}

export function formatCheckpoint(c: Checkpoint): string {
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\n${c.extensions.map((e) => `${e}\n`).join('')}`;
}

/** Parse checkpoint text (a signed note's text); throws NoteError naming the faulty line. */
export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') throw new NoteError('a checkpoint has an origin, a size and a root hash line');
  const [origin, sizeText, rootB64] = lines as [string, string, string];
  if (origin === '') throw new NoteError('checkpoint line 1: empty origin');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) throw new NoteError('checkpoint line 2: the tree size must be a decimal integer');
  const root = Buffer.from(rootB64, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootB64) throw new NoteError('checkpoint line 3: the root hash must be 32 bytes in base64');
  return { origin, size: Number(sizeText), root, extensions: lines.slice(3, -1) };
}

/** Open a signed checkpoint: the note's signature, then its text as a checkpoint of the expected origin. */
export function openCheckpoint(note: string, verifier: NoteVerifier): Checkpoint {
  const { text } = openNote(note, [verifier]);
  const c = parseCheckpoint(text);
  if (c.origin !== verifier.name) throw new NoteError(`the checkpoint's origin ${JSON.stringify(c.origin)} is not the key's name ${JSON.stringify(verifier.name)}`);
  return c;
}
