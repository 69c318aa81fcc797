/** UK National Insurance number prefix rules (HMRC NIM39110): D, F, I, Q, U and V never appear
 *  in the prefix, O never second, and BG, GB, KN, NK, NT, TN and ZZ are not allocated. */
const BAD_PAIRS = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

export function ukNinoValid(value: string): boolean {
  const s = value.toUpperCase().replace(/[\s-]/g, '');
  const m = /^([A-Z])([A-Z])\d{6}[A-D]$/.exec(s);
  if (!m) return false;
  if ('DFIQUV'.includes(m[1]!) || 'DFIOQUV'.includes(m[2]!)) return false;
  return !BAD_PAIRS.has(m[1]! + m[2]!);
}
