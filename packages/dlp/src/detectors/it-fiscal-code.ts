/** Italian codice fiscale: surname/name letters, birth year, month letter, day (+40 for women),
 *  municipality code and a check letter. Omocodia replaces digits with LMNPQRSTUV. A code of the
 *  right shape with a wrong check letter is kept at low confidence (likely a typo of a real one). */
import type { PatternDetector } from '../types.ts';
import { itFiscalCodeValid } from '../validators/it-fiscal-code.ts';
import { re } from './shared.ts';

const D = '[0-9LMNPQRSTUV]';

export const itFiscalCodeDetector: PatternDetector = {
  id: 'it-fiscal-code',
  entity: 'IT_FISCAL_CODE',
  kind: 'pii',
  tag: 'pii.national_id',
  keywords: [],
  // anchor: omocodia may turn every digit into a letter, so the anchor is the 16-character token
  anchor: { kind: 'token', minLength: 16, maxLength: 16, before: 0, after: 0 },
  pattern: re(String.raw`(?<![A-Za-z0-9])[A-Z]{6}${D}{2}[ABCDEHLMPRST]${D}{2}[A-Z]${D}{3}[A-Z](?![A-Za-z0-9])`, 'i'),
  trigger: { anyOf: '0123456789LMNPQRSTUVlmnpqrstuv' },
  baseConfidence: 0.95,
  validate: (v) => (itFiscalCodeValid(v) ? 0.95 : 0.3),
  context: ['codice fiscale', 'fiscal code', 'cf'],
  description: 'Italian fiscal code',
};
