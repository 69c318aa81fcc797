/** ABA routing transit number: 9 digits, weights 3-7-1 repeated must sum to a multiple of 10, and
 *  the first two digits must be a Federal Reserve routing symbol (00–12, 21–32, 61–72, 80). */
export function abaValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const prefix = Number(digits.slice(0, 2));
  const okPrefix = prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix === 80;
  if (!okPrefix) return false;
  const w = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  let s = 0;
  for (let i = 0; i < 9; i++) s += (digits.charCodeAt(i) - 48) * w[i]!;
  return s % 10 === 0;
}
