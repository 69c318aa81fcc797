/**
 * The structural rule behind the engine's speed (scan.ts): no detector's pattern is run over a
 * whole text for want of a cheaper test. Every built-in detector is either gated by keywords (the
 * one Aho-Corasick pass) and then run only in bounded windows around their occurrences, or has an
 * anchor (a literal or character-class candidate found by the text profile, anchors.ts) whose
 * windows the engine can place, which needs the set of characters its matches may hold.
 */
import { describe, expect, it } from 'vitest';
import { compileDetectorSet } from './scan.ts';
import { defaultDetectors } from './detectors/index.ts';

describe('every built-in detector is anchored', () => {
  const set = compileDetectorSet(defaultDetectors);

  it.each(defaultDetectors.map((d, i) => [d.id, i] as const))('%s has keywords with bounded windows or an anchor', (_id, i) => {
    const d = defaultDetectors[i]!;
    if (d.keywords.length > 0) {
      expect(Number.isFinite(set.before[i]!) && Number.isFinite(set.after[i]!)).toBe(true);
      return;
    }
    expect(d.anchor).toBeDefined();
    // without a known alphabet the engine would run an anchored pattern over the whole text
    expect(set.alphabets[i]).not.toBeNull();
    if (d.anchor!.kind === 'pattern') {
      expect(d.anchor!.pattern.flags).toContain('g');
      // an anchor regex that can match the empty string would make every position a candidate
      expect(d.anchor!.pattern.test('')).toBe(false);
    }
  });

  it('covers the whole default set', () => {
    expect(defaultDetectors.length).toBeGreaterThan(300);
  });
});
