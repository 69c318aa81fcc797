/**
 * Work must grow linearly with the input and the number of findings: a step that is quadratic
 * in either lets one request under the body limit hold the server for minutes (transform once
 * rebuilt the whole text per finding: 120,000 e-mails took 100 s). Each case runs on inputs of
 * n, 2n and 4n and asserts that two doublings cost at most 2.5² times as much (one at most 3×);
 * the measure (process CPU time, least of several runs taken with the sizes in turn) is in
 * test-support.ts. A quadratic step doubles to about 4, a linear one to 2.
 */
import { describe, it } from 'vitest';
import { scan } from './scan.ts';
import { scanRecord } from './structured.ts';
import { transform } from './transform.ts';
import { resolveOverlaps } from './overlap.ts';
import type { Finding } from './types.ts';
import { expectLinear } from './test-support.ts';

const emails = (n: number): string => Array.from({ length: n }, (_, i) => `u${i}@e.io`).join('\n');
const rows = (n: number) => ({ rows: Array.from({ length: n }, (_, i) => ({ email: `user${i}@example.org`, note: `ticket ${i} closed`, id: i })) });
const WORDS = ['the', 'order', 'status', 'cluster', 'is', 'ok', 'and', 'review', 'of', 'budget', 'id=7', 'shipped', 'Q3'];
const prose = (chars: number): string => {
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const w = WORDS[(i * 7919) % WORDS.length]!;
    out.push(w);
    length += w.length + 1;
  }
  return out.join(' ');
};

describe('DLP work grows linearly', { timeout: 120_000 }, () => {
  it('transform of a text, in the number of findings', () => {
    expectLinear([10_000, 20_000, 40_000], emails, (text) => {
      transform(text, { default: { type: 'replace' } });
    });
  });

  it('transform of a text with findings given, the rewrite alone', () => {
    expectLinear([20_000, 40_000, 80_000], (n) => {
      const text = emails(n);
      return { text, findings: scan(text) };
    }, ({ text, findings }) => {
      transform(text, { default: { type: 'mask' } }, { findings });
    });
  });

  it('scan of a text, in the number of findings', () => {
    expectLinear([10_000, 20_000, 40_000], emails, (text) => {
      scan(text);
    });
  });

  it('scan of a large text without findings, in its length', () => {
    expectLinear([250_000, 500_000, 1_000_000], prose, (text) => {
      scan(text);
    });
  });

  it('scan and transform of a record, in the number of fields', () => {
    expectLinear([5_000, 10_000, 20_000], rows, (record) => {
      scanRecord(record);
    });
    expectLinear([5_000, 10_000, 20_000], rows, (record) => {
      transform(record, { default: { type: 'redact' } });
    });
  });

  it('overlap resolution, when findings arrive far from start order', () => {
    // each finding longer than the one before it, so the best-ranked come last in the text
    const findings = (n: number): Finding[] =>
      Array.from({ length: n }, (_, i) => ({ entity: 'X', start: i * 100, end: i * 100 + 1 + Math.floor((i * 90) / n), confidence: 0.8, detector: 'x', kind: 'pii' as const })).reverse();
    expectLinear([40_000, 80_000, 160_000], findings, (fs) => {
      resolveOverlaps(fs);
    });
  });
});
