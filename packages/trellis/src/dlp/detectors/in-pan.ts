/** Indian Permanent Account Number: five letters, four digits, a letter; the fourth letter is
 *  the holder type (P person, C company, H HUF, F firm, A AOP, T trust, B BOI, L local, J
 *  artificial juridical person, G government), which is what makes a match credible. */
import type { PatternDetector } from '../types.ts';
import { re } from './shared.ts';

export const inPanDetector: PatternDetector = {
  id: 'in-pan',
  entity: 'IN_PAN',
  kind: 'pii',
  tag: 'pii.tax_id',
  keywords: [],
  // anchor: the code is a whole alphanumeric token
  anchor: { kind: 'token', minLength: 10, maxLength: 10, before: 0, after: 0 },
  trigger: { minDigits: 4 },
  pattern: re(String.raw`(?<![A-Za-z0-9])[A-Z]{5}\d{4}[A-Z](?![A-Za-z0-9])`),
  baseConfidence: 0.6,
  validate: (v) => ('ABCFGHJLPT'.includes(v[3]!) ? 0.6 : 0.1),
  context: ['pan', 'permanent account', 'income tax'],
  description: 'Indian PAN',
};
