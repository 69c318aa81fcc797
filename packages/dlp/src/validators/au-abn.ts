/** Australian Business Number: subtract 1 from the first digit, weight 10,1,3,…,19; the sum is a
 *  multiple of 89 (ATO algorithm). */
import { weightedSum } from './mod11.ts';

export function auAbnValid(digits: string): boolean {
  if (!/^\d{11}$/.test(digits) || digits[0] === '0') return false;
  const adjusted = String(Number(digits[0]) - 1) + digits.slice(1);
  return weightedSum(adjusted, [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]) % 89 === 0;
}
