/** Australian Company Number: weights 8…1 on the first eight digits, check = (10 − sum mod 10)
 *  mod 10 (ASIC). */
import { weightedSum } from './mod11.ts';

export function auAcnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const check = (10 - (weightedSum(digits, [8, 7, 6, 5, 4, 3, 2, 1]) % 10)) % 10;
  return check === digits.charCodeAt(8) - 48;
}
