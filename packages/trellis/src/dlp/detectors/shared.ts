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
