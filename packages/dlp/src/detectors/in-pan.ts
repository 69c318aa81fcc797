/** Indian Permanent Account Number: five letters, four digits, a letter; the fourth letter is
 *  the holder type (P person, C company, H HUF, F firm, A AOP, T trust, B BOI, L local, J
 *  artificial juridical person, G government), which is what makes a match credible. */
import type { PatternDetector } from '../types.ts';
import { re } from './shared.ts';

const HOLDER_TYPES = 'ABCFGHJLPT';

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

export const inPanDetector: PatternDetector = {
  id: 'in-pan',
  entity: 'IN_PAN',
  kind: 'pii',
  tag: 'pii.tax_id',
  keywords: [],
  // anchor: the four digits are one run between the five letters and the last one
  anchor: { kind: 'run', minLength: 4, maxLength: 4, before: 5, after: 1 },
  // upper-case letters on both sides, and without a known holder type only a weak guess
  anchorConfidence: (text, start, end) => {
    if (!isUpper(text.charCodeAt(start - 1)) || !isUpper(text.charCodeAt(end))) return -1;
    return start >= 2 && HOLDER_TYPES.includes(text.charAt(start - 2)) ? 1 : 0.1;
  },
  trigger: { minDigits: 4 },
  pattern: re(String.raw`(?<![A-Za-z0-9])[A-Z]{5}\d{4}[A-Z](?![A-Za-z0-9])`),
  baseConfidence: 0.6,
  validate: (v) => (HOLDER_TYPES.includes(v[3]!) ? 0.6 : 0.1),
  context: ['pan', 'permanent account', 'income tax'],
  description: 'Indian PAN',
};
