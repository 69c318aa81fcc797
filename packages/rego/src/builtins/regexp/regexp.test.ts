/**
 * The RE2 engine's semantics: Go's leftmost-first matches and captures, flags, classes,
 * empty-match iteration and replacement templates — checked on both engines (the bounded
 * backtracker and the Pike VM must agree) — and a property test against V8's RegExp on a
 * grammar where Go and JS agree on match positions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backtrackSearch } from './backtrack.ts';
import { pikeSearch } from './pikevm.ts';
import { compileRe2, findAll, replaceAll, split } from './regexp.ts';

/** All capture slots of the first match on both engines; fails if the engines disagree. */
function slots(pattern: string, s: string): number[] | undefined {
  const r = compileRe2(pattern);
  const pike = pikeSearch(r.prog, s, 0, r.prog.nslots);
  const back = backtrackSearch(r.prog, s, 0, r.prog.nslots, undefined);
  const a = pike && [...pike];
  const b = back && [...back];
  expect(b).toEqual(a);
  return a;
}

const groups = (pattern: string, s: string, n = -1): (string | undefined)[][] => findAll(compileRe2(pattern), s, n, true).map((m) => m.groups);

describe('leftmost-first, as Go', () => {
  it('prefers the first alternative, not the longest', () => {
    expect(groups('a|ab', 'ab')).toEqual([['a']]);
    expect(slots('(a|ab)(c|bcd)(d*)', 'abcd')).toEqual([0, 4, 0, 1, 1, 4, 4, 4]);
  });
  it('greedy and lazy quantifiers, and (?U)', () => {
    expect(groups('(a+?)(b*)', 'aab', 1)).toEqual([['a', 'a', '']]);
    expect(groups('a+', 'aaa')).toEqual([['aaa']]);
    expect(groups('(?U)a+', 'aaa')).toEqual([['a'], ['a'], ['a']]);
    expect(groups('(?U)a+?', 'aaa')).toEqual([['aaa']]);
    expect(groups('a{2,3}?', 'aaaa')).toEqual([['aa'], ['aa']]);
  });
  it('a star over an empty-matching group runs it once (Go compiles x* as (x+)?)', () => {
    expect(slots('(a*)+', 'b')).toEqual([0, 0, 0, 0]);
    expect(slots('(a*)*', 'b')).toEqual([0, 0, 0, 0]);
  });
  it('unmatched groups are unset; the last iteration wins', () => {
    expect(slots('(?P<x>a)(?P<y>b)?', 'a')).toEqual([0, 1, 0, 1, -1, -1]);
    expect(groups('(a|(b))+', 'ba')).toEqual([['ba', 'a', 'b']]);
  });
});

describe('syntax and flags', () => {
  it('case folding, including Kelvin and long s', () => {
    expect(slots('(?i)k', '\u212a')).toEqual([0, 1]);
    expect(slots('(?i)S', '\u017f')).toEqual([0, 1]);
    expect(slots('a(?i:b)c', 'aBc')).toEqual([0, 3]);
    expect(slots('a(?i:b)c', 'aBC')).toBeUndefined();
    expect(slots('(?i)[a-c]+', 'xABCx')).toEqual([1, 4]);
  });
  it('unicode classes and astral characters', () => {
    expect(groups('\\pL+', 'héllo1')).toEqual([['héllo']]);
    expect(groups('\\p{Greek}+', 'abγδ')).toEqual([['γδ']]);
    expect(groups('[^\\pL]', 'a1')).toEqual([['1']]);
    expect(groups('😀+', 'x😀😀y')).toEqual([['😀😀']]);
    expect(groups('.', '😀')).toEqual([['😀']]);
    expect(groups('\\x{1F600}', '😀')).toEqual([['😀']]);
  });
  it('anchors, lines and word boundaries', () => {
    expect(groups('(?m)^\\w+$', 'ab\ncd')).toEqual([['ab'], ['cd']]);
    expect(groups('^\\w+$', 'ab\ncd')).toEqual([]);
    expect(groups('\\bfoo\\b', 'foo foobar foo')).toEqual([['foo'], ['foo']]);
    expect(groups('\\Aa', 'aa')).toEqual([['a']]);
    expect(groups('a\\z', 'aa')).toEqual([['a']]);
    expect(groups('(?s)a.b', 'a\nb')).toEqual([['a\nb']]);
    expect(groups('a.b', 'a\nb')).toEqual([]);
  });
  it('literal text: \\Q…\\E and pure literals', () => {
    expect(groups('\\Qa.b\\E+', 'a.bbb a.b')).toEqual([['a.bbb'], ['a.b']]);
    expect(groups('foo', 'afoofoo')).toEqual([['foo'], ['foo']]);
  });
});

