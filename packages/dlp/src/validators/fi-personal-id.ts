/** Finnish henkilötunnus: DDMMYY, a century sign (+ for 1800s; - and Y X W V U for 1900s;
 *  A B C D E F for 2000s, per the 2023 reform), a 3-digit individual number and a control
 *  character = "0123456789ABCDEFHJKLMNPRSTUVWXY"[DDMMYYNNN mod 31]. */
import { validDate } from './dates.ts';

const CONTROL = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const CENTURY: Record<string, number> = { '+': 1800, '-': 1900, Y: 1900, X: 1900, W: 1900, V: 1900, U: 1900, A: 2000, B: 2000, C: 2000, D: 2000, E: 2000, F: 2000 };

export function fiPersonalIdValid(value: string): boolean {
  const s = value.toUpperCase();
  const m = /^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$/.exec(s);
  if (!m) return false;
  const century = CENTURY[m[4]!];
  if (century === undefined) return false;
  if (!validDate(century + Number(m[3]), Number(m[2]), Number(m[1]))) return false;
  const n = Number(m[1]! + m[2]! + m[3]! + m[5]!);
  return CONTROL[n % 31] === m[6];
}
