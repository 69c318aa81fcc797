/**
 * The windowed engine (keyword windows, anchors, context gating of weak candidates) must report
 * exactly what the whole-text reference scan reports. Texts are long enough for windows to apply
 * (sparse candidates in filler) and mix the shapes the gates reason about: bare digit runs next to
 * context words, dates, IP addresses, extensions, '+' and "00" prefixes, letters around digit runs.
 */
import { describe, expect, it } from 'vitest';
import { prng } from './test-support.ts';
import { scan, scanReference } from './scan.ts';


const PIECES = [
  'phone', 'Call me', 'tel:', 'fax', 'contact', 'account', 'BAN\u212A', 'bank', 'routing', 'ssn', 'itin', 'passport',
  'driver', 'license', 'pan', 'voter', 'nhs', '+', '00', '(', ')', ' ', '-', '.', ':', '/', ' x', ' ext ', '#', '\n',
  '2024-03-15', '15.03.2024', '192.168.10.12', '256.256.256.256', '(415) ', '+1 ', '0049 ', 'T', 'Z', 'X', 'M', 'AB',
  'ABCPE', 'ABCXE', 'F', 'RR', 'MH', 'c', 'A', '-A', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
];
const FILLER = ['the', 'order', 'status', 'cluster', 'is', 'ok', 'and', 'review', 'of', 'budget', 'id=7'];

function text(rnd: () => number, length: number): string {
  let s = '';
  while (s.length < length) {
    if (rnd() < 0.04) {
      const n = 2 + Math.floor(rnd() * 10);
      for (let i = 0; i < n; i++) {
        s += rnd() < 0.55 ? String(Math.floor(rnd() * 10)).repeat(1 + Math.floor(rnd() * 6)) : PIECES[Math.floor(rnd() * PIECES.length)];
      }
      s += ' ';
    } else {
      s += `${FILLER[Math.floor(rnd() * FILLER.length)]} `;
    }
  }
  return s;
}

describe('windowed scan matches the whole-text reference', () => {
  it('on long mixed texts at several thresholds', () => {
    const rnd = prng(20261127);
    for (let t = 0; t < 40; t++) {
      const s = text(rnd, 12_000);
      for (const minConfidence of [0.5, 0.3, 0.05]) {
        expect(scan(s, { minConfidence })).toEqual(scanReference(s, { minConfidence }));
      }
    }
  });

  it('on shapes the anchor gates reason about, placed alone', () => {
    const samples = [
      '256.256.256.256', '192.168.1.256', '300.168.1.1', '2024-03-15', '15.03.2024', '2024-03-15 x12', '+1 415 555 0132',
      '+14155550132', '004930123456789', '4155550132 ext 12', '(415) 555-0132', '415-55-0132', '123-45-6789', '123456789',
      'ABCPE1234F', 'ABCXE1234F', 'pan ABCXE1234F', 'X1234567L', '12345678Z', '131052-308T', 'AB9123456', 'MH12AB1234',
      '900701234', '9434765919', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 'phone 5550132123', 'ssn 078051121', 'BAN\u212A 12345678901',
      // shapes the anchor filters (uk-nino, sg-uen, sg-nric-fin, iban) reason about, and IPv4 addresses
      '10.1.2.3', '10.1.2.3/24', '1.2.3', '10.1.2.3.4', 'AB 12 34 56 C', 'JG123456A', 'AB 12 34 56 7', 'xAB123456C', 'AB 1234567 C',
      '53312345C', '201912345r', 'T08LL0001K', 't08ll0001k', 's12ab1234L', 'T08LL00012K', 'xT08LL0001K', '533123456C', 'S1234567D', 'T1234567J', 'S12345678D', 'aS1234567D',
      'GB82 WEST 1234 5698 7654 32', 'DE89370400440532013000', 'xDE89370400440532013000', 'de89 3704 0044 0532 0130 00',
      // a rejected match ("1118 ext 000") that runs into the next candidate's window
      'tel:111118 ext 000 111111666666', '555118 x 000 4155550132', '2001:db8::1 and 10.0.0.1',
      // addresses whose windows the engine widens from the '@', '://' or a dot (no margin)
      'ana.lopez+tag@mail.northwind.co.uk', 'x@y', 'a@b.c@d.io', `${'l'.repeat(70)}@corp.io`, 'see https://a.io/p?q=1#f).',
      'ftp://files.corp.io/a/b', 'https://[2001:db8::1]:8443/x', 'www.brightsea.net/path/to/page.html', 'setup.py', 'a.b.c.d.e.f.g.com',
      `https://corp.io/${'p'.repeat(2100)}`, 'apiVersion: trellis.dev/v1', 'user@host.com:443/x', 'postgres://u:p@db.corp.io:5432/app',
    ];
    const filler = 'the order status is ok and review of budget '.repeat(60);
    for (const sample of samples) {
      for (const sep of [' ', '\n', ',', '"']) {
        const s = `${filler}${sep}${sample}${sep}${filler}`;
        for (const minConfidence of [0.5, 0.3, 0.05]) {
          expect(scan(s, { minConfidence }), `${sample} @${minConfidence}`).toEqual(scanReference(s, { minConfidence }));
        }
      }
    }
  });

  it('starts windows where the whole-text run is between matches', () => {
    // "111118 ext 000" matches the phone pattern and is rejected (six digits); the whole-text run
    // resumes after it, so "000" cannot start the match that would hide "111111666666"
    const filler = 'the order status is ok and review of budget '.repeat(200);
    const s = `${filler}tel:111118 ext 000 111111666666 ${filler}`;
    const found = scan(s, { minConfidence: 0.05 });
    expect(found).toEqual(scanReference(s, { minConfidence: 0.05 }));
    expect(found.map((f) => `${f.detector}:${s.slice(f.start, f.end)}`)).toContain('phone:111111666666');
  });

  it('keeps a bare number that a context word makes a phone number', () => {
    const filler = 'the order status is ok '.repeat(400);
    const s = `${filler}please call 4155550132 today ${filler} ids 4155550133 4155550134 ${filler}`;
    const found = scan(s).filter((f) => f.entity === 'PHONE_NUMBER');
    expect(found.map((f) => s.slice(f.start, f.end))).toEqual(['4155550132']);
    expect(scan(s)).toEqual(scanReference(s));
  });

  it('on texts where a pattern anchor is dense or just sparse enough (its candidate list may stop early)', () => {
    const filler = 'the order status is ok and review of budget ';
    // '.x' (URL), '@' (e-mail) and two letters then two digits (IBAN) every few characters, and
    // counts of them around the window limit (16 for a short text, one per 2048 characters)
    for (const unit of ['a.', 'a@', 'x.io ', 'DE89 ', 'bob@corp.io ', 'GB82WEST12345698765432 ']) {
      for (const count of [1, 15, 16, 17, 40, 2000]) {
        const s = `${filler.repeat(50)}${unit.repeat(count)}${filler.repeat(50)}`;
        expect(scan(s), `${unit} x ${count}`).toEqual(scanReference(s));
      }
    }
  });
});
