/**
 * Phone numbers in E.164 / international form (+CC …, 00CC …) and common national layouts
 * ((415) 555-0132, 090-1234-5678, 024 971 50 30). Digit groups must be separated, so a run of
 * digits parses one way only. Confidence comes from the shape: an international prefix, a
 * parenthesised area code or a trunk "0" make a number look like a phone; a bare digit run
 * does not, and dates, IPs and SSN-shaped strings are left to their own detectors.
 */
import type { PatternDetector } from '../types.ts';
import { re } from './shared.ts';

const EXT = String.raw`(?:[ ]?(?:x|ext\.?|#)[ ]?\d{1,6})?`;
const PATTERN = String.raw`(?<![A-Za-z0-9_+\-]|\d[.,])(?:\+\d{1,15}|\(\d{1,4}\)|\d{1,15})(?:[ .\-]?\(\d{1,4}\)|(?<=\))\d{1,15}|[ .\-]\d{1,15}){0,7}` + EXT + String.raw`(?![A-Za-z0-9_]|[.,\-]?\d|[:/]\d)`;

const DATE_SHAPE = /^(?:\d{4}[-.]\d{1,2}[-.]\d{1,2}|\d{1,2}[-.]\d{1,2}[-.]\d{2,4})$/;
const IP_SHAPE = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const SSN_SHAPE = /^\d{3}([- ])\d{2}\1\d{4}$/;

export function phoneConfidence(value: string): number | false {
  const main = value.replace(/[ ]?(?:x|ext\.?|#)[ ]?\d{1,6}$/, '');
  if (DATE_SHAPE.test(main) || IP_SHAPE.test(main)) return false;
  const digits = main.replace(/\D/g, '');
  const international = main.startsWith('+') || /^00[1-9]/.test(main);
  const n = international && main.startsWith('00') ? digits.length - 2 : digits.length;
  if (n < 7 || n > 15) return false;
  const groups = main.split(/[ .\-()]+/).filter((g) => g.length > 0).length;
  const hasParen = main.includes('(');
  if (international) return n >= 8 ? 0.75 : false;
  if (n > 12) return false;
  if (SSN_SHAPE.test(main)) return 0.3;
  if (hasParen) return n >= 9 ? 0.7 : 0.5;
  if (groups === 1) {
    if (n === 10 || (n === 11 && (digits.startsWith('1') || digits.startsWith('0')))) return 0.3;
    return 0.1;
  }
  if (/^\d{3}[-. ]\d{3}[-. ]\d{4}$/.test(main)) return 0.65;
  if (digits.startsWith('0') && n >= 9) return 0.6;
  if (groups >= 3 && n >= 9) return 0.5;
  return 0.4;
}

/** Two numbers written side by side ("052 5552606 074-7111234") parse as one candidate; keep the
 *  longest leading run of groups that is itself a plausible number, the rest is scanned again. */
export function trimPhone(value: string): number {
  if (phoneConfidence(value) !== false) return value.length;
  if (/^\d{4}(?:[ -]\d{4}){3,}/.test(value)) return 0; // a card-like grouping is not two phones
  let best = 0;
  const groupEnd = /\d(?=[ .\-(]|$)|\)/g;
  for (let m = groupEnd.exec(value); m; m = groupEnd.exec(value)) {
    const end = m.index + 1;
    if (end < value.length && phoneConfidence(value.slice(0, end)) !== false) best = end;
  }
  return best;
}

/** Confidence a bare digit run reaches at most (`phoneConfidence`, one group, not international). */
const BARE_RUN_CONFIDENCE = 0.3;

/**
 * Bound on the confidence of any phone match around the digit cluster `text[start, end)`
 * (see `anchorConfidence`). A match holds at least seven digits and never a ':' or '/', so it lies
 * in one ':'/'/'-free segment of the cluster with seven or more digits. A segment of bare digits
 * (no separator, no '+' before it, no "00" international prefix) parses as one group, which
 * `phoneConfidence` rates at most 0.3: ids and counters, only worth a look when a context word
 * ("phone", "call") is near. A segment of digits joined only by '-' or '.' can only match whole
 * (a match cannot start or end next to those), so a date there is no phone at all.
 */
export function phoneAnchorConfidence(text: string, start: number, end: number, digits = -1): number {
  if (digits === end - start) {
    // one bare run (the common case: ids, counters, epoch seconds)
    if (digits < 7) return -1;
    if (text.charCodeAt(start - 1) === 43) return 1;
    if (text.charCodeAt(start) === 48 && text.charCodeAt(start + 1) === 48 && text.charCodeAt(start + 2) !== 48) return 1;
    return BARE_RUN_CONFIDENCE;
  }
  let best = -1;
  let segStart = start;
  let count = 0;
  let separated = false;
  let other = false;
  for (let i = start; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 58;
    if (c >= 48 && c <= 57) {
      count++;
    } else if (c === 58 || c === 47) {
      if (count >= 7) {
        if (text.charCodeAt(segStart - 1) === 43) return 1;
        if (separated) {
          if (other) return 1;
          const seg = text.slice(segStart, i);
          // (an IP-shaped one can still yield a shorter phone once trimmed; a date cannot: any
          // part of it short of the whole has at most six digits)
          if (!DATE_SHAPE.test(seg)) return 1;
        } else if (text.charCodeAt(segStart) === 48 && text.charCodeAt(segStart + 1) === 48 && text.charCodeAt(segStart + 2) !== 48) {
          return 1;
        } else {
          best = BARE_RUN_CONFIDENCE;
        }
      }
      segStart = i + 1;
      count = 0;
      separated = false;
      other = false;
    } else {
      separated = true;
      if (c !== 45 && c !== 46) other = true;
    }
  }
  return best;
}

export const phoneDetector: PatternDetector = {
  id: 'phone',
  entity: 'PHONE_NUMBER',
  kind: 'pii',
  tag: 'pii.phone',
  keywords: [],
  // anchor: digit groups with ` .-()` between; a leading '+'/'(' and an extension lie just outside the cluster
  anchor: { kind: 'digits', minDigits: 7, before: 2, after: 16 },
  trigger: { minDigits: 7 },
  anchorConfidence: phoneAnchorConfidence,
  pattern: re(PATTERN),
  trim: trimPhone,
  baseConfidence: 0.4,
  validate: phoneConfidence,
  context: ['phone', 'tel', 'mobile', 'cell', 'call', 'fax', 'whatsapp', 'contact'],
  description: 'Telephone number (international or national format)',
};
