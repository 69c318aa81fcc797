/**
 * The pattern a yes/no question needs. Whether a pattern matches somewhere does not change
 * when capture groups go, nor when parts at either end that can match empty anywhere go
 * (`x*`, `(?:x)?`, but not an assertion): a match of the rest extends by those parts
 * matching empty. `.*AKIA.*` becomes the literal `AKIA`, found with indexOf, where the full
 * pattern would make every engine walk each position through `.*`.
 */
import type { Node } from './parse.ts';

/** Whether `n` matches empty at every position (no assertion on the way). */
function emptyAnywhere(n: Node): boolean {
  switch (n.op) {
    case 'empty':
      return true;
    case 'assert':
    case 'char':
    case 'class':
      return false;
    case 'cap':
      return emptyAnywhere(n.sub);
    case 'cat':
      return n.subs.every(emptyAnywhere);
    case 'alt':
      return n.subs.some(emptyAnywhere);
    case 'rep':
      return n.min === 0 || n.max === 0 || emptyAnywhere(n.sub);
  }
}

/** A pattern without capture groups that matches some part of a text exactly when `n` does. */
export function matchOnly(n: Node): Node {
  switch (n.op) {
    case 'cap':
      return matchOnly(n.sub);
    case 'alt':
      return { op: 'alt', subs: n.subs.map(matchOnly) };
    case 'cat': {
      let lo = 0;
      let hi = n.subs.length;
      while (lo < hi && emptyAnywhere(n.subs[lo]!)) lo++;
      while (hi > lo && emptyAnywhere(n.subs[hi - 1]!)) hi--;
      return { op: 'cat', subs: n.subs.slice(lo, hi).map(uncapture) };
    }
    default:
      return uncapture(n);
  }
}

/** `n` with its capture groups made plain groups. */
function uncapture(n: Node): Node {
  switch (n.op) {
    case 'cap':
      return uncapture(n.sub);
    case 'cat':
    case 'alt':
      return { op: n.op, subs: n.subs.map(uncapture) };
    case 'rep':
      return { ...n, sub: uncapture(n.sub) };
    default:
      return n;
  }
}
