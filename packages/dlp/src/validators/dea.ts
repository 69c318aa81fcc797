/** US DEA registration number (the medical licence Presidio calls MEDICAL_LICENSE): two letters
 *  and seven digits where (d1+d3+d5) + 2·(d2+d4+d6) ends in d7. */
export function deaValid(value: string): boolean {
  const m = /^[A-Z][A-Z9](\d{7})$/i.exec(value);
  if (!m) return false;
  const d = m[1]!;
  const n = (i: number) => d.charCodeAt(i) - 48;
  const sum = n(0) + n(2) + n(4) + 2 * (n(1) + n(3) + n(5));
  return sum % 10 === n(6);
}
