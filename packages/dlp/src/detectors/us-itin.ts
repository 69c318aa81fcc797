/** US Individual Taxpayer Identification Numbers: 9XX-GG-NNNN where the group is 50–65, 70–88,
 *  90–92 or 94–99 (IRS). Consistent separators score higher than mixed ones. */
import type { PatternDetector } from '../types.ts';
import { NA, NB, bareDigitsBound, re } from './shared.ts';

export const usItinDetector: PatternDetector = {
  id: 'us-itin',
  entity: 'US_ITIN',
  kind: 'pii',
  tag: 'pii.tax_id',
  keywords: [],
  anchor: { kind: 'digits', minDigits: 9, before: 1, after: 1 },
  // a bare nine/ten-digit run is only a weak guess; it needs a context word nearby
  anchorConfidence: bareDigitsBound(0.3),
  trigger: { minDigits: 9 },
  pattern: re(NB + String.raw`9\d{2}([ \-]?)(?:5\d|6[0-5]|7\d|8[0-8]|9[0-24-9])([ \-]?)\d{4}` + NA),
  baseConfidence: 0.5,
  validate: (v) => {
    const seps = v.replace(/\d/g, '');
    if (seps.length === 2 && seps[0] === seps[1]) return 0.5;
    if (seps.length === 0) return 0.3;
    return 0.05;
  },
  context: ['itin', 'taxpayer', 'tax id', 'individual taxpayer'],
  description: 'US ITIN',
};
