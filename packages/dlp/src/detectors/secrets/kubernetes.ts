/**
 * Kubernetes Secret manifests (`kind: Secret` with a `data:` map of base64 values). The value of
 * the first data entry is reported; values that decode to placeholders or templated references
 * (`{{ .Values.x }}`) are test values. The manifest may list `data:` before or after `kind:`.
 */
import type { PatternDetector } from '../../types.ts';
import { BLOCK_REACH, TAIL_WINDOW, isPlaceholder } from './util.ts';

const TAG = 'secret.kubernetes';

const DEFAULT_WORDS = /^(?:password|secret|admin|root|changeme|test|user(?:name)?)$/i;

/** The password half of a Docker `auth` value (base64 `user:password`); the value itself when it
 *  is not in that form (hand-written configs hold the secret as it is). */
function authPassword(auth: string): string {
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(auth) ? Buffer.from(auth, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  return colon > 0 && /^[\x20-\x7e]+$/.test(decoded) ? decoded.slice(colon + 1) : auth;
}

/** The credentials inside a Docker registry config (`.dockercfg`, `.dockerconfigjson`): the
 *  password half of each `auth` (base64 `user:password`) and any `password` or token fields.
 *  Null when `decoded` is not such a document. The registry names around them (often
 *  `example.com` in a real file) say nothing about whether the credential is live. */
export function dockerConfigCredentials(decoded: string): string[] | null {
  if (!decoded.trimStart().startsWith('{')) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(decoded);
  } catch {
    return null;
  }
  const found: string[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth > 6 || node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      if (typeof child === 'string') {
        if (key === 'auth') found.push(authPassword(child));
        else if (/^(?:password|identitytoken|registrytoken)$/i.test(key)) found.push(child);
      } else walk(child, depth + 1);
    }
  };
  walk(doc, 0);
  return found.length > 0 ? found : null;
}

/** Decodes a base64 data value and applies the placeholder test to what it holds. */
function decodedPlaceholder(value: string): boolean {
  const v = value.replace(/^["']|["']$/g, '');
  const decoded = Buffer.from(v, 'base64').toString('utf8');
  // Binary key material: only an all-zero or one-byte-repeated blob counts as a placeholder.
  if (!/^[\x20-\x7e\t\r\n]*$/.test(decoded)) return new Set(decoded).size <= 2;
  const credentials = dockerConfigCredentials(decoded);
  if (credentials) return credentials.every((c) => isPlaceholder(c) || DEFAULT_WORDS.test(c.trim()));
  return isPlaceholder(decoded) || DEFAULT_WORDS.test(decoded.trim());
}

const DATA_ENTRY = String.raw`\bdata:[ \t]*\r?\n[ \t]{1,10}[\w.-]{1,100}:[ \t]*(?:[|>][-+]?\s{1,20})?["']?([A-Za-z0-9+/]{10,}={0,3})["']?`;

export const kubernetesDetectors: PatternDetector[] = [
  {
    id: 'kubernetes-secret-yaml', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['secret'],
    pattern: new RegExp(String.raw`\bkind:[ \t]*["']?[Ss]ecret["']?[\s\S]{0,300}?${DATA_ENTRY}`, 'g'),
    group: 1, baseConfidence: 0.8, minEntropy: 2, isTestValue: decodedPlaceholder,
    // up to 300 characters, then the data entry's bounded head; its value is the unbounded tail
    window: { before: TAIL_WINDOW.before, after: 1024 },
    description: 'Value in the data map of a Kubernetes Secret manifest',
  },
  {
    id: 'kubernetes-secret-yaml--data-first', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['secret'],
    pattern: new RegExp(String.raw`${DATA_ENTRY}[\s\S]{0,1000}?\bkind:[ \t]*["']?[Ss]ecret["']?\s`, 'g'),
    group: 1, baseConfidence: 0.8, minEntropy: 2, isTestValue: decodedPlaceholder,
    // the keyword ends the match: the data value (any length) and 1000 characters come before it
    window: { before: BLOCK_REACH, after: TAIL_WINDOW.before },
    description: 'Value in the data map of a Kubernetes Secret manifest (data listed before kind)',
  },
];
