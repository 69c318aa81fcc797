/** Bitcoin addresses: legacy/P2SH Base58Check ("1…", "3…") and SegWit Bech32/Bech32m
 *  ("bc1…"), accepted only when their checksum holds. */
import type { PatternDetector } from '../types.ts';
import { bitcoinBase58Valid } from '../validators/base58check.ts';
import { segwitAddressValid } from '../validators/bech32.ts';
import { re } from './shared.ts';

export const bitcoinBase58Detector: PatternDetector = {
  id: 'crypto-btc-base58',
  entity: 'CRYPTO',
  kind: 'pii',
  tag: 'fin.crypto_wallet',
  keywords: [],
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
