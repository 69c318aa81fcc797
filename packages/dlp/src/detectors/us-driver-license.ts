/** US driver's licence numbers. Each state has its own layout (a letter and 3–14 digits, two
 *  letters and digits, digits with a trailing letter, or 7–14 digits), so these are weak until
 *  a context word such as "driver" or "license" is near. */
import type { PatternDetector } from '../types.ts';
import { NB, NA, re } from './shared.ts';

export const usDriverLicenseDetector: PatternDetector = {
  id: 'us-driver-license',
  entity: 'US_DRIVER_LICENSE',
  kind: 'pii',
  tag: 'pii.driver_license',
  keywords: [],
  // anchor: the longest digit group; up to five letters/digits before it (`12ABC34567`), letters after
  anchor: { kind: 'digits', minDigits: 3, before: 5, after: 3 },
  trigger: { minDigits: 4 },
  pattern: re(NB + String.raw`(?:[A-Z]\d{3,14}|[A-Z]{2}\d{3,7}|\d{7,9}[A-Z]{1,2}|\d{2}[A-Z]{3}\d{5,6}|\d{7,14})` + NA),
  baseConfidence: 0.3,
  maxConfidence: 0.3,
  validate: (v) => (/^\d+$/.test(v) ? 0.01 : 0.3),
  context: ['driver', 'license', 'licence', 'dl#', 'dmv'],
  description: "US driver's licence number",
};
