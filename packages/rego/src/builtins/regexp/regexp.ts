/**
 * Go's `regexp` API as OPA's built-ins use it — match, find (all), split, replace with
 * `$1`/`${name}` templates — on our linear-time engine: parse.ts reads RE2 syntax,
 * compile.ts builds the program, and each search runs on the bounded backtracker
 * (backtrack.ts) when program × input is small, or else on the Pike VM (pikevm.ts).
 * Both cost O(program × input), so no pattern can make a search super-linear; a pattern that
 * is one literal is found with indexOf. Patterns on which V8's backtracking is provably
 * linear and agrees with Go (safety.ts) run on V8's RegExp instead (v8.ts), an order of
 * magnitude faster on the short inputs policies mostly see.
 *
 * The "find all" and "replace all" loops follow Go's rules for empty matches. Compiled
 * patterns are kept in a bounded module-level LRU cache.
 */
import { backtrackSearch, canBacktrack } from './backtrack.ts';
import { compileProg, type Prog } from './compile.ts';
import { parseRe2, Re2SyntaxError, type Node } from './parse.ts';
import type { Budget } from './budget.ts';
import { matchOnly } from './matchonly.ts';
import { pikeSearch } from './pikevm.ts';
import { v8Exec, v8Path, v8Test, type V8Path } from './v8.ts';

export { Re2SyntaxError } from './parse.ts';

/** A pattern compiled for our engine, and for V8 when V8 may run it (v8.ts). */
interface Engines {
  prog: Prog;
  v8: V8Path | undefined;
}

/** A compiled Go regular expression. */
export interface Re2 extends Engines {
  /** Capture group names by group number (index 0 unused); '' for unnamed groups. */
  names: string[];
  /** Number of capture groups. */
  groups: number;
  /** The pattern for yes/no questions (matchonly.ts); this one when that changes nothing. */
  matcher: Engines;
}

/** Compile a parsed pattern; throws Re2SyntaxError when the program is too large. */
export function re2FromNode(node: Node, names: string[], pattern: string): Re2 {
  const groups = names.length - 1;
  const prog = compileProg(node, groups, pattern);
  const full: Engines = { prog, v8: v8Path(node, prog) };
  const m = matchOnly(node);
  const mprog = compileProg(m, 0, pattern);
  const matcher = mprog.op.length < prog.op.length ? { prog: mprog, v8: v8Path(m, mprog) } : full;
  return { ...full, names, groups, matcher };
}

/** V8's RegExp for `r` when it may take input `s`. */
function v8For(r: Engines, s: string): V8Path | undefined {
  const v = r.v8;
  return v !== undefined && s.length <= v.maxInput ? v : undefined;
}

const CACHE_SIZE = 100;
const cache = new Map<string, Re2 | Re2SyntaxError>();

