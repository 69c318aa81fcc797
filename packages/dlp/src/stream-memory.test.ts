/**
 * Streaming keeps memory bounded: 48 MB of generated log lines (with a planted card number
 * every ~64 KB, and invalid UTF-8 sprinkled in) flow through scanStream from a generator that
 * never holds the whole input, while the memory it retains (measured after forced garbage
 * collections) stays flat.
 */
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { scanStream } from './stream.ts';

function luhn(prefix: string): string {
  let sum = 0;
  for (let i = 0; i < prefix.length; i++) {
    let d = Number(prefix[prefix.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return prefix + String((10 - (sum % 10)) % 10);
}

describe('scanStream on a large input', () => {
  it('finds every planted value with bounded memory', { timeout: 120_000 }, async () => {
    const card = luhn('453201511283036');
    const blocks = 768; // × 64 KiB = 48 MiB
    let planted = 0;
    function* generate(): Generator<Buffer> {
      const filler = 'GET /api/v1/items?page=3 200 0.004s user=svc-reporting region=eu-west status=ok\n';
      for (let b = 0; b < blocks; b++) {
        let text = '';
        while (text.length < 64 * 1024 - 200) text += filler;
        text += `payment card on file: ${card} (customer note)\n`;
        planted++;
        const buf = Buffer.from(text, 'utf8');
        // A stray invalid byte must not derail decoding.
        if (b % 50 === 0) buf[10] = 0xff;
        yield buf;
      }
    }
    // Retained memory, not garbage awaiting collection, is what must stay bounded.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    let cards = 0;
    for await (const f of scanStream(Readable.from(generate()), { entities: ['CREDIT_CARD'] })) {
      if (f.entity === 'CREDIT_CARD') cards++;
      if (cards % 64 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
    }
    expect(cards).toBe(planted);
    // The input is 48 MiB (96 MiB as a JS string); what stays alive is a few windows.
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  });
});
