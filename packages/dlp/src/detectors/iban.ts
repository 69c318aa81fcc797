/** IBANs, contiguous or printed in groups of four, any case. A candidate is cut to its
 *  country's registered length (so "… 6769 and" keeps only the IBAN) and then must match the
 *  country's BBAN layout and the MOD 97-10 check. */
import type { PatternDetector } from '../types.ts';
import { ibanLength, ibanValid } from '../validators/iban.ts';
import { alnumOnly, isAsciiLetter, re } from './shared.ts';

export function trimIban(value: string): number {
  const len = ibanLength(value.slice(0, 2));
  if (len === undefined) return 0;
  let seen = 0;
  for (let i = 0; i < value.length; i++) {
    if (/[A-Za-z0-9]/.test(value[i]!)) seen++;
    if (seen === len) {
      const next = value[i + 1];
      return next === undefined || next === ' ' || next === '-' ? i + 1 : 0;
    }
  }
  return 0;
}

export const ibanDetector: PatternDetector = {
  id: 'iban',
  entity: 'IBAN_CODE',
  kind: 'pii',
  tag: 'pci.iban',
  keywords: [],
  // anchor: country code and check digits start every IBAN
  anchor: { kind: 'pattern', pattern: /[A-Za-z]{2}\d{2}/g, before: 0, after: 60 },
  // an IBAN starts a word: the country code inside a longer token (hex ids, hashes) starts none
  anchorFilter: (text, start) => {
    const c = text.charCodeAt(start - 1);
    return !isAsciiLetter(c) && !(c >= 48 && c <= 57);
  },
  trigger: { minDigits: 8 },
  pattern: re(String.raw`(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ \-]?[A-Za-z0-9]{4}){2,7}(?:[ \-]?[A-Za-z0-9]{1,3})?(?![A-Za-z0-9])`),
  trim: trimIban,
  baseConfidence: 0.95,
  // printed IBANs are upper case; an all-lower-case one is the same number, mixed case is not
  validate: (v) => (v === v.toUpperCase() || v === v.toLowerCase()) && ibanValid(alnumOnly(v)),
  context: ['iban', 'bank', 'account'],
  description: 'International Bank Account Number',
};
