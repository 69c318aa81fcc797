import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { luhnCheckDigit, luhnValid } from './luhn.ts';
import { mod97 } from './mod97.ts';
import { ibanValid } from './iban.ts';
import { verhoeffCheckDigit, verhoeffValid } from './verhoeff.ts';
import { nhsValid, iso7064Mod11_10Valid, weightedSum } from './mod11.ts';
import { abaValid } from './aba.ts';
import { plPeselValid } from './pl-pesel.ts';
import { fiPersonalIdValid } from './fi-personal-id.ts';
import { esNieValid, esNifValid } from './es-nif.ts';
import { itFiscalCodeValid } from './it-fiscal-code.ts';
import { deTaxIdValid } from './de-tax-id.ts';
import { auAbnValid } from './au-abn.ts';
import { auAcnValid } from './au-acn.ts';
import { auTfnValid } from './au-tfn.ts';
import { auMedicareValid } from './au-medicare.ts';
import { sgNricValid } from './sg-nric.ts';
import { krRrnCheck } from './kr-rrn.ts';
import { deaValid } from './dea.ts';
import { inAadhaarValid } from './in-aadhaar.ts';
import { ukNinoValid } from './uk-nino.ts';
import { bitcoinBase58Valid } from './base58check.ts';
import { segwitAddressValid } from './bech32.ts';
import { sgUenValid } from './sg-uen.ts';
import { shannonEntropy } from './entropy.ts';
import { eip55Check, keccak256Hex, sha3256 } from './keccak.ts';
import { scan } from '../scan.ts';

/** Smallest digit d such that check(payload + d) holds. */
function completeWith(payload: string, check: (s: string) => boolean): string {
  for (let d = 0; d <= 9; d++) if (check(payload + d)) return payload + d;
  throw new Error('no check digit');
}

describe('luhn', () => {
  it('accepts a number completed with its check digit and rejects a changed digit', () => {
    const pan = '453201511283036' + luhnCheckDigit('453201511283036');
    expect(luhnValid(pan)).toBe(true);
    const broken = pan.slice(0, 5) + ((Number(pan[5]) + 1) % 10) + pan.slice(6);
    expect(luhnValid(broken)).toBe(false);
    expect(luhnValid('12a4')).toBe(false);
  });
});

describe('mod97 / IBAN', () => {
  const makeIban = (cc: string, bban: string) => {
    const check = 98 - mod97(bban + cc + '00');
    return cc + String(check).padStart(2, '0') + bban;
  };
  it('builds a valid German IBAN from its BBAN and rejects a typo', () => {
    const iban = makeIban('DE', '370400440532013000');
    expect(ibanValid(iban)).toBe(true);
    expect(ibanValid(iban.slice(0, -1) + '1')).toBe(false);
  });
  it('enforces the country length and BBAN layout', () => {
    expect(ibanValid(makeIban('DE', '37040044053201300'))).toBe(false); // one digit short
    expect(ibanValid(makeIban('GB', '1234' + '601613' + '31926819'))).toBe(false); // GB bank code is letters
    expect(ibanValid(makeIban('GB', 'WEST' + '601613' + '31926819'))).toBe(true);
    expect(ibanValid(makeIban('QQ', '12345678'))).toBe(false); // no such country
  });
});

describe('verhoeff', () => {
  it('round-trips a computed check digit and catches a transposition', () => {
    const payload = '23412341234';
    const full = payload + verhoeffCheckDigit(payload);
    expect(verhoeffValid(full)).toBe(true);
    const swapped = full[1] + full[0] + full.slice(2);
    expect(verhoeffValid(swapped)).toBe(false);
  });
  it('aadhaar needs a 2-9 lead digit', () => {
    const ok = completeWith('31234567890', verhoeffValid);
    expect(inAadhaarValid(ok)).toBe(true);
    expect(inAadhaarValid(completeWith('11234567890', verhoeffValid))).toBe(false);
  });
});

