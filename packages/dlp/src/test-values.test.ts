/**
 * Documented test values the scan sets aside are counted (`onTestValue`) without changing the
 * findings, once each, through every entry point: text, stream windows, records, JSONL.
 */
import { describe, expect, it } from 'vitest';
import { scan } from './scan.ts';
import { scanStreamToArray } from './stream.ts';
import { scanRecord } from './structured.ts';
import { scanInput } from './scan-input.ts';
import type { Finding, ScanOptions } from './types.ts';

const TEXT = 'contact: test@example.com\nssn: 123-45-6789\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n';

function counting(extra: ScanOptions = {}): { opts: ScanOptions; seen: Finding[] } {
  const seen: Finding[] = [];
  return { opts: { ...extra, onTestValue: (f) => seen.push(f) }, seen };
}

describe('test values set aside', () => {
  it('are reported once each, and the findings do not change', () => {
    const { opts, seen } = counting();
    expect(scan(TEXT, opts)).toEqual(scan(TEXT));
    const shown = scan(TEXT, { includeTestValues: true }).filter((f) => f.testValue);
    expect(shown.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual(shown);
  });

  it('are not reported when included', () => {
    const { opts, seen } = counting({ includeTestValues: true });
    scan(TEXT, opts);
    expect(seen).toEqual([]);
  });

  it('count once across stream windows, with global offsets', async () => {
    const big = 'x'.repeat(3000) + '\n' + TEXT + 'y'.repeat(3000) + '\n' + TEXT;
    const { opts, seen } = counting({ chunkSize: 1024, overlap: 200 } as ScanOptions);
    await scanStreamToArray((async function* () { yield big; })(), opts);
    const whole = scan(big, { includeTestValues: true }).filter((f) => f.testValue);
    expect(seen.map((f) => [f.start, f.end])).toEqual(whole.map((f) => [f.start, f.end]));
  });

  it('count once in records (joined and field-by-field scans) and name their field', async () => {
    const record = { a: { email: 'test@example.com' }, b: 'AKIAIOSFODNN7EXAMPLE', c: 'nothing here', d: 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE' };
    const { opts, seen } = counting();
    scanRecord(record, opts);
    const shown = scanRecord(record, { includeTestValues: true }).filter((f) => f.testValue);
    expect(seen.map((f) => f.path).sort()).toEqual(shown.map((f) => f.path).sort());
    const lines = [JSON.stringify(record), 'plain test@example.com'].join('\n');
    const jsonl = counting({ format: 'jsonl' } as ScanOptions);
    for await (const f of scanInput((async function* () { yield Buffer.from(lines); })(), jsonl.opts)) void f;
    expect(jsonl.seen.map((f) => f.path)).toContain('line 1: $.a.email');
    expect(jsonl.seen.map((f) => f.path)).toContain('line 2');
  });
});
