/** Polish PESEL: birth date with the century in the month, serial and weighted check digit. */
import type { PatternDetector } from '../types.ts';
import { plPeselValid } from '../validators/pl-pesel.ts';
import { NB, NA, re } from './shared.ts';

export const plPeselDetector: PatternDetector = {
  id: 'pl-pesel',
  entity: 'PL_PESEL',
  kind: 'pii',
  tag: 'pii.national_id',
  keywords: [],
  anchor: { kind: 'run', minLength: 11, maxLength: 11, before: 1, after: 1 },
  trigger: { minDigits: 11 },
  pattern: re(NB + String.raw`\d{11}` + NA),
  baseConfidence: 0.55,
  validate: plPeselValid,
  context: ['pesel'],
  description: 'Polish PESEL',
};
