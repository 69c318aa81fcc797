/** ISO 7064 MOD 97-10 as used by IBAN: move the first four characters to the end, turn letters
 *  into numbers (A=10 … Z=35) and the remainder mod 97 must be 1. Computed piecewise so it
 *  never needs big integers. */
export function mod97(alnum: string): number {
  let rem = 0;
  for (let i = 0; i < alnum.length; i++) {
    const c = alnum.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return -1;
  }
  return rem;
}

export function ibanChecksumValid(iban: string): boolean {
  const s = iban.toUpperCase();
  if (s.length < 5) return false;
  return mod97(s.slice(4) + s.slice(0, 4)) === 1;
}
