/** Bech32 (BIP-173) and Bech32m (BIP-350) checksums for SegWit addresses ("bc1…"). Mixed case is
 *  invalid by the spec, so it is rejected here. */
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i]!;
  }
  return chk >>> 0;
}

export type Bech32Variant = 'bech32' | 'bech32m';

export function bech32Decode(addr: string): { hrp: string; data: number[]; variant: Bech32Variant } | null {
  if (addr.length > 90 || addr.length < 8) return null;
  if (addr !== addr.toLowerCase() && addr !== addr.toUpperCase()) return null;
  const s = addr.toLowerCase();
  const pos = s.lastIndexOf('1');
  if (pos < 1 || pos + 7 > s.length) return null;
  const hrp = s.slice(0, pos);
  const data: number[] = [];
  for (const ch of s.slice(pos + 1)) {
    const v = CHARSET.indexOf(ch);
    if (v < 0) return null;
    data.push(v);
  }
  const expanded: number[] = [];
  for (const ch of hrp) expanded.push(ch.charCodeAt(0) >> 5);
  expanded.push(0);
  for (const ch of hrp) expanded.push(ch.charCodeAt(0) & 31);
  const pm = polymod([...expanded, ...data]);
  const variant: Bech32Variant | null = pm === 1 ? 'bech32' : pm === 0x2bc830a3 ? 'bech32m' : null;
  if (!variant) return null;
  return { hrp, data: data.slice(0, -6), variant };
}

/** A SegWit address on Bitcoin mainnet: witness v0 uses Bech32, v1+ uses Bech32m. */
export function segwitAddressValid(addr: string): boolean {
  const d = bech32Decode(addr);
  if (!d || d.hrp !== 'bc' || d.data.length < 1) return false;
  const version = d.data[0]!;
  if (version > 16) return false;
  if ((version === 0) !== (d.variant === 'bech32')) return false;
  const progBits = (d.data.length - 1) * 5;
  const progBytes = Math.floor(progBits / 8);
  if (progBytes < 2 || progBytes > 40) return false;
  if (version === 0 && progBytes !== 20 && progBytes !== 32) return false;
  return true;
}
