/**
 * Yes/no questions on a reduced pattern (matchonly.ts). That the reduced pattern answers as
 * the full one does is checked on random patterns by the property test in v8.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { compileRe2, matchRe2 } from './regexp.ts';

describe('yes/no questions', () => {
  it('drop capture groups and the ends that match empty anywhere', () => {
    expect(compileRe2('.*AKIA.*').matcher.prog.literal).toBe('AKIA');
    expect(compileRe2('(a|a)*b').matcher.prog.literal).toBe('b');
    // Without groups, nothing keeps this one off V8.
    expect(compileRe2('(a|(b))+').v8).toBeUndefined();
    expect(compileRe2('(a|(b))+').matcher.v8).toBeDefined();
  });

  it('keep assertions and what they anchor', () => {
    expect(compileRe2('^.*x').matcher.prog.literal).toBeUndefined();
    expect(matchRe2(compileRe2('^.*x'), 'a\nx')).toBe(false);
    expect(matchRe2(compileRe2('a*\\bfoo'), 'afoo')).toBe(false);
    expect(matchRe2(compileRe2('a*\\bfoo'), 'a foo')).toBe(true);
  });
});
