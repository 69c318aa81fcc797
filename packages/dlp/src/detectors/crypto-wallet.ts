/** Bitcoin addresses: legacy/P2SH Base58Check ("1…", "3…") and SegWit Bech32/Bech32m
 *  ("bc1…"), accepted only when their checksum holds; Ethereum addresses ("0x" + 40 hex), whose
 *  EIP-55 mixed-case checksum is verified when present. */
import type { PatternDetector } from '../types.ts';
import { bitcoinBase58Valid } from '../validators/base58check.ts';
import { segwitAddressValid } from '../validators/bech32.ts';
import { eip55Check } from '../validators/keccak.ts';
import { re } from './shared.ts';

export const bitcoinBase58Detector: PatternDetector = {
  id: 'crypto-btc-base58',
  entity: 'CRYPTO',
  kind: 'pii',
  tag: 'fin.crypto_wallet',
  keywords: [],
  // anchor: base58 addresses are whole alphanumeric tokens
  anchor: { kind: 'token', minLength: 26, maxLength: 35, before: 0, after: 0 },
  trigger: { minDigits: 1 },
  pattern: re(String.raw`(?<![A-Za-z0-9])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![A-Za-z0-9])`),
  baseConfidence: 0.9,
  validate: bitcoinBase58Valid,
  context: ['wallet', 'bitcoin', 'btc', 'address'],
  description: 'Bitcoin address (Base58Check)',
};

export const bitcoinBech32Detector: PatternDetector = {
  id: 'crypto-btc-bech32',
  entity: 'CRYPTO',
  kind: 'pii',
  tag: 'fin.crypto_wallet',
  keywords: ['bc1'],
  pattern: re(String.raw`(?<![A-Za-z0-9])(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}(?![A-Za-z0-9])`),
  baseConfidence: 0.9,
  validate: segwitAddressValid,
  context: ['wallet', 'bitcoin', 'btc', 'address'],
  description: 'Bitcoin SegWit address (Bech32)',
};

/** An all-lower or all-upper address is valid but unverifiable (any 40 hex digits pass), so it
 *  only reaches the default threshold; a correct EIP-55 casing is as good as a checksum. */
const ETH_UNCASED_CONFIDENCE = 0.5;

export function ethereumAddressConfidence(value: string): number | false {
  const check = eip55Check(value);
  if (check === false) return false;
  return check === 'checksummed' ? 0.9 : ETH_UNCASED_CONFIDENCE;
}

export const ethereumAddressDetector: PatternDetector = {
  id: 'crypto-eth',
  entity: 'CRYPTO',
  kind: 'pii',
  tag: 'fin.crypto_wallet',
  keywords: ['0x'],
  pattern: re(String.raw`(?<![A-Za-z0-9])0x[0-9a-fA-F]{40}(?![A-Za-z0-9])`),
  baseConfidence: 0.9,
  validate: ethereumAddressConfidence,
  context: ['wallet', 'ethereum', 'eth', 'address', 'erc20'],
  description: 'Ethereum address (EIP-55 checksum when mixed case)',
};
