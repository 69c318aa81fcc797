import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { HmacSha256, hmacSource } from './hmac.ts';

describe('HMAC-SHA-256 with a kept key', () => {
  it("gives RFC 4231's test vectors", () => {
    // Test cases 2 and 6 (a key longer than the block, hashed first).
    expect(new HmacSha256(Buffer.from('Jefe')).hex('what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(new HmacSha256(Buffer.alloc(131, 0xaa)).hex('Test Using Larger Than Block-Size Key - Hash Key First')).toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });

  it('agrees with createHmac for any key and any text, message after message', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)) }));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(text, { minLength: 1, maxLength: 8 }), (key, messages) => {
        const mac = new HmacSha256(Buffer.from(key));
        for (const m of messages) expect(mac.hex(m)).toBe(createHmac('sha256', Buffer.from(key)).update(m, 'utf8').digest('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('with a body, MAC message ‖ LF ‖ body, each part encoded on its own, at any length', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)) }));
    const plain = (key: Buffer, m: string, b: string) => createHmac('sha256', key).update(m, 'utf8').update('\n', 'utf8').update(b, 'utf8').digest('hex');
    const makeMacHex = new Function('require', `${hmacSource}; return makeMacHex;`)(createRequire(import.meta.url)) as (key: Buffer) => (m: string, b?: string) => string;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), text, text, (k, m, b) => {
        const key = Buffer.from(k);
        expect(new HmacSha256(key).hex(m, b)).toBe(plain(key, m, b));
        expect(makeMacHex(key)(m, b)).toBe(plain(key, m, b));
      }),
      { numRuns: 300 },
    );
    const key = Buffer.alloc(32, 7);
    for (const n of [10, 40_000, 300_000]) {
      const body = 'ü😀'.repeat(n);
      expect(new HmacSha256(key).hex('["v3",1]', body)).toBe(plain(key, '["v3",1]', body));
      expect(makeMacHex(key)('["v3",1]', body)).toBe(plain(key, '["v3",1]', body));
    }
    // The separator is part of the input: no body is not an empty body.
    expect(new HmacSha256(key).hex('x', '')).not.toBe(new HmacSha256(key).hex('x'));
  });

  it('grows for long messages and hands very long ones to createHmac', () => {
    const key = Buffer.alloc(32, 7);
    const mac = new HmacSha256(key);
    for (const n of [5, 20_000, 90_000, 300_000, 3]) {
      const m = 'ü😀'.repeat(n);
      expect(mac.hex(m)).toBe(createHmac('sha256', key).update(m, 'utf8').digest('hex'));
    }
  });

  it('as plain JavaScript for worker threads, gives the same MACs', () => {
    // The source as a worker evaluates it, with its own require.
    const makeMacHex = new Function('require', `${hmacSource}; return makeMacHex;`)(createRequire(import.meta.url)) as (key: Buffer) => (m: string) => string;
    for (const key of [Buffer.from('Jefe'), Buffer.alloc(131, 0xaa), Buffer.alloc(32, 7)]) {
      const mac = makeMacHex(key);
      for (const m of ['what do ya want for nothing?', '', 'ü😀'.repeat(20_000), 'x'.repeat(300_000)]) expect(mac(m)).toBe(createHmac('sha256', key).update(m, 'utf8').digest('hex'));
    }
  });
});
