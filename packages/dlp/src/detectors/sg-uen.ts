/** Singapore UEN (business registration numbers), checksum-validated. */
import type { PatternDetector } from '../types.ts';
import { sgUenValid } from '../validators/sg-uen.ts';
import { isAsciiLetter, re } from './shared.ts';

/**
 * Whether the digit run `text[start, end)` can be part of a UEN: either the whole 8–9 digit
 * business number (a letter after it), or the four digits of the `[RST]yyPQnnnnC` form, which
 * follow R/S/T, two year digits and two entity-type letters, and precede the check letter.
 */
function uenRun(text: string, start: number, end: number): boolean {
  if (!isAsciiLetter(text.charCodeAt(end))) return false;
  const length = end - start;
  if (length === 8 || length === 9) return true;
  return length === 4 && isAsciiLetter(text.charCodeAt(start - 1)) && isAsciiLetter(text.charCodeAt(start - 2))
    && isDigit(text.charCodeAt(start - 3)) && isDigit(text.charCodeAt(start - 4)) && 'RSTrst'.includes(text.charAt(start - 5));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export const sgUenDetector: PatternDetector = {
  id: 'sg-uen',
  entity: 'SG_UEN',
  kind: 'pii',
  tag: 'pii.business_id',
  keywords: [],
  anchor: { kind: 'run', minLength: 4, maxLength: 9, before: 5, after: 2 },
  anchorFilter: uenRun,
  trigger: { minDigits: 4 },
  pattern: re(String.raw`(?<![A-Za-z0-9])(?:\d{8,9}|[RST]\d{2}[A-Z]{2}\d{4})[A-Z](?![A-Za-z0-9])`, 'i'),
  baseConfidence: 0.8,
  validate: sgUenValid,
  context: ['uen', 'acra', 'business registration'],
  description: 'Singapore UEN',
};
