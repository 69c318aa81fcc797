/** US bank account numbers: 8–17 digits with no checksum, so only context ("account", "bank")
 *  makes them findings at the default threshold. */
import type { PatternDetector } from '../types.ts';
import { NB, NA, re } from './shared.ts';

export const usBankNumberDetector: PatternDetector = {
  id: 'us-bank-number',
  entity: 'US_BANK_NUMBER',
  kind: 'pii',
  tag: 'pci.account',
  keywords: [],
  anchor: { kind: 'digits', minDigits: 8, before: 1, after: 1 },
  trigger: { minDigits: 8 },
  pattern: re(NB + String.raw`\d{8,17}` + NA),
  baseConfidence: 0.05,
  maxConfidence: 0.05,
  context: ['account', 'acct', 'bank', 'a/c'],
  description: 'US bank account number',
};
