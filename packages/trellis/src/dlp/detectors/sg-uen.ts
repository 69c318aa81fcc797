/** Singapore UEN (business registration numbers), checksum-validated. */
import type { PatternDetector } from '../types.ts';
import { sgUenValid } from '../validators/sg-uen.ts';
import { re } from './shared.ts';

export const sgUenDetector: PatternDetector = {
  id: 'sg-uen',
  entity: 'SG_UEN',
  kind: 'pii',
  tag: 'pii.business_id',
  keywords: [],
  anchor: { kind: 'run', minLength: 4, maxLength: 9, before: 5, after: 2 },
  trigger: { minDigits: 4 },
  pattern: re(String.raw`(?<![A-Za-z0-9])(?:\d{8,9}|[RST]\d{2}[A-Z]{2}\d{4})[A-Z](?![A-Za-z0-9])`, 'i'),
  baseConfidence: 0.8,
  validate: sgUenValid,
  context: ['uen', 'acra', 'business registration'],
  description: 'Singapore UEN',
};
