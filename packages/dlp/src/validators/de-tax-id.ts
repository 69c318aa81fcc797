/** German Steuerliche Identifikationsnummer: 11 digits, no leading zero; among the first ten
 *  digits at most one digit repeats, at most three times (BZSt allocation rules), and the last
 *  digit is ISO 7064 MOD 11,10 over the first ten. */
import { iso7064Mod11_10Valid } from './mod11.ts';

export function deTaxIdValid(digits: string): boolean {
  if (!/^[1-9]\d{10}$/.test(digits)) return false;
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10; i++) counts[digits.charCodeAt(i) - 48]!++;
  const repeated = counts.filter((c) => c > 1);
  if (repeated.length > 1 || (repeated[0] ?? 0) > 3) return false;
  return iso7064Mod11_10Valid(digits);
}
