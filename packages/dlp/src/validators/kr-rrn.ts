/** Korean Resident Registration Number (and the foreigner number FRN, same layout): YYMMDD,
 *  a gender/century digit (1–4 citizens, 5–8 foreigners), five digits and a check digit
 *  (weights 2…9,2…5, (11 − sum mod 11) mod 10). Numbers issued since October 2020 use random
 *  trailing digits, so a failed checksum lowers confidence rather than rejecting. */
import { weightedSum } from './mod11.ts';
import { validDate } from './dates.ts';

export type KrRrnCheck = 'valid' | 'date-only' | 'invalid';

export function krRrnCheck(digits: string, genderDigits: string): KrRrnCheck {
  if (!/^\d{13}$/.test(digits)) return 'invalid';
  const g = digits[6]!;
  if (!genderDigits.includes(g)) return 'invalid';
  const centuryBase = '1256'.includes(g) ? 1900 : '3478'.includes(g) ? 2000 : 1800;
  if (!validDate(centuryBase + Number(digits.slice(0, 2)), Number(digits.slice(2, 4)), Number(digits.slice(4, 6)))) return 'invalid';
  const check = (11 - (weightedSum(digits, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]) % 11)) % 10;
  return check === digits.charCodeAt(12) - 48 ? 'valid' : 'date-only';
}
