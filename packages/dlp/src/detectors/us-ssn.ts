/** US Social Security numbers. The SSA never issues area 000, 666 or 900–999, group 00 or serial
 *  0000; separators must agree. A bare nine-digit run is only a weak guess until a context word
 *  ("ssn", "social security") is near. */
import type { PatternDetector } from '../types.ts';
import { NA_GROUPED, NB_GROUPED, bareDigitsBound, digitsOnly, re } from './shared.ts';

const TEST_SSNS = new Set(['078051120', '219099999', '123456789', '111223333']);

export function ssnConfidence(value: string): number | false {
  const d = digitsOnly(value);
  const area = d.slice(0, 3);
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (d.slice(3, 5) === '00' || d.slice(5) === '0000') return false;
  if (/^(\d)\1{8}$/.test(d)) return false;
  return d.length === value.length ? 0.05 : 0.5;
}

export const usSsnDetector: PatternDetector = {
  id: 'us-ssn',
  entity: 'US_SSN',
  kind: 'pii',
  tag: 'pii.ssn',
  keywords: [],
  anchor: { kind: 'digits', minDigits: 9, before: 1, after: 1 },
  // a bare nine/ten-digit run is only a weak guess; it needs a context word nearby
  anchorConfidence: bareDigitsBound(0.05),
  trigger: { minDigits: 9 },
  pattern: re(NB_GROUPED + String.raw`\d{3}([ \-.]?)\d{2}\1\d{4}` + NA_GROUPED),
  baseConfidence: 0.5,
  validate: ssnConfidence,
  context: ['ssn', 'social security', 'social sec', 'ssid', 'ss#'],
  isTestValue: (v) => TEST_SSNS.has(digitsOnly(v)),
  description: 'US Social Security number',
};
