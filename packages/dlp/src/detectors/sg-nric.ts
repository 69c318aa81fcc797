/** Singapore NRIC/FIN: S/T (citizens, PRs), F/G/M (foreigners), seven digits and a check letter.
 *  A wrong check letter on a valid prefix still scores low (typos), other prefixes lower. */
import type { PatternDetector } from '../types.ts';
import { sgNricValid } from '../validators/sg-nric.ts';
import { isAsciiLetter, re } from './shared.ts';

export const sgNricDetector: PatternDetector = {
  id: 'sg-nric-fin',
  entity: 'SG_NRIC_FIN',
  kind: 'pii',
  tag: 'pii.national_id',
  keywords: [],
  anchor: { kind: 'run', minLength: 7, maxLength: 7, before: 1, after: 1 },
  // the seven digits sit between the prefix letter and the check letter
  anchorFilter: (text, start, end) => isAsciiLetter(text.charCodeAt(start - 1)) && isAsciiLetter(text.charCodeAt(end)),
  trigger: { minDigits: 7 },
  pattern: re(String.raw`(?<![A-Za-z0-9])[A-Za-z]\d{7}[A-Za-z](?![A-Za-z0-9])`),
  baseConfidence: 0.85,
  validate: (v) => (sgNricValid(v) ? 0.85 : /^[STFGM]/i.test(v) ? 0.4 : 0.05),
  context: ['nric', 'fin', 'identity card', 'ic number'],
  description: 'Singapore NRIC/FIN',
};