describe('empty matches in find, split and replace follow Go', () => {
  it('find all', () => {
    expect(groups('x*', 'axxb')).toEqual([[''], ['xx'], ['']]);
    expect(groups('', '😀a')).toEqual([[''], [''], ['']]);
  });
  it('split and replace', () => {
    expect(split(compileRe2(''), '', 'abc')).toEqual(['a', 'b', 'c']);
    expect(replaceAll(compileRe2('a*'), 'baaac', 'X')).toBe('XbXcX');
    expect(replaceAll(compileRe2('(?P<first>\\w+) (?P<last>\\w+)'), 'ada lovelace', '${last}, $first $$1')).toBe('lovelace, ada $1');
    // `$1x` names a group "1x" (none here), as in Go; braces end the name.
    expect(replaceAll(compileRe2('(a)'), 'aa', '$1x')).toBe('');
    expect(replaceAll(compileRe2('(a)'), 'aa', '${1}x')).toBe('axax');
  });
});

/** A pattern from a grammar on which Go and JS agree, and whether it can match empty. */
interface Gen {
  src: string;
  nullable: boolean;
}

// JS and Go differ on a loop whose body can match empty (JS rejects an empty iteration, Go
// compiles x* as (x+)?), so only non-nullable bodies are quantified here.
const patterns = fc.letrec<{ node: Gen; leaf: Gen; cat: Gen; alt: Gen; group: Gen; rep: Gen }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('cat'), tie('alt'), tie('group'), tie('rep')),
  leaf: fc.constantFrom('a', 'b', 'c', '.', '[ab]', '[^a]', '\\w', '(?:)').map((src) => ({ src, nullable: src === '(?:)' })),
  cat: fc.tuple(tie('node'), tie('node')).map(([a, b]) => ({ src: a.src + b.src, nullable: a.nullable && b.nullable })),
  alt: fc.tuple(tie('node'), tie('node')).map(([a, b]) => ({ src: `(?:${a.src}|${b.src})`, nullable: a.nullable || b.nullable })),
  group: tie('node').map((a) => ({ src: `(${a.src})`, nullable: a.nullable })),
  rep: fc
    .tuple(
      tie('node').filter((a) => !a.nullable),
      fc.constantFrom('*', '+', '?', '*?', '+?', '??', '{2}', '{1,3}', '{0,2}?', '{2,}'),
    )
    .map(([a, q]) => ({ src: `(?:${a.src})${q}`, nullable: !/^[+]|^\{[12]/.test(q) })),
}));

describe('agrees with V8 RegExp on match positions (property)', () => {
  it('first match start and end', () => {
    fc.assert(
      fc.property(patterns.node, fc.boolean(), fc.boolean(), fc.stringMatching(/^[abc]{0,12}$/), (p, start, end, s) => {
        const src = `${start ? '^' : ''}${p.src}${end ? '$' : ''}`;
        const js = new RegExp(src, 'u').exec(s);
        const want = js ? [js.index, js.index + js[0].length] : undefined;
        const got = slots(src, s);
        expect(got && got.slice(0, 2)).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });
});
