/** Weighted mod-11 checks. The UK NHS number (weights 10…2, check = 11 − sum mod 11, 10 is
 *  invalid) and the Australian TFN (sum with weights divisible by 11) are both this shape. */
export function weightedSum(digits: string, weights: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += (digits.charCodeAt(i) - 48) * weights[i]!;
  return s;
}

export function nhsValid(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  const r = 11 - (weightedSum(digits, [10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11);
  const check = r === 11 ? 0 : r;
  if (check === 10) return false;
  return check === digits.charCodeAt(9) - 48;
}

/** ISO 7064 MOD 11,10 (German tax id, German VAT id). */
export function iso7064Mod11_10Valid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let product = 10;
  for (let i = 0; i < digits.length - 1; i++) {
    let sum = (digits.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  let check = 11 - product;
  if (check === 10) check = 0;
  return check === digits.charCodeAt(digits.length - 1) - 48;
}
