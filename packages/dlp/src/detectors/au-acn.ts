/** Australian Company Number (9 digits, printed 3-3-3, ASIC check digit). */
import type { PatternDetector } from '../types.ts';
import { auAcnValid } from '../validators/au-acn.ts';
import { NB_GROUPED, NA_GROUPED, digitsOnly, re } from './shared.ts';

export const auAcnDetector: PatternDetector = {
  id: 'au-acn',
  entity: 'AU_ACN',
  kind: 'pii',
  tag: 'pii.business_id',
  keywords: [],
  anchor: { kind: 'digits', minDigits: 9, before: 1, after: 1 },
  trigger: { minDigits: 9 },
  pattern: re(NB_GROUPED + String.raw`\d{3}( ?)\d{3}\1\d{3}` + NA_GROUPED),
  baseConfidence: 0.5,
  validate: (v) => auAcnValid(digitsOnly(v)),
  context: ['acn', 'australian company'],
  description: 'Australian Company Number',
};
