import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { scanStreamToArray } from './stream.ts';
import { scan } from './scan.ts';

function bytesReadable(buf: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

describe('scanStream', () => {
  it('finds an entity spanning a chunk boundary once, at its global offset', async () => {
    const filler = 'lorem ipsum '.repeat(100); // 1200 chars
    const text = filler.slice(0, 1020) + ' jane.doe@corp.io ' + filler;
    const found = await scanStreamToArray(bytesReadable(Buffer.from(text), 7), { chunkSize: 1024, overlap: 64 });
    expect(found.map((f) => [f.entity, text.slice(f.start, f.end)])).toEqual([['EMAIL_ADDRESS', 'jane.doe@corp.io']]);
  });
  it('agrees with a whole-text scan on a multi-window input', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `row ${i} mail user${i}@corp.io ip 10.0.${i % 250}.1`);
    const text = lines.join('\n');
    const streamed = await scanStreamToArray(bytesReadable(Buffer.from(text), 333), { chunkSize: 2048, overlap: 128 });
    expect(streamed).toEqual(scan(text));
  });
  it('decodes a multi-byte character split across chunks and invalid bytes leniently', async () => {
    const buf = Buffer.concat([Buffer.from('é'.repeat(10) + ' a@corp.io '), Buffer.from([0xff, 0xfe])]);
    const found = await scanStreamToArray(bytesReadable(buf, 1), { chunkSize: 1024 });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ entity: 'EMAIL_ADDRESS', start: 11 });
  });
});
