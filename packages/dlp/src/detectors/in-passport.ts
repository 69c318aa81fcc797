/** Indian passport numbers: a series letter and seven digits, the first non-zero. */
import type { PatternDetector } from '../types.ts';
import { re } from './shared.ts';

export const inPassportDetector: PatternDetector = {
  id: 'in-passport',
  entity: 'IN_PASSPORT',
  kind: 'pii',
  tag: 'pii.passport',
  keywords: [],
  anchor: { kind: 'run', minLength: 5, maxLength: 7, before: 4, after: 1 },
  trigger: { minDigits: 7 },
  pattern: re(String.raw`(?<![A-Za-z0-9])[A-PR-WY][1-9]\d ?\d{4}[1-9](?![A-Za-z0-9])`),
  baseConfidence: 0.1,
  maxConfidence: 0.1,
  context: ['passport'],
  description: 'Indian passport number',
};
