import { describe, expect, it } from 'vitest';
import { scan } from './scan.ts';
import { resolveOverlaps } from './overlap.ts';
import { luhnCheckDigit } from './validators/luhn.ts';
import { mod97 } from './validators/mod97.ts';
import type { Finding } from './types.ts';
import { expectLinear } from './test-support.ts';

const all = { minConfidence: 0, includeTestValues: true };
const entities = (text: string, opts = {}) => scan(text, opts).map((f) => [f.entity, text.slice(f.start, f.end)]);

describe('PII detectors', () => {
  it('e-mail: finds addresses, not a bare domain or a trailing dot', () => {
    expect(entities('write to jane.doe+x@mail.example.co.uk today')).toEqual([['EMAIL_ADDRESS', 'jane.doe+x@mail.example.co.uk']]);
    expect(scan('info@presidio. or hello-world', { entities: ['EMAIL_ADDRESS'] })).toEqual([]);
  });
  it('credit card: Luhn and issuer range, plain or grouped', () => {
    const pan = '453201511283036' + luhnCheckDigit('453201511283036');
    const grouped = pan.replace(/(\d{4})(?=\d)/g, '$1 ');
    expect(entities(`card ${grouped}.`)).toEqual([['CREDIT_CARD', grouped]]);
    const bad = pan.slice(0, 15) + ((Number(pan[15]) + 1) % 10);
    expect(scan(bad, { entities: ['CREDIT_CARD'], ...all })).toEqual([]);
    const noIssuer = '9' + '45320151128303';
    expect(scan(noIssuer + luhnCheckDigit(noIssuer), { entities: ['CREDIT_CARD'], ...all })).toEqual([]);
  });
  it('flags documented test cards and drops them by default', () => {
    expect(scan('4111 1111 1111 1111', { entities: ['CREDIT_CARD'] })).toEqual([]);
    const [f] = scan('4111 1111 1111 1111', { entities: ['CREDIT_CARD'], includeTestValues: true, minConfidence: 0 });
    expect(f?.testValue).toBe(true);
    expect(f!.confidence).toBeLessThan(0.9);
  });
  it('IBAN: grouped, cut to the country length, mixed case rejected', () => {
    const bban = '370400440532013000';
    const iban = 'DE' + String(98 - mod97(bban + 'DE00')).padStart(2, '0') + bban;
    const printed = iban.replace(/(.{4})(?=.)/g, '$1 ');
    expect(entities(`IBAN ${printed} and more`)).toEqual([['IBAN_CODE', printed]]);
    expect(entities(`iban ${iban.toLowerCase()}`)).toEqual([['IBAN_CODE', iban.toLowerCase()]]);
    expect(scan('De' + iban.slice(2), { entities: ['IBAN_CODE'], ...all })).toEqual([]);
  });
  it('US SSN: invalid areas and groups are rejected, separators must agree', () => {
    expect(entities('SSN: 536-22-1234')).toEqual([['US_SSN', '536-22-1234']]);
    for (const bad of ['000-12-1234', '666-12-1234', '900-12-1234', '536-00-1234', '536-22-0000', '536-22 1234']) {
      expect(scan(bad, { entities: ['US_SSN'], ...all })).toEqual([]);
    }
  });
  it('phones: international and national layouts, not dates or IPs', () => {
    expect(entities('call +44 20 7123 4567 or (415) 555-0132')).toEqual([['PHONE_NUMBER', '+44 20 7123 4567'], ['PHONE_NUMBER', '(415) 555-0132']]);
    expect(scan('on 2021-05-20 at 10.0.0.1', { entities: ['PHONE_NUMBER'] })).toEqual([]);
  });
  it('IP addresses v4 and v6, not times or ratios', () => {
    expect(entities('from 10.1.2.3 and [2001:db8::1]:443')).toEqual([['IP_ADDRESS', '10.1.2.3'], ['IP_ADDRESS', '2001:db8::1']]);
    expect(scan('at 12:34:56, ratio 1:2:3:4, std::cout, 999.1.1.1', { entities: ['IP_ADDRESS'], ...all })).toEqual([]);
  });
  it('URLs with and without scheme, not file names', () => {
    expect(entities('see https://trellis.dev/docs?a=1. or mysite.com')).toEqual([['URL', 'https://trellis.dev/docs?a=1'], ['URL', 'mysite.com']]);
    expect(scan('run setup.py and README.md', { entities: ['URL'], ...all })).toEqual([]);
    // A manifest's apiVersion names a schema, not an address; the same host elsewhere is a URL.
    expect(scan('apiVersion: trellis.dev/v1\nkind: MicroApp', { entities: ['URL'], ...all })).toEqual([]);
    expect(scan('{"apiVersion": "networking.k8s.io/v1"}', { entities: ['URL'], ...all })).toEqual([]);
    expect(entities('docs at trellis.dev/v1 today')).toEqual([['URL', 'trellis.dev/v1']]);
  });
  it('national ids with checksums', () => {
    expect(entities('UK NI number AB 12 34 56 C')).toEqual([['UK_NINO', 'AB 12 34 56 C']]);
    expect(scan('QQ 12 34 56 C', { entities: ['UK_NINO'], ...all })).toEqual([]);
  });
  it('date of birth only next to a birth keyword', () => {
    expect(entities('DOB: 1985-03-12')).toEqual([['DATE_OF_BIRTH', '1985-03-12']]);
    expect(scan('She was born in Paris and moved to Lyon much later. Meeting on 1985-03-12.', { entities: ['DATE_OF_BIRTH'] })).toEqual([]);
  });
});

