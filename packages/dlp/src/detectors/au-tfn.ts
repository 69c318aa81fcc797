/** Australian Tax File Number (9 digits, printed 3-3-3, weighted mod-11 check). */
import type { PatternDetector } from '../types.ts';
import { auTfnValid } from '../validators/au-tfn.ts';
import { NB_GROUPED, NA_GROUPED, digitsOnly, re } from './shared.ts';

export const auTfnDetector: PatternDetector = {
  id: 'au-tfn',
  entity: 'AU_TFN',
  kind: 'pii',
  tag: 'pii.tax_id',
  keywords: [],
  anchor: { kind: 'digits', minDigits: 9, before: 1, after: 1 },
  trigger: { minDigits: 9 },
  pattern: re(NB_GROUPED + String.raw`\d{3}( ?)\d{3}\1\d{3}` + NA_GROUPED),
  baseConfidence: 0.5,
  validate: (v) => auTfnValid(digitsOnly(v)),
  context: ['tfn', 'tax file'],
  description: 'Australian Tax File Number',
};
