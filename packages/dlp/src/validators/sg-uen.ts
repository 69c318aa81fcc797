/** Singapore Unique Entity Number (ACRA): businesses NNNNNNNNC, local companies YYYYNNNNNC and
 *  other entities [RST]YY + entity type + NNNNC, each with its own weighted mod-11 check. */
import { weightedSum } from './mod11.ts';

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWX0123456789';

export function sgUenValid(value: string): boolean {
  const s = value.toUpperCase();
  let m = /^(\d{8})([A-Z])$/.exec(s);
  if (m) return 'XMKECAWLJDB'[weightedSum(m[1]!, [10, 4, 9, 3, 8, 2, 7, 1]) % 11] === m[2];
  m = /^((?:19|20)\d{7})([A-Z])$/.exec(s);
  if (m) return 'ZKCMDNERGWH'[weightedSum(m[1]!, [10, 8, 6, 4, 9, 7, 5, 3, 1]) % 11] === m[2];
  m = /^([RST]\d{2}[A-Z]{2}\d{4})([A-Z])$/.exec(s);
  if (m) {
    const w = [4, 3, 5, 3, 10, 2, 2, 5, 7];
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += ALNUM.indexOf(m[1]![i]!) * w[i]!;
    return ALNUM[(((sum - 5) % 11) + 11) % 11] === m[2];
  }
  return false;
}
