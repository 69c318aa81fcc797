/** Luhn (mod 10) check used by payment cards, Canadian SIN, NPI, South African ids and Swedish
 *  personal numbers. Works on the digits only, so callers strip separators first. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The digit that makes `payload + digit` Luhn-valid (used by tests and tokenization). */
export function luhnCheckDigit(payload: string): number {
  for (let d = 0; d <= 9; d++) if (luhnValid(payload + String(d))) return d;
  return 0;
}
