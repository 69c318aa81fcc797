/**
 * The engine skips the per-match context check when no context word of a detector can occur in
 * the text (scan.ts, `contextMayOccur`), judged from the keyword pass. That is only sound if the
 * keyword pass sees every context word `hasContext` would find, in any case and with the two
 * non-ASCII letters JavaScript lower-cases to ASCII (KELVIN SIGN, dotted capital I).
 */
import { describe, expect, it } from 'vitest';
import { hasContext } from './context.ts';
import { compileDetectorSet } from './scan.ts';
import { textBytes } from './text-bytes.ts';
import { defaultDetectors } from './detectors/index.ts';

describe('context words and the keyword pass', () => {
  it('reports a key word of every context word hasContext finds', () => {
    const set = compileDetectorSet(defaultDetectors);
    let checked = 0;
    defaultDetectors.forEach((d, i) => {
      for (const word of d.context ?? []) {
        const variants = [word, word.toUpperCase(), word.replace(/k/g, '\u212a'), word.toUpperCase().replace(/I/g, '\u0130')];
        for (const variant of variants) {
          const text = `see ${variant}: 123456`;
          const start = text.length - 6;
          if (!hasContext(text, start, text.length, d.context!)) continue;
          checked++;
          const hits = set.matcher!.findAll(textBytes(text));
          expect(set.contextKeys[i]!.some((k) => hits[k] !== undefined), `${d.id}: ${JSON.stringify(variant)}`).toBe(true);
        }
      }
    });
    expect(checked).toBeGreaterThan(100);
  });
});