describe('context words', () => {
  it('lift a weak match over the default threshold', () => {
    expect(scan('number 912803456', { entities: ['US_PASSPORT'] })).toEqual([]);
    const [f] = scan('my passport number is 912803456', { entities: ['US_PASSPORT'] });
    expect(f?.confidence).toBeGreaterThanOrEqual(0.5);
  });
  it('must start a word ("ship" is not "ip")', () => {
    const plain = scan('a 9128034567 b', { entities: ['US_BANK_NUMBER'], minConfidence: 0 })[0]!;
    const ship = scan('ship to 9128034567 b', { entities: ['US_BANK_NUMBER'], minConfidence: 0 })[0]!;
    const bank = scan('bank account 9128034567', { entities: ['US_BANK_NUMBER'], minConfidence: 0 })[0]!;
    expect(ship.confidence).toBe(plain.confidence);
    expect(bank.confidence).toBeGreaterThan(plain.confidence);
  });
});

describe('overlap resolution', () => {
  const f = (entity: string, start: number, end: number, confidence: number, kind: Finding['kind'] = 'pii'): Finding => ({ entity, start, end, confidence, detector: entity.toLowerCase(), kind });
  it('keeps the higher confidence of overlapping findings, and both of disjoint ones', () => {
    const out = resolveOverlaps([f('US_BANK_NUMBER', 0, 16, 0.05), f('CREDIT_CARD', 0, 16, 0.9), f('EMAIL_ADDRESS', 20, 30, 0.9)]);
    expect(out.map((x) => x.entity)).toEqual(['CREDIT_CARD', 'EMAIL_ADDRESS']);
  });
  it('prefers a secret on a tie and the longer span before that', () => {
    expect(resolveOverlaps([f('URL', 0, 40, 0.8), f('SECRET', 0, 40, 0.8, 'secret')])[0]!.entity).toBe('SECRET');
    expect(resolveOverlaps([f('A', 0, 10, 0.8), f('B', 2, 30, 0.8)])[0]!.entity).toBe('B');
  });
  it('a validated card beats the generic bank-number guess in a real scan', () => {
    const pan = '453201511283036' + luhnCheckDigit('453201511283036');
    expect(scan(`acct ${pan}`, all).map((x) => x.entity)).toEqual(['CREDIT_CARD']);
  });
});

describe('bad input', () => {
  it('decodes invalid UTF-8 leniently and still finds data around it', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' mail bob@corp.io '), Buffer.from([0x80, 0x00, 0x01])]);
    const found = scan(bytes);
    expect(found.map((x) => x.entity)).toEqual(['EMAIL_ADDRESS']);
  });
  it('survives binary data', () => {
    const bin = Buffer.alloc(200_000);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) % 256;
    expect(() => scan(bin)).not.toThrow();
  });
  it('does work linear in the length of strings built to trigger backtracking', () => {
    // n characters (about) of each shape; 100,000 is the size the engine must handle
    const rep = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length));
    const attacks: Array<(n: number) => string> = [
      (n) => rep('a@', n), (n) => rep('1', n), (n) => rep('.', n), (n) => rep('1.', n), (n) => rep('1 ', n),
      (n) => rep(':', n), (n) => rep('a1:', n), (n) => rep('a.', n) + '@', (n) => rep('+1-', n), (n) => 'http://' + rep('a', n), (n) => rep('AB12', n),
      (n) => 'x@' + rep('a-', n), (n) => rep('9', n / 2) + '-' + rep('9', n / 2)];
    for (const attack of attacks) {
      expectLinear([25_000, 50_000, 100_000], attack, (text) => scan(text, all), `input starting ${attack(8).slice(0, 6)}`);
    }
  }, 120_000);
  it('returns nothing for empty input', () => {
    expect(scan('')).toEqual([]);
  });
});
