/**
 * The engine skips the per-match context check when no context word of a detector can occur in
 * the text, or near the match (scan.ts, `contextKeyEnds` / `contextNear`), judged from the keyword
 * pass. That is only sound if the keyword pass sees every context word `hasContext` would find, in
 * any case and with the two non-ASCII letters JavaScript lower-cases to ASCII (KELVIN SIGN, dotted
 * capital I), and at every distance from the match that `hasContext` looks at.
 */
import { describe, expect, it } from 'vitest';
import { hasContext } from './context.ts';
import { compileDetectorSet, contextKeyEnds, contextNear } from './scan.ts';
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
  it('finds a key word near every match whose context hasContext finds, at every distance', () => {
    const set = compileDetectorSet(defaultDetectors);
    let checked = 0;
    defaultDetectors.forEach((d, i) => {
      for (const word of d.context ?? []) {
        for (const variant of [word, word.toUpperCase().replace(/I/g, '\u0130')]) {
          // the word before the match with 0..45 characters between, and after it likewise
          for (let gap = 0; gap <= 45; gap += 3) {
            const pad = 'x'.repeat(gap);
            for (const text of [`${variant} ${pad}123456 tail`, `head 123456${pad} ${variant}`]) {
              const start = text.indexOf('123456');
              const end = start + 6;
              if (!hasContext(text, start, end, d.context!)) continue;
              checked++;
              const ends = contextKeyEnds(set, i, set.matcher!.findAll(textBytes(text)));
              expect(ends !== null && contextNear(ends, start, end), `${d.id}: ${JSON.stringify(text)}`).toBe(true);
            }
          }
        }
      }
    });
    expect(checked).toBeGreaterThan(1000);
  });
});
