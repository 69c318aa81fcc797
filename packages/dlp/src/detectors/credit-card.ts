/**
 * Payment card numbers (PAN): 12–19 digits, plain or in the printed groupings (4-4-4-4[-3],
 * Amex 4-6-5, Diners 4-6-4), Luhn-valid and with an issuer prefix (IIN) whose length fits the
 * scheme. Documented test PANs are flagged as test values.
 */
import type { PatternDetector } from '../types.ts';
import { luhnValid } from '../validators/luhn.ts';
import { NB, NA, digitsOnly, re } from './shared.ts';

const TEST_PANS = new Set([
  '4111111111111111', '4242424242424242', '4012888888881881', '4222222222222', '4000056655665556',
  '5555555555554444', '5105105105105100', '5200828282828210', '2223003122003222',
  '378282246310005', '371449635398431', '378734493671000', '6011111111111117', '6011000990139424',
  '3530111333300000', '3566002020360505', '30569309025904', '38520000023237', '6200000000000005',
]);

/** Issuer ranges (ISO/IEC 7812 registrations as published by the schemes) with allowed lengths. */
function schemeFits(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  switch (d[0]) {
    case '1': return n === 15; // UATP, JCB 1800
    case '2':
      if (p4 >= 2221 && p4 <= 2720) return n === 16; // Mastercard 2-series
      return p4 === 2131 && n === 15; // JCB
    case '3':
      if (p2 === 34 || p2 === 37) return n === 15; // Amex
      if (p2 === 35) return n >= 16 && n <= 19; // JCB
      if (p2 === 30 || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14 && n <= 19; // Diners
      return false;
    case '4': return n === 13 || n === 16 || n === 19 || (n >= 13 && n <= 19); // Visa (incl. Electron)
    case '5':
      if (p2 >= 51 && p2 <= 55) return n === 16; // Mastercard
      return n >= 12 && n <= 19; // Maestro 50, 56–59
    case '6':
      if (p4 === 6011 || p2 === 65 || (p6 >= 622126 && p6 <= 622925) || (p4 >= 6440 && p4 <= 6499)) return n >= 16 && n <= 19;
      return n >= 12 && n <= 19; // UnionPay 62, Maestro 6x, RuPay
    default: return false;
  }
}

export function creditCardConfidence(value: string): number | false {
  const d = digitsOnly(value);
  if (d.length < 12 || d.length > 19 || !luhnValid(d)) return false;
  if (/^(\d)\1+$/.test(d)) return false;
  return schemeFits(d) ? 0.9 : false;
}

export const creditCardDetector: PatternDetector = {
  id: 'credit-card',
  entity: 'CREDIT_CARD',
  kind: 'pii',
  tag: 'pci.pan',
  keywords: [],
  anchor: { kind: 'digits', minDigits: 12, before: 1, after: 1 },
  trigger: { minDigits: 12 },
  pattern: re(NB + String.raw`(?:\d{4}([ \-])\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?|\d{4}([ \-])\d{6}\2\d{4,5}|\d{12,19})` + NA),
  baseConfidence: 0.9,
  validate: creditCardConfidence,
  context: ['card', 'credit', 'visa', 'mastercard', 'amex', 'cc#', 'pan', 'debit'],
  isTestValue: (v) => TEST_PANS.has(digitsOnly(v)),
  description: 'Payment card number (Luhn + issuer range)',
};
