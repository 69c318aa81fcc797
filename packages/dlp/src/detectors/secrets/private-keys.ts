/**
 * Private keys in text form: PEM blocks (`-----BEGIN [RSA |EC |DSA |OPENSSH |ENCRYPTED ]PRIVATE
 * KEY-----`, RFC 7468), OpenPGP secret key blocks (`-----BEGIN PGP PRIVATE KEY BLOCK-----`, RFC
 * 4880 armour with optional `Key: value` headers), and PuTTY `.ppk` files. The body must be at
 * least 64 base64 characters so that `-----BEGIN PRIVATE KEY-----\n…\n-----END…` in docs does not
 * count. Escaped newlines (`\n` inside JSON strings, e.g. service-account files) are accepted.
 * The body class excludes `-`, so each BEGIN line is examined once: linear on any input.
 */
import type { PatternDetector } from '../../types.ts';
import { BLOCK_REACH, TAIL_WINDOW, isPlaceholder } from './util.ts';

const TAG = 'secret.private-key';

/** Body of a PEM/armour block: base64 with its line breaks (literal or escaped `\n`) and the
 *  RFC 1421 / RFC 4880 header lines (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: AES-128-CBC,…`,
 *  `Version: GnuPG v2`). A `-` must be followed by a non-`-`, so `-----END` always ends it. */
const BODY = String.raw`(?:[A-Za-z0-9+/=\s:,.()_]|\\[nr]|-[A-Za-z0-9 ]){64,}`;

/** A key whose body is mostly one character, or that contains placeholder words, is a sample. */
function pemPlaceholder(block: string): boolean {
  const body = block.replace(/-----[^-]{1,60}-----/g, '').replace(/\\[nr]|\s/g, '');
  return isPlaceholder(body.slice(0, 200)) || /\.\.\.|<[^>]{1,40}>/.test(block);
}

export const privateKeyDetectors: PatternDetector[] = [
  {
    id: 'private-key', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['-----begin'],
    pattern: new RegExp(
      String.raw`(-----BEGIN[ A-Z0-9_]{0,40}PRIVATE KEY(?: BLOCK)?-----${BODY}-----END[ A-Z0-9_]{0,40}PRIVATE KEY(?: BLOCK)?-----)`,
      'g',
    ),
    group: 1, baseConfidence: 0.95, minEntropy: 3.5, isTestValue: pemPlaceholder,
    // the END line follows a body of any length
    window: { before: TAIL_WINDOW.before, after: BLOCK_REACH },
    description: 'PEM or OpenPGP private key block',
  },
  {
    id: 'putty-private-key', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['putty-user-key-file-'],
    pattern: /PuTTY-User-Key-File-[23]: [\w-]{3,40}\r?\nEncryption: [\w-]{3,20}\r?\nComment: [^\n]{0,200}\r?\nPublic-Lines: \d{1,3}\r?\n[A-Za-z0-9+/=\r\n]{20,}[\s\S]{0,400}?Private-Lines: \d{1,3}\r?\n([A-Za-z0-9+/=\r\n]{20,})/g,
    group: 1, baseConfidence: 0.95, isTestValue: pemPlaceholder,
    window: { before: TAIL_WINDOW.before, after: BLOCK_REACH },
    description: 'PuTTY private key file (.ppk)',
  },
];
