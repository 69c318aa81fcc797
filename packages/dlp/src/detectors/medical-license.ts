/** US DEA registration numbers (Presidio's MEDICAL_LICENSE): registrant-type letter, the
 *  registrant's initial (or 9), seven digits with the DEA checksum. */
import type { PatternDetector } from '../types.ts';
import { deaValid } from '../validators/dea.ts';
import { re } from './shared.ts';

export const medicalLicenseDetector: PatternDetector = {
  id: 'medical-license',
  entity: 'MEDICAL_LICENSE',
  kind: 'pii',
  tag: 'phi.license',
  keywords: [],
  anchor: { kind: 'run', minLength: 7, maxLength: 8, before: 2, after: 1 },
  // the digits follow an upper-case letter (the registrant's initial, or the type letter before '9')
  anchorConfidence: (text, start) => { const c = text.charCodeAt(start - 1); return c >= 65 && c <= 90 ? 1 : -1; },
  trigger: { minDigits: 7 },
  pattern: re(String.raw`(?<![A-Za-z0-9])[ABCDEFGHJKLMPRSTUX][A-Z9]\d{7}(?![A-Za-z0-9])`),
  baseConfidence: 0.6,
  validate: deaValid,
  context: ['dea', 'medical', 'license', 'licence', 'prescriber', 'certificate'],
  description: 'DEA registration number',
};
