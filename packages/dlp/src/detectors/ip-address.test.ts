/** The IPv6 anchor finder against the regex it stands in for, on random colon-and-hex text. */
import { describe, expect, it } from 'vitest';
import { prng } from '../test-support.ts';
import { ipv6AnchorSpans, ipv6Detector } from './ip-address.ts';

function regexSpans(re: RegExp, text: string): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  const g = new RegExp(re.source, 'g');
  for (let m = g.exec(text); m; m = g.exec(text)) {
    starts.push(m.index);
    ends.push(m.index + m[0].length);
    if (m[0].length === 0) g.lastIndex++;
  }
  return { starts, ends };
}

describe('ipv6AnchorSpans', () => {
  it('finds exactly the spans of the anchor regex', () => {
    const anchor = ipv6Detector.anchor;
    if (anchor?.kind !== 'pattern') throw new Error('the IPv6 detector has a pattern anchor');
    const rnd = prng(6);
    const alphabet = '::::0123456789abcdefABCDEFxyz .-/%';
    let spans = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      const expected = regexSpans(anchor.pattern, text);
      expect(ipv6AnchorSpans(text), JSON.stringify(text)).toEqual(expected);
      spans += expected.starts.length;
    }
    expect(spans).toBeGreaterThan(1000);
    expect(ipv6AnchorSpans('addr fe80::1 and 2001:db8:0:0:1:0:0:1')).toEqual(regexSpans(anchor.pattern, 'addr fe80::1 and 2001:db8:0:0:1:0:0:1'));
  });
});
