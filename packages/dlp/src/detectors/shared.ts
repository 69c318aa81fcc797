/** Building blocks shared by the PII detectors: boundary assertions and digit extraction.
 *  Boundaries are lookarounds, never quantified groups, so every pattern stays linear. */

/** Not inside a word or a longer number (a digit before a decimal point counts). */
export const NB = String.raw`(?<![A-Za-z0-9_]|\d[.,])`;
export const NA = String.raw`(?![A-Za-z0-9_]|[.,]\d)`;
/** Stricter: also not a group of a longer separated number ("+1 415 555 0132"). */
export const NB_GROUPED = String.raw`(?<![A-Za-z0-9_]|\d[ .,\-])`;
export const NA_GROUPED = String.raw`(?![A-Za-z0-9_]|[ .,\-]\d)`;

export function digitsOnly(s: string): string {
  return s.replace(/\D/g, '');
}

export function alnumOnly(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, '');
}

export function re(source: string, flags = ''): RegExp {
  return new RegExp(source, 'g' + flags);
}

/**
 * An `anchorConfidence` for digit-cluster anchors: a cluster of bare digits (no separator) can only
 * yield an unseparated value, which the detector rates at most `bare`; a separated one may reach 1.
 */
export function bareDigitsBound(bare: number): (text: string, start: number, end: number, digits: number) => number {
  return (_text, start, end, digits) => (digits === end - start ? bare : 1);
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** An `anchorConfidence` for a digit run that a letter must follow, directly or after a '-'. */
export function letterAfterRun(text: string, _start: number, end: number): number {
  const c = text.charCodeAt(end);
  return isAsciiLetter(c) || (c === 45 && isAsciiLetter(text.charCodeAt(end + 1))) ? 1 : -1;
}
