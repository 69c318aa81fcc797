/** ABA routing transit numbers (9 digits, Federal Reserve prefix, 3-7-1 checksum). One random
 *  number in thirty passes, so only a context word makes it a confident finding. */
import type { PatternDetector } from '../types.ts';
import { abaValid } from '../validators/aba.ts';
import { NB_GROUPED, NA_GROUPED, digitsOnly, re } from './shared.ts';

export const abaRoutingDetector: PatternDetector = {
  id: 'aba-routing',
  entity: 'ABA_ROUTING_NUMBER',
  kind: 'pii',
  tag: 'pci.routing',
  keywords: [],
  anchor: { kind: 'digits', minDigits: 9, before: 1, after: 1 },
  trigger: { minDigits: 9 },
  pattern: re(NB_GROUPED + String.raw`(?:\d{4}-\d{4}-\d|\d{9})` + NA_GROUPED),
  baseConfidence: 0.4,
  maxConfidence: 0.4,
  validate: (v) => abaValid(digitsOnly(v)),
  context: ['routing', 'aba', 'rtn', 'transit', 'bank'],
  description: 'ABA routing number',
};
