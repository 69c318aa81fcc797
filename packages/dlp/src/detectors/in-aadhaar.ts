/** Aadhaar numbers: 12 digits (4-4-4), first digit 2–9, Verhoeff check digit. */
import type { PatternDetector } from '../types.ts';
import { inAadhaarValid } from '../validators/in-aadhaar.ts';
import { NB_GROUPED, NA_GROUPED, digitsOnly, re } from './shared.ts';

export const inAadhaarDetector: PatternDetector = {
  id: 'in-aadhaar',
  entity: 'IN_AADHAAR',
  kind: 'pii',
  tag: 'pii.national_id',
  keywords: [],
  anchor: { kind: 'digits', minDigits: 12, before: 1, after: 1 },
  trigger: { minDigits: 12 },
  pattern: re(NB_GROUPED + String.raw`[2-9]\d{3}([ \-:]?)\d{4}\1\d{4}` + NA_GROUPED),
  baseConfidence: 0.7,
  validate: (v) => inAadhaarValid(digitsOnly(v)),
  context: ['aadhaar', 'aadhar', 'uidai', 'uid'],
  description: 'Indian Aadhaar number',
};
