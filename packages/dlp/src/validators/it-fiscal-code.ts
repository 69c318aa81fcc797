/** Italian codice fiscale: 15 characters and a check letter from the odd/even position tables
 *  of the Ministry of Finance (decree 23/12/1976). Omocodia letters stand in for digits. */
const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

function charValue(c: string): number {
  const code = c.charCodeAt(0);
  return code >= 48 && code <= 57 ? code - 48 : code - 65;
}

export function itFiscalCodeValid(value: string): boolean {
  const s = value.toUpperCase();
  if (!/^[A-Z0-9]{15}[A-Z]$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const v = charValue(s[i]!);
    sum += i % 2 === 0 ? ODD[v]! : v;
  }
  return String.fromCharCode(65 + (sum % 26)) === s[15];
}
