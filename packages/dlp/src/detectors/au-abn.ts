/** Australian Business Number (11 digits, printed 2-3-3-3, mod-89 check). */
import type { PatternDetector } from '../types.ts';
import { auAbnValid } from '../validators/au-abn.ts';
import { NB_GROUPED, NA_GROUPED, digitsOnly, re } from './shared.ts';

export const auAbnDetector: PatternDetector = {
  id: 'au-abn',
  entity: 'AU_ABN',
  kind: 'pii',
  tag: 'pii.business_id',
  keywords: [],
  anchor: { kind: 'digits', minDigits: 11, before: 1, after: 1 },
  trigger: { minDigits: 11 },
  pattern: re(NB_GROUPED + String.raw`\d{2}( ?)\d{3}\1\d{3}\1\d{3}` + NA_GROUPED),
  baseConfidence: 0.7,
  validate: (v) => auAbnValid(digitsOnly(v)),
  context: ['abn', 'australian business'],
  description: 'Australian Business Number',
};
