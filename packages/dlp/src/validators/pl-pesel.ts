/** Polish PESEL: YYMMDD with the century folded into the month (+80 1800s, +0 1900s, +20 2000s,
 *  +40, +60), a serial, and a weighted (1,3,7,9) mod-10 check digit. */
import { weightedSum } from './mod11.ts';
import { validDate } from './dates.ts';

export function plPeselValid(digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  const yy = Number(digits.slice(0, 2));
  const mmRaw = Number(digits.slice(2, 4));
  const dd = Number(digits.slice(4, 6));
  const century = [1900, 2000, 2100, 2200, 1800][Math.floor(mmRaw / 20)];
  if (century === undefined) return false;
  if (!validDate(century + yy, mmRaw % 20, dd)) return false;
  const check = (10 - (weightedSum(digits, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10)) % 10;
  return check === digits.charCodeAt(10) - 48;
}
