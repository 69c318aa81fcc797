/**
 * fast-check generators shared by the property-based security tests: hostile strings, and JSON
 * values built from a test's own leaves and likely keys. One definition, so every fuzz test
 * draws from the same nasty corners (NUL, lone surrogates, huge repeats, prototype keys).
 */
import fc from 'fast-check';

/** Random binary strings plus the given hand-picked hostile values. */
export function hostileStrings(picked: string[], maxLength = 40): fc.Arbitrary<string> {
  return fc.oneof(fc.string({ unit: 'binary', maxLength }), fc.constantFrom('', '\u0000', '\uD800', '\uFFFF', '__proto__', 'constructor', ...picked));
}

/** JSON-like values from `leaf`, with object keys drawn from `keyHints` or `keyStrings`. */
export function jsonValues(leaf: fc.Arbitrary<unknown>, keyStrings: fc.Arbitrary<string>, keyHints: string[], maxKeys = 5): fc.Arbitrary<unknown> {
  return fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(keyStrings, fc.constantFrom(...keyHints)), tie('value'), { maxKeys }),
    ),
  })).value;
}

/** The usual JSON leaves: the strings given, numbers, booleans and null. */
export function jsonLeaves(strings: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.oneof(strings, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
}
