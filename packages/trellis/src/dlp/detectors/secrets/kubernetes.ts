/**
 * Kubernetes Secret manifests (`kind: Secret` with a `data:` map of base64 values). The value of
 * the first data entry is reported; values that decode to placeholders or templated references
 * (`{{ .Values.x }}`) are test values. The manifest may list `data:` before or after `kind:`.
 */
import type { PatternDetector } from '../../types.ts';
import { isPlaceholder } from './util.ts';

const TAG = 'secret.kubernetes';

/** Decodes a base64 data value and applies the placeholder test to what it holds. */
function decodedPlaceholder(value: string): boolean {
  const v = value.replace(/^["']|["']$/g, '');
  const decoded = Buffer.from(v, 'base64').toString('utf8');
  // Binary key material: only an all-zero or one-byte-repeated blob counts as a placeholder.
  if (!/^[\x20-\x7e\t\r\n]*$/.test(decoded)) return new Set(decoded).size <= 2;
  return isPlaceholder(decoded) || /^(?:password|secret|admin|root|changeme|test|user(?:name)?)$/i.test(decoded.trim());
}

const DATA_ENTRY = String.raw`\bdata:[ \t]*\r?\n[ \t]{1,10}[\w.-]{1,100}:[ \t]*(?:[|>][-+]?\s{1,20})?["']?([A-Za-z0-9+/]{10,}={0,3})["']?`;

export const kubernetesDetectors: PatternDetector[] = [
  {
    id: 'kubernetes-secret-yaml', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['secret'],
    pattern: new RegExp(String.raw`\bkind:[ \t]*["']?[Ss]ecret["']?[\s\S]{0,300}?${DATA_ENTRY}`, 'g'),
    group: 1, baseConfidence: 0.8, minEntropy: 2, isTestValue: decodedPlaceholder,
    description: 'Value in the data map of a Kubernetes Secret manifest',
  },
  {
    id: 'kubernetes-secret-yaml--data-first', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['secret'],
    pattern: new RegExp(String.raw`${DATA_ENTRY}[\s\S]{0,1000}?\bkind:[ \t]*["']?[Ss]ecret["']?\s`, 'g'),
    group: 1, baseConfidence: 0.8, minEntropy: 2, isTestValue: decodedPlaceholder,
    description: 'Value in the data map of a Kubernetes Secret manifest (data listed before kind)',
  },
];
