/** Indian voter id (EPIC): three letters and seven digits. */
import type { PatternDetector } from '../types.ts';
import { re } from './shared.ts';

export const inVoterDetector: PatternDetector = {
  id: 'in-voter',
  entity: 'IN_VOTER',
  kind: 'pii',
  tag: 'pii.national_id',
  keywords: [],
  anchor: { kind: 'run', minLength: 7, maxLength: 7, before: 3, after: 1 },
  trigger: { minDigits: 7 },
  pattern: re(String.raw`(?<![A-Za-z0-9])[A-Za-z]{3}\d{7}(?![A-Za-z0-9])`),
  baseConfidence: 0.4,
  maxConfidence: 0.4,
  context: ['voter', 'epic', 'election'],
  description: 'Indian voter id',
};
