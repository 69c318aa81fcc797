/** Aadhaar: 12 digits, never starting with 0 or 1, Verhoeff check digit last; palindromes are
 *  not issued. */
import { verhoeffValid } from './verhoeff.ts';

export function inAadhaarValid(digits: string): boolean {
  if (!/^[2-9]\d{11}$/.test(digits)) return false;
  if (digits === [...digits].reverse().join('')) return false;
  return verhoeffValid(digits);
}
