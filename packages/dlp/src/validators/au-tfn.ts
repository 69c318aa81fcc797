/** Australian Tax File Number: weights 1,4,3,7,5,8,6,9,10; the sum is a multiple of 11. */
import { weightedSum } from './mod11.ts';

export function auTfnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  return weightedSum(digits, [1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 === 0;
}