describe('mod 11 family', () => {
  it('NHS: check digit 11 - sum mod 11, 10 invalid', () => {
    const payload = '943476591';
    const r = 11 - (weightedSum(payload, [10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11);
    const check = r === 11 ? 0 : r;
    expect(check).not.toBe(10);
    expect(nhsValid(payload + check)).toBe(true);
    expect(nhsValid(payload + ((check + 1) % 10))).toBe(false);
  });
  it('ISO 7064 MOD 11,10 and the German tax id repetition rule', () => {
    const id = completeWith('8609574271', iso7064Mod11_10Valid);
    expect(deTaxIdValid(id)).toBe(true);
    expect(deTaxIdValid(completeWith('1111123456', iso7064Mod11_10Valid))).toBe(false); // 1 appears 5 times
    expect(deTaxIdValid('0' + id.slice(1))).toBe(false);
  });
  it('AU TFN, ACN, ABN, Medicare', () => {
    expect(auTfnValid('876543210')).toBe(weightedSum('876543210', [1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 === 0);
    for (let i = 0; i < 10; i++) {
      const tfn = `12345678${i}`;
      expect(auTfnValid(tfn)).toBe(weightedSum(tfn, [1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 === 0);
    }
    const acnPayload = '00549998';
    const acn = acnPayload + ((10 - (weightedSum(acnPayload, [8, 7, 6, 5, 4, 3, 2, 1]) % 10)) % 10);
    expect(auAcnValid(acn)).toBe(true);
    expect(auAcnValid(acn.slice(0, 8) + ((Number(acn[8]) + 1) % 10))).toBe(false);
    // ABN: find the two leading digits that make the mod-89 sum work for a fixed tail
    let abn = '';
    for (let p = 10; p < 100 && !abn; p++) if (auAbnValid(`${p}824753556`)) abn = `${p}824753556`;
    expect(abn).not.toBe('');
    expect(auAbnValid(String(Number(abn.slice(0, 2)) + 1) + abn.slice(2))).toBe(false);
    const med = '21234567';
    const medFull = med + (weightedSum(med, [1, 3, 7, 9, 1, 3, 7, 9]) % 10) + '1';
    expect(auMedicareValid(medFull)).toBe(true);
    expect(auMedicareValid('7' + medFull.slice(1))).toBe(false);
  });
});

describe('national identifiers', () => {
  it('ABA routing: prefix and 3-7-1 checksum', () => {
    const aba = completeWith('02100002', abaValid);
    expect(abaValid(aba)).toBe(true);
    expect(abaValid('42' + aba.slice(2))).toBe(false);
  });
  it('PESEL: century-coded month, day and weighted check', () => {
    const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    const p = '0221150123'; // 2002-01-15
    const pesel = p + ((10 - (weightedSum(p, w) % 10)) % 10);
    expect(plPeselValid(pesel)).toBe(true);
    expect(plPeselValid('0213320123' + pesel[10])).toBe(false);
  });
  it('Finnish HETU control character and century sign', () => {
    const n = Number('131052' + '308');
    const id = `131052-308${'0123456789ABCDEFHJKLMNPRSTUVWXY'[n % 31]}`;
    expect(fiPersonalIdValid(id)).toBe(true);
    expect(fiPersonalIdValid(id.replace('-', 'A'))).toBe(true); // 2052 is a valid date too
    expect(fiPersonalIdValid(id.replace('-', '.'))).toBe(false);
  });
  it('Spanish NIF and NIE letters', () => {
    const letters = 'TRWAGMYFPDXBNJZSQVHLCKE';
    expect(esNifValid(`12345678${letters[12345678 % 23]}`)).toBe(true);
    expect(esNifValid('12345678A')).toBe(false);
    expect(esNieValid(`Y1234567${letters[11234567 % 23]}`)).toBe(true);
    expect(esNieValid('Y1234567A')).toBe(false);
  });
  it('Italian fiscal code check letter', () => {
    const odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
    const body = 'RSSMRA85T10A562';
    let sum = 0;
    for (let i = 0; i < 15; i++) {
      const c = body.charCodeAt(i);
      const v = c <= 57 ? c - 48 : c - 65;
      sum += i % 2 === 0 ? odd[v]! : v;
    }
    const code = body + String.fromCharCode(65 + (sum % 26));
    expect(itFiscalCodeValid(code)).toBe(true);
    expect(itFiscalCodeValid(body + (code.endsWith('A') ? 'B' : 'A'))).toBe(false);
  });
  it('Singapore NRIC check letters for S and F series', () => {
    const digits = '1234567';
    const sum = weightedSum(digits, [2, 7, 6, 5, 4, 3, 2]);
    expect(sgNricValid(`S${digits}${'JZIHGFEDCBA'[sum % 11]}`)).toBe(true);
    expect(sgNricValid(`T${digits}${'JZIHGFEDCBA'[(sum + 4) % 11]}`)).toBe(true);
    expect(sgNricValid(`F${digits}${'XWUTRQPNMLK'[sum % 11]}`)).toBe(true);
    expect(sgNricValid(`S${digits}${'JZIHGFEDCBA'[(sum + 1) % 11]}`)).toBe(false);
  });
  it('Singapore UEN business check letter', () => {
    const d = '12345678';
    expect(sgUenValid(d + 'XMKECAWLJDB'[weightedSum(d, [10, 4, 9, 3, 8, 2, 7, 1]) % 11])).toBe(true);
    expect(sgUenValid(d + 'Q')).toBe(false);
  });
  it('Korean RRN: date, gender digit and checksum', () => {
    const p = '850101123456';
    const check = (11 - (weightedSum(p, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]) % 11)) % 10;
    expect(krRrnCheck(p + check, '1234')).toBe('valid');
    expect(krRrnCheck(p + ((check + 1) % 10), '1234')).toBe('date-only');
    expect(krRrnCheck('851301123456' + check, '1234')).toBe('invalid');
    expect(krRrnCheck(p + check, '5678')).toBe('invalid');
  });
  it('DEA number checksum', () => {
    const d = '123456';
    const n = (i: number) => Number(d[i]);
    const check = (n(0) + n(2) + n(4) + 2 * (n(1) + n(3) + n(5))) % 10;
    expect(deaValid(`AB${d}${check}`)).toBe(true);
    expect(deaValid(`AB${d}${(check + 1) % 10}`)).toBe(false);
  });
  it('UK NINO prefix rules', () => {
    expect(ukNinoValid('AB 12 34 56 C')).toBe(true);
    expect(ukNinoValid('QQ123456C')).toBe(false);
    expect(ukNinoValid('GB123456A')).toBe(false);
    expect(ukNinoValid('AB123456E')).toBe(false);
  });
});

describe('crypto addresses', () => {
  const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  const b58 = (bytes: Buffer) => {
    let x = BigInt('0x' + (bytes.toString('hex') || '0'));
    let s = '';
    while (x > 0n) {
      s = ALPHABET[Number(x % 58n)] + s;
      x /= 58n;
    }
    for (const b of bytes) {
      if (b !== 0) break;
      s = '1' + s;
    }
    return s;
  };
  it('base58check: a payload with its double-SHA-256 checksum is valid, a flipped char is not', () => {
    const payload = Buffer.concat([Buffer.from([0]), createHash('sha256').update('trellis').digest().subarray(0, 20)]);
    const check = createHash('sha256').update(createHash('sha256').update(payload).digest()).digest().subarray(0, 4);
    const addr = b58(Buffer.concat([payload, check]));
    expect(bitcoinBase58Valid(addr)).toBe(true);
    const flipped = addr.slice(0, 10) + (addr[10] === 'a' ? 'b' : 'a') + addr.slice(11);
    expect(bitcoinBase58Valid(flipped)).toBe(false);
  });
  it('bech32: the BIP-173 example address validates, a changed character does not', () => {
    expect(segwitAddressValid('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')).toBe(true);
    expect(segwitAddressValid('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5')).toBe(false);
    expect(segwitAddressValid('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8f3t4')).toBe(false); // mixed case
  });
});

describe('entropy', () => {
  it('is 0 for a repeated character and log2(n) for n distinct ones', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBeCloseTo(2);
  });
});

describe('keccak-256 and EIP-55', () => {
  it('matches the published Keccak-256 vectors', () => {
    expect(keccak256Hex('')).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(keccak256Hex('abc')).toBe('4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
    expect(keccak256Hex('The quick brown fox jumps over the lazy dog')).toBe('4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15');
  });
  it('runs the same permutation as node:crypto sha3-256, across block boundaries', () => {
    for (const n of [0, 1, 135, 136, 137, 272, 1000]) {
      const data = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
      expect(Buffer.from(sha3256(data)).toString('hex')).toBe(createHash('sha3-256').update(data).digest('hex'));
    }
  });
  it('checks EIP-55 casing; single-case addresses are valid without a checksum', () => {
    for (const a of ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359', '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB', '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb']) {
      expect(eip55Check(a)).toBe('checksummed');
    }
    expect(eip55Check('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed')).toBe('uncased');
    expect(eip55Check('0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED')).toBe('uncased');
    expect(eip55Check('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD')).toBe(false);
    expect(eip55Check('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe')).toBe(false);
  });
  it('finds Ethereum addresses, checksummed ones with higher confidence', () => {
    const good = scan('send to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed today', { minConfidence: 0 });
    expect(good).toMatchObject([{ entity: 'CRYPTO', detector: 'crypto-eth', confidence: 0.9 }]);
    const lower = scan('send to 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed today', { minConfidence: 0 });
    expect(lower[0]?.confidence).toBeLessThan(0.9);
    expect(scan('send to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD today', { minConfidence: 0 }).filter((f) => f.entity === 'CRYPTO')).toEqual([]);
  });
});
