/** Singapore NRIC/FIN check letter: weights 2,7,6,5,4,3,2 on the digits, an offset per prefix
 *  (T and G +4, M +3) and a letter table per series (S/T citizens, F/G/M foreigners). */
import { weightedSum } from './mod11.ts';

const TABLES: Record<string, string> = {
  S: 'JZIHGFEDCBA', T: 'JZIHGFEDCBA', F: 'XWUTRQPNMLK', G: 'XWUTRQPNMLK', M: 'KLJNPQRTUWX',
};
const OFFSET: Record<string, number> = { S: 0, T: 4, F: 0, G: 4, M: 3 };

export function sgNricValid(value: string): boolean {
  const s = value.toUpperCase();
  const m = /^([STFGM])(\d{7})([A-Z])$/.exec(s);
  if (!m) return false;
  const prefix = m[1]!;
  const sum = weightedSum(m[2]!, [2, 7, 6, 5, 4, 3, 2]) + OFFSET[prefix]!;
  if (prefix === 'M') return TABLES.M![10 - (sum % 11)] === m[3];
  return TABLES[prefix]![sum % 11] === m[3];
}
