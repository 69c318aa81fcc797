/** Australian Medicare card number (10 digits printed 4-5-1, optional individual reference). */
import type { PatternDetector } from '../types.ts';
import { auMedicareValid } from '../validators/au-medicare.ts';
import { NB_GROUPED, NA_GROUPED, digitsOnly, re } from './shared.ts';

export const auMedicareDetector: PatternDetector = {
  id: 'au-medicare',
  entity: 'AU_MEDICARE',
  kind: 'pii',
  tag: 'phi.insurance_id',
  keywords: [],
  anchor: { kind: 'digits', minDigits: 10, before: 1, after: 1 },
  trigger: { minDigits: 10 },
  pattern: re(NB_GROUPED + String.raw`[2-6]\d{3}( ?)\d{5}\1\d(?:\d)?` + NA_GROUPED),
  baseConfidence: 0.6,
  validate: (v) => auMedicareValid(digitsOnly(v)),
  context: ['medicare'],
  description: 'Australian Medicare number',
};
