/** US passport numbers: nine digits, or a letter and eight digits (next-generation books).
 *  Nothing distinguishes them from other numbers, so they need a "passport" context word. */
import type { PatternDetector } from '../types.ts';
import { NB, NA, re } from './shared.ts';

export const usPassportDetector: PatternDetector = {
  id: 'us-passport',
  entity: 'US_PASSPORT',
  kind: 'pii',
  tag: 'pii.passport',
  keywords: [],
  anchor: { kind: 'run', minLength: 8, maxLength: 9, before: 1, after: 1 },
  trigger: { minDigits: 8 },
  pattern: re(NB + String.raw`(?:[A-Z]\d{8}|\d{9})` + NA),
  baseConfidence: 0.05,
  maxConfidence: 0.1,
  validate: (v) => (/^[A-Z]/.test(v) ? 0.1 : 0.05),
  context: ['passport', 'travel document'],
  description: 'US passport number',
};
