import { describe, expect, it } from 'vitest';
import { call, errorOf } from './test-support.ts';

describe('units.parse', () => {
  it('parses SI and binary suffixes exactly; m is milli, M is mega', () => {
    expect(call('units.parse', '500m')).toBe(0.5);
    expect(call('units.parse', '0.0005K')).toBe(0.5);
    expect(call('units.parse', '0.0000005M')).toBe(0.5);
    expect(call('units.parse', '1G')).toBe(1000000000);
    expect(call('units.parse', '1.5Mi')).toBe(1572864);
    expect(call('units.parse', '1KI')).toBe(1024);
    expect(call('units.parse', '1e3')).toBe(1000);
    expect(call('units.parse', '"10"')).toBe(10);
  });
  it('errors', () => {
    expect(errorOf('units.parse', '10x')).toEqual({ code: 'eval_builtin_error', message: 'units.parse: unit x not recognized' });
    expect(errorOf('units.parse', 'K').message).toBe('units.parse: no amount provided');
    expect(errorOf('units.parse', '1 K').message).toBe('units.parse: spaces not allowed in resource strings');
  });
});

describe('units.parse_bytes', () => {
  it('parses byte amounts, truncating to an integer', () => {
    expect(call('units.parse_bytes', '1024')).toBe(1024);
    expect(call('units.parse_bytes', '1KiB')).toBe(1024);
    expect(call('units.parse_bytes', '8kb')).toBe(8000);
    expect(call('units.parse_bytes', '4.1Mi')).toBe(4299161);
    expect(call('units.parse_bytes', '128Gi')).toBe(137438953472);
    expect(call('units.parse_bytes', '1e3KB')).toBe(1000000);
    expect(call('units.parse_bytes', '1EiB')).toBe(1152921504606846976n);
  });
  it('errors with OPA messages', () => {
    expect(errorOf('units.parse_bytes', '')).toEqual({ code: 'eval_builtin_error', message: 'units.parse_bytes: no byte amount provided' });
    expect(errorOf('units.parse_bytes', 'GB').message).toBe('units.parse_bytes: no byte amount provided');
    expect(errorOf('units.parse_bytes', '0.0.0').message).toBe('units.parse_bytes: could not parse byte amount to a number');
    expect(errorOf('units.parse_bytes', ' 327MiB ').message).toBe('units.parse_bytes: spaces not allowed in resource strings');
    expect(errorOf('units.parse_bytes', '10e10000000EiB').message).toBe('units.parse_bytes: exponent too large');
    expect(errorOf('units.parse_bytes', '1xb').message).toBe('units.parse_bytes: byte unit xb not recognized');
  });
});
