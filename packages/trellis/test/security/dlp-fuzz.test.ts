/**
 * Property-based tests of the DLP engine's entry points (`@trellis/dlp`) on hostile input: lone
 * surrogates, NUL, odd Unicode, long repeats, records nested past the depth limit. Whatever comes
 * in, scan (of a text or a record) and transform either answer or throw one of the engine's typed
 * errors (DlpError), and a value transformed by any operator but `keep` is gone from the output.
 * Input sizes are bounded, so a run that hangs is a failure of the test's timeout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scan, transform, DlpError, DlpTooDeepError, type OperatorSpec } from '@trellis/dlp';
import { jsonLeaves, jsonValues } from '../arbitraries.ts';

const keys = { hash: Buffer.alloc(32, 1), tokenize: Buffer.alloc(32, 2), encrypt: Buffer.alloc(32, 3) };

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', '\u0000', '\u0000'.repeat(200), '\uD800', '\uDFFF\uD800', '\uFFFF', '\u212A', '\u0130', '\u202E', 'ﬀ', '@', '@'.repeat(3000), '1'.repeat(3000), '4111 '.repeat(600), 'a'.repeat(5000), 'key = ', 'ssn ', 'AKIA', '-----BEGIN', 'https://', 'x@y.z '),
);

/** A distinct e-mail address, planted between spaces so it is always found whole. */
const planted = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{5,12}$/), fc.integer({ min: 0, max: 1e6 })).map(([local, n]) => `${local}.${n}@mail${n % 97}.northwind-corp.net`);

const hostileText = fc.array(fc.oneof(hostileString, planted.map((p) => ` ${p} `)), { maxLength: 12 }).map((parts) => parts.join(''));

const jsonLeaf = fc.oneof(jsonLeaves(hostileString), planted);

const jsonValue = jsonValues(jsonLeaf, hostileString, ['email', 'ssn', 'api_key', 'note'], 4);

/** A value wrapped in up to 150 arrays or objects, so some runs pass the depth limit. */
const nested = fc.tuple(jsonValue, fc.integer({ min: 0, max: 150 }), fc.boolean()).map(([inner, depth, asArray]) => {
  let v: unknown = inner;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { k: v };
  return v;
});

const operator: fc.Arbitrary<OperatorSpec> = fc.constantFrom<OperatorSpec>(
  { type: 'redact' },
  { type: 'replace' },
  { type: 'mask', keepLast: 4, char: '*', preserveSeparators: true },
  { type: 'hash', length: 16 },
  { type: 'tokenize' },
  { type: 'encrypt' },
);

/** Runs `f`; an error is allowed only if it is one of the engine's typed errors. */
function typedOrNothing<T>(f: () => T): T | DlpError {
  try {
    return f();
  } catch (err) {
    expect(err).toBeInstanceOf(DlpError);
    return err as DlpError;
  }
}

function plantedIn(text: string): string[] {
  return text.match(/[a-z][a-z0-9]{5,12}\.\d+@mail\d+\.northwind-corp\.net/g) ?? [];
}

describe('DLP engine on hostile input', { timeout: 120_000 }, () => {
  it('scan answers with ordered, disjoint spans inside the text', () => {
    fc.assert(fc.property(hostileText, (text) => {
      const findings = scan(text);
      let end = 0;
      for (const f of findings) {
        expect(f.start).toBeGreaterThanOrEqual(end);
        expect(f.end).toBeGreaterThan(f.start);
        expect(f.end).toBeLessThanOrEqual(text.length);
        end = f.end;
      }
    }), { numRuns: 150 });
  });

  it('scan of a record answers or refuses a record nested too deep, never anything else', () => {
    fc.assert(fc.property(fc.oneof(jsonValue, nested), (record) => {
      const r = typedOrNothing(() => scan(record));
      if (r instanceof DlpError) expect(r).toBeInstanceOf(DlpTooDeepError);
    }), { numRuns: 150 });
  });

  it('transform of a text removes every value it transformed', () => {
    fc.assert(fc.property(hostileText, operator, (text, op) => {
      const r = typedOrNothing(() => transform(text, { default: op }, { keys }));
      if (r instanceof DlpError) return;
      const values = plantedIn(text);
      // found as an e-mail, or inside a wider finding (a `key = …` secret, a URL)
      if (values.length > 0) expect(r.applied.length).toBeGreaterThan(0);
      for (const value of values) expect(r.value).not.toContain(value);
    }), { numRuns: 150 });
  });

  it('transform of a record removes every value it transformed and leaves the input as it was', () => {
    fc.assert(fc.property(fc.oneof(jsonValue, nested), operator, (record, op) => {
      const before = JSON.stringify(record);
      const r = typedOrNothing(() => transform(record, { default: op }, { keys }));
      expect(JSON.stringify(record)).toBe(before);
      if (r instanceof DlpError) return;
      const out = JSON.stringify(r.value) ?? '';
      for (const value of plantedIn(before)) expect(out).not.toContain(value);
    }), { numRuns: 150 });
  });
});
