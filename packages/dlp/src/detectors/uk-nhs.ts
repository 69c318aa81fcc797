/** UK NHS numbers: ten digits (printed 3-3-4) with a mod-11 check digit. */
import type { PatternDetector } from '../types.ts';
import { nhsValid } from '../validators/mod11.ts';
import { NA_GROUPED, NB_GROUPED, bareDigitsBound, digitsOnly, re } from './shared.ts';

export const ukNhsDetector: PatternDetector = {
  id: 'uk-nhs',
  entity: 'UK_NHS',
  kind: 'pii',
  tag: 'phi.nhs',
  keywords: [],
  anchor: { kind: 'digits', minDigits: 10, before: 1, after: 1 },
  // a bare nine/ten-digit run is only a weak guess; it needs a context word nearby
  anchorConfidence: bareDigitsBound(0.4),
  trigger: { minDigits: 10 },
  pattern: re(NB_GROUPED + String.raw`\d{3}([ \-]?)\d{3}\1\d{4}` + NA_GROUPED),
  baseConfidence: 0.5,
  validate: (v) => (nhsValid(digitsOnly(v)) ? (/\D/.test(v) ? 0.6 : 0.4) : false),
  context: ['nhs', 'health service', 'national health'],
  description: 'UK NHS number',
};
