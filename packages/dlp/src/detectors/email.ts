/** E-mail addresses (RFC 5322 "dot-atom" subset that real addresses use). Labels are split on
 *  dots with bounded repetition, so there is one way to parse a candidate and no backtracking
 *  blow-up on strings like "a@a@a@…". */
import type { PatternDetector } from '../types.ts';
import { re } from './shared.ts';

const PLACEHOLDER_DOMAINS = /@(?:[a-z0-9-]+\.)*(?:example\.(?:com|org|net)|test|invalid|localhost)$/i;

export const emailDetector: PatternDetector = {
  id: 'email',
  entity: 'EMAIL_ADDRESS',
  kind: 'pii',
  tag: 'pii.email',
  keywords: [],
  // anchor: the '@'; the engine widens each window over the characters an address may hold (the
  // pattern's alphabet), which reaches the whole local part and domain, so no margin is needed
  anchor: { kind: 'pattern', pattern: /@/g, before: 0, after: 0 },
  trigger: { anyOf: '@' },
  pattern: re(String.raw`(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@(?:[A-Za-z0-9\-]{1,63}\.){1,8}(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9]{2,59})(?![A-Za-z0-9\-])`),
  baseConfidence: 0.9,
  context: ['email', 'e-mail', 'mail'],
  isTestValue: (v) => PLACEHOLDER_DOMAINS.test(v),
  description: 'E-mail address',
};
