/** UK National Insurance numbers: two prefix letters (HMRC allocation rules), six digits
 *  (optionally in pairs), suffix A–D. */
import type { PatternDetector } from '../types.ts';
import { ukNinoValid } from '../validators/uk-nino.ts';
import { isAsciiLetter, re } from './shared.ts';

export const ukNinoDetector: PatternDetector = {
  id: 'uk-nino',
  entity: 'UK_NINO',
  kind: 'pii',
  tag: 'pii.national_id',
  keywords: [],
  // anchor: the three digit pairs, optionally spaced, form one cluster between the prefix letters and the suffix
  anchor: { kind: 'digits', minDigits: 6, before: 3, after: 2 },
  // the prefix letter (or letter and space) before and the suffix letter after end the cluster, so
  // it holds exactly the six digits and starts right after a letter or a letter and a space
  anchorFilter: (text, start, _end, digits) =>
    digits === 6 && (isAsciiLetter(text.charCodeAt(start - 1)) || (text.charCodeAt(start - 1) === 32 && isAsciiLetter(text.charCodeAt(start - 2)))),
  trigger: { minDigits: 6 },
  pattern: re(String.raw`(?<![A-Za-z0-9])[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d](?![A-Za-z0-9])`),
  baseConfidence: 0.6,
  validate: ukNinoValid,
  context: ['national insurance', 'nino', 'ni number'],
  description: 'UK National Insurance number',
};
