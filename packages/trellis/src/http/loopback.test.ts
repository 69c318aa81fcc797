import { describe, expect, it } from 'vitest';
import { bindsOnlyLoopback, isLoopbackAddress } from './loopback.ts';

describe('the loopback check before listening', () => {
  it('accepts only loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1', '127.attacker.invalid']) expect(isLoopbackAddress(a), a).toBe(false);
  });

  it('decides host names by what they resolve to, not by how they look', async () => {
    expect(await bindsOnlyLoopback('localhost')).toBe(true);
    expect(await bindsOnlyLoopback('127.0.0.1')).toBe(true);
    // Looks like 127.x as text; resolves nowhere (the .invalid TLD never resolves).
    expect(await bindsOnlyLoopback('127.attacker.invalid')).toBe(false);
    expect(await bindsOnlyLoopback('0.0.0.0')).toBe(false);
  });
});
