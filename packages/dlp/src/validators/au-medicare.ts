/** Australian Medicare card number: first digit 2–6, weights 1,3,7,9,1,3,7,9 on the first eight
 *  digits give the ninth (mod 10); then an issue number and optionally an individual ref. */
import { weightedSum } from './mod11.ts';

export function auMedicareValid(digits: string): boolean {
  if (!/^[2-6]\d{9,10}$/.test(digits)) return false;
  return weightedSum(digits, [1, 3, 7, 9, 1, 3, 7, 9]) % 10 === digits.charCodeAt(8) - 48;
}
