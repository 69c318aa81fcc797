/** German tax identification number (Steuer-IdNr), 11 digits, printed plain or 2-3-3-3. */
import type { PatternDetector } from '../types.ts';
import { deTaxIdValid } from '../validators/de-tax-id.ts';
import { NB_GROUPED, NA_GROUPED, digitsOnly, re } from './shared.ts';

export const deTaxIdDetector: PatternDetector = {
  id: 'de-tax-id',
  entity: 'DE_TAX_ID',
  kind: 'pii',
  tag: 'pii.tax_id',
  keywords: [],
  anchor: { kind: 'digits', minDigits: 11, before: 1, after: 1 },
  trigger: { minDigits: 11 },
  pattern: re(NB_GROUPED + String.raw`(?:\d{11}|\d{2} \d{3} \d{3} \d{3})` + NA_GROUPED),
  baseConfidence: 0.55,
  validate: (v) => deTaxIdValid(digitsOnly(v)),
  context: ['steuer', 'idnr', 'identifikationsnummer', 'tax id', 'tin'],
  description: 'German tax id',
};