/** Compile (or fetch from the LRU cache) a Go regular expression. Throws Re2SyntaxError. */
export function compileRe2(pattern: string): Re2 {
  let hit = cache.get(pattern);
  if (hit !== undefined) {
    // Refresh recency: a Map iterates in insertion order, so the first key is the oldest.
    cache.delete(pattern);
  } else {
    try {
      const { node, names } = parseRe2(pattern);
      hit = re2FromNode(node, names, pattern);
    } catch (e) {
      if (!(e instanceof Re2SyntaxError)) throw e;
      hit = e;
    }
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  cache.set(pattern, hit);
  if (hit instanceof Re2SyntaxError) throw hit;
  return hit;
}

/** The first `nslots` capture slots of the leftmost-first match at or after `pos`. */
function search(r: Engines, s: string, pos: number, nslots: number, budget: Budget | undefined): Int32Array | undefined {
  const lit = r.prog.literal;
  if (lit !== undefined) {
    const at = s.indexOf(lit, pos);
    if (budget) budget((at < 0 ? s.length : at + lit.length) - pos + 1);
    return at < 0 ? undefined : Int32Array.of(at, at + lit.length);
  }
  // The backtracker measured 2-4× faster than the Pike VM whenever its bitset fits, even for
  // a yes/no answer: it follows one thread at a time and copies no capture slots.
  if (canBacktrack(r.prog, s.length - pos)) return backtrackSearch(r.prog, s, pos, nslots, budget);
  return pikeSearch(r.prog, s, pos, nslots, budget);
}

/** Whether `s` contains a match of `r`. */
export function matchRe2(re: Re2, s: string, budget?: Budget): boolean {
  const r = re.matcher;
  const lit = r.prog.literal;
  if (lit !== undefined) {
    const at = s.indexOf(lit);
    if (budget) budget((at < 0 ? s.length : at + lit.length) + 1);
    return at >= 0;
  }
  const v8 = v8For(r, s);
  const found = v8 && v8Test(v8, s, budget);
  if (found !== undefined) return found;
  return search(r, s, 0, 0, budget) !== undefined;
}

/** One match: [start, end] offsets (UTF-16) and, when asked for, the groups (undefined when unmatched). */
export interface Match {
  start: number;
  end: number;
  groups: (string | undefined)[];
}

function execAt(r: Re2, s: string, pos: number, withGroups: boolean, budget: Budget | undefined): Match | undefined {
  const v8 = r.prog.literal === undefined ? v8For(r, s) : undefined;
  const m = v8 && v8Exec(v8, s, pos, budget);
  if (m !== undefined) return m === null ? undefined : { start: m.index, end: m.index + m[0].length, groups: withGroups ? Array.from(m) : [] };
  const slots = search(r, s, pos, withGroups ? r.prog.nslots : 2, budget);
  if (!slots) return undefined;
  const groups: (string | undefined)[] = [];
  if (withGroups) {
    for (let g = 0; g <= r.groups; g++) {
      const a = slots[2 * g]!;
      const b = slots[2 * g + 1]!;
      groups.push(a >= 0 && b >= 0 ? s.slice(a, b) : undefined);
    }
  }
  return { start: slots[0]!, end: slots[1]!, groups };
}

function charWidth(s: string, pos: number): number {
  const cp = s.codePointAt(pos);
  return cp === undefined ? 1 : cp > 0xffff ? 2 : 1;
}

/**
 * Up to `n` successive matches (all if n < 0), following Go: after an empty match the search
 * moves on one character, and an empty match right after the previous match is skipped.
 * `groups` of each match are filled only when `withGroups` is set.
 */
export function findAll(r: Re2, s: string, n: number, withGroups: boolean, budget?: Budget): Match[] {
  const out: Match[] = [];
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    const m = execAt(r, s, pos, withGroups, budget);
    if (!m) break;
    let accept = true;
    if (m.end === m.start) {
      if (m.start === prevEnd) accept = false;
      pos = m.end + (m.end < s.length ? charWidth(s, m.end) : 1);
    } else pos = m.end;
    prevEnd = m.end;
    if (accept) out.push(m);
  }
  return out;
}

/** Go's Regexp.Split(s, -1). */
export function split(r: Re2, pattern: string, s: string, budget?: Budget): string[] {
  if (pattern.length > 0 && s.length === 0) return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(r, s, -1, false, budget)) {
    end = m.start;
    if (m.end !== 0) out.push(s.slice(beg, end));
    beg = m.end;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
export function expand(r: Re2, template: string, m: Match): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === '{') {
      const close = template.indexOf('}', i);
      const inner = close < 0 ? '' : template.slice(i + 1, close);
      if (/^[A-Za-z0-9_]+$/.test(inner)) {
        name = inner;
        i = close + 1;
      }
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(template.slice(i));
      if (mm) {
        name = mm[0];
        i += name.length;
      }
    }
    if (name === undefined) {
      // Malformed reference: the `$` is kept as text.
      out += '$';
      continue;
    }
    const idx = /^\d+$/.test(name) ? Number(name) : r.names.indexOf(name);
    if (idx >= 0 && idx < m.groups.length) out += m.groups[idx] ?? '';
  }
  return out;
}

/** Go's Regexp.ReplaceAllString(s, template). */
export function replaceAll(r: Re2, s: string, template: string, budget?: Budget): string {
  const withGroups = template.includes('$');
  let out = '';
  let lastEnd = 0;
  let pos = 0;
  while (pos <= s.length) {
    const m = execAt(r, s, pos, withGroups, budget);
    if (!m) break;
    out += s.slice(lastEnd, m.start);
    // No replacement for an empty match right after the previous match.
    if (m.end > lastEnd || m.start === 0) out += withGroups ? expand(r, template, m) : template;
    lastEnd = m.end;
    const w = pos < s.length ? charWidth(s, pos) : 1;
    pos = pos + w > m.end ? pos + w : m.end;
  }
  return out + s.slice(lastEnd);
}

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
