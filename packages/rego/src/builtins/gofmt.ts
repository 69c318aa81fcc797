/**
 * A faithful subset of Go's `fmt.Sprintf`, which OPA's `sprintf` calls directly. OPA hands
 * Go each argument as one of four Go types, and Go's verbs behave differently per type, so
 * policies see Go's exact output — including its complaints such as `%!d(string=foo)`:
 *   - integers that fit in int64 → Go `int`
 *   - larger integers            → Go `*big.Int`
 *   - other numbers              → Go `float64`
 *   - strings                    → Go `string`
 *   - anything else              → its Rego text, as a Go `string`
 *
 * Supported: flags `+ - # 0 space`, width and precision (also `*`), explicit argument
 * indexes `%[n]d`, verbs `v d s q x X o O b c U e E f F g G t T %`, and Go's error forms
 * for missing, extra and mismatched arguments.
 */
import { toRegoText, type Value } from '../value.ts';

export type GoArg =
  | { kind: 'int'; v: bigint }
  | { kind: 'bigint'; v: bigint }
  | { kind: 'float'; v: number }
  | { kind: 'string'; v: string };

// ---------------------------------------------------------------------------------------
// Go's strconv helpers.

/** Decimal digits of x (> 0) with the point after `dp` digits: x = 0.d1d2… × 10^dp. */
interface Digits {
  d: string;
  dp: number;
}

/** Shortest round-trip digits (prec undefined) or `prec` significant digits. */
function decimalDigits(x: number, prec: number | undefined): Digits {
  if (x === 0) return { d: '0', dp: 1 };
  const text = prec === undefined ? x.toExponential() : x.toExponential(Math.max(prec - 1, 0));
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text)!;
  return { d: m[1]! + (m[2] ?? ''), dp: Number(m[3]) + 1 };
}

function expForm(dg: Digits, decimals: number, upper: boolean): string {
  const digits = dg.d.padEnd(decimals + 1, '0');
  const exp = dg.d === '0' ? 0 : dg.dp - 1;
  const mant = decimals > 0 ? digits[0] + '.' + digits.slice(1, decimals + 1) : digits[0]!;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${mant}${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${e}`;
}

function fixedForm(dg: Digits, decimals: number): string {
  const { d, dp } = dg;
  const intPart = dp <= 0 ? '0' : d.slice(0, dp).padEnd(dp, '0');
  let frac = dp < 0 ? '0'.repeat(-dp) + d : d.slice(Math.max(dp, 0));
  frac = frac.slice(0, decimals).padEnd(decimals, '0');
  return decimals > 0 ? `${intPart}.${frac}` : intPart;
}

/** Format a non-negative float as Go's %e %f %g (and upper-case forms) would. */
export function formatGoFloat(x: number, verb: string, prec: number | undefined, sharp: boolean): string {
  const upper = verb === 'E' || verb === 'G';
  switch (verb) {
    case 'e':
    case 'E': {
      const p = prec ?? 6;
      return expForm(decimalDigits(x, p + 1), p, upper);
    }
    case 'f':
    case 'F': {
      const p = prec ?? 6;
      // toFixed rounds the exact binary value, as Go does; beyond 1e21 it switches to
      // exponent form, but such doubles are integers, so BigInt gives their digits.
      if (x < 1e21) return x.toFixed(p);
      const int = BigInt(x).toString();
      return p > 0 ? `${int}.${'0'.repeat(p)}` : int;
    }
    default: {
      // %g: shortest digits, or `prec` significant digits (0 means 1).
      const p = prec === 0 ? 1 : prec;
      const dg = decimalDigits(x, p);
      if (!sharp) dg.d = dg.d.replace(/(?<=.)0+$/, '');
      let eprec = p ?? 6;
      if (p !== undefined && eprec > dg.d.length && dg.d.length >= dg.dp) eprec = dg.d.length;
      const exp = dg.dp - 1;
      if (x !== 0 && (exp < -4 || exp >= eprec)) return expForm(dg, Math.max(dg.d.length - 1, 0), upper);
      return fixedForm(dg, Math.max(dg.d.length - dg.dp, 0));
    }
  }
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's strconv.Quote (or QuoteRune with `'`; ASCII-only output with `asciiOnly`). */
export function quoteGo(s: string, q: '"' | "'", asciiOnly = false): string {
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (printable.test(ch) && (!asciiOnly || c < 0x80)) out += ch;
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += '\\U' + c.toString(16).padStart(8, '0');
  }
  return out + q;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** The Go value OPA passes to fmt.Sprintf for a Rego value. */
export function toGoArg(v: Value): GoArg {
  if (typeof v === 'bigint') return v >= INT64_MIN && v <= INT64_MAX ? { kind: 'int', v } : { kind: 'bigint', v };
  // Integral doubles outside the safe range come from float arithmetic: OPA sees floats there.
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { kind: 'int', v: BigInt(v) } : { kind: 'float', v };
  if (typeof v === 'string') return { kind: 'string', v };
  return { kind: 'string', v: toRegoText(v) };
}

function goTypeName(a: GoArg): string {
  switch (a.kind) {
    case 'int':
      return 'int';
    case 'bigint':
      return '*big.Int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
  }
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

const runeLength = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * Go's fmt refuses widths and precisions above a million (a `*` argument that large is
 * BADWIDTH/BADPREC, a literal one swallows the rest of the format), which also bounds the
 * padding one verb can allocate.
 */
const tooLarge = (x: bigint | number): boolean => x > 1_000_000 || x < -1_000_000;

/** Go's parsenum: the digits at `i` as a number; an overlong number consumes the whole format. */
function parseNum(format: string, i: number): { num: number | undefined; next: number } {
  let num: number | undefined;
  for (; isDigit(format[i]); i++) {
    if (num !== undefined && tooLarge(num)) return { num: undefined, next: format.length };
    num = (num ?? 0) * 10 + (format.charCodeAt(i) - 48);
  }
  return { num, next: i };
}

/** Pad to the width: spaces on the left (or right with `-`), or zeros after any sign. */
function pad(s: string, spec: Spec, numeric: boolean): string {
  const w = spec.width ?? 0;
  const len = runeLength(s);
  if (len >= w) return s;
  const fill = w - len;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero) {
    if (numeric && (s[0] === '-' || s[0] === '+' || s[0] === ' ')) return s[0] + '0'.repeat(fill) + s.slice(1);
    return '0'.repeat(fill) + s;
  }
  return ' '.repeat(fill) + s;
}

function signed(neg: boolean, body: string, spec: Spec): string {
  if (neg) return '-' + body;
  if (spec.plus) return '+' + body;
  if (spec.space) return ' ' + body;
  return body;
}

function fmtInteger(v: bigint, verb: string, spec: Spec): string | undefined {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'd':
    case 'v':
      digits = abs.toString(10);
      break;
    case 'b':
      digits = abs.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'o':
    case 'O':
      digits = abs.toString(8);
      if (verb === 'O') prefix = '0o';
      else if (spec.sharp) prefix = '0';
      break;
    case 'x':
      digits = abs.toString(16);
      if (spec.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (spec.sharp) prefix = '0X';
      break;
    case 'c':
      return pad(String.fromCodePoint(Number(v < 0n || v > 0x10ffffn ? 0xfffdn : v)), spec, false);
    case 'q':
      return pad(quoteGo(String.fromCodePoint(Number(v < 0n || v > 0x10ffffn ? 0xfffdn : v)), "'"), spec, false);
    case 'U': {
      const hex = abs.toString(16).toUpperCase().padStart(4, '0');
      return pad(`U+${hex}`, spec, false);
    }
    default:
      return undefined;
  }
  // Precision is a minimum digit count; with it, `0` padding does not apply (as in Go).
  if (spec.prec !== undefined) {
    digits = spec.prec === 0 && abs === 0n ? '' : digits.padStart(spec.prec, '0');
    return pad(signed(neg, prefix + digits, spec), { ...spec, zero: false }, true);
  }
  if (spec.zero && !spec.minus && spec.width !== undefined) {
    // Go zero-pads the digits to the width (less a sign), then adds the prefix.
    const signLen = neg || spec.plus || spec.space ? 1 : 0;
    return signed(neg, prefix + digits.padStart(spec.width - signLen, '0'), spec);
  }
  return pad(signed(neg, prefix + digits, spec), spec, true);
}

function fmtFloat(v: number, verb: string, spec: Spec): string | undefined {
  if (!Number.isFinite(v)) {
    // Go prints infinities with a sign and NaN bare, whatever the float verb.
    if (!'vgGeEfF'.includes(verb)) return undefined;
    return pad(Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf', { ...spec, zero: false }, false);
  }
  let body: string;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
    case 'e':
    case 'E':
    case 'f':
    case 'F':
      body = formatGoFloat(Math.abs(v), verb === 'v' ? 'g' : verb, spec.prec, spec.sharp);
      break;
    default:
      return undefined;
  }
  const neg = v < 0 || Object.is(v, -0);
  return pad(signed(neg, body, spec), spec, true);
}

function fmtString(s: string, verb: string, spec: Spec): string | undefined {
  switch (verb) {
    case 'v':
    case 's': {
      const text = spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s;
      return pad(text, spec, false);
    }
    case 'q': {
      const text = spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s;
      return pad(spec.sharp && !text.includes('`') ? '`' + text + '`' : quoteGo(text, '"', spec.plus), spec, false);
    }
    case 'x':
    case 'X': {
      let bytes = [...new TextEncoder().encode(s)];
      if (spec.prec !== undefined) bytes = bytes.slice(0, spec.prec);
      const hex = bytes.map((b) => b.toString(16).padStart(2, '0'));
      const prefix = spec.sharp ? '0x' : '';
      const out = spec.space ? hex.map((h) => prefix + h).join(' ') : prefix + hex.join('');
      return pad(verb === 'X' ? out.toUpperCase() : out, spec, false);
    }
    default:
      return undefined;
  }
}

/** `%!verb(type=value)`: Go's report of a verb that does not suit the argument's type. */
function badVerb(verb: string, a: GoArg): string {
  return `%!${verb}(${goTypeName(a)}=${plain(a)})`;
}

function plain(a: GoArg): string {
  const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined };
  return formatOne(a, 'v', spec);
}

function formatOne(a: GoArg, verb: string, spec: Spec): string {
  if (verb === 'T') return pad(goTypeName(a), spec, false);
  let out: string | undefined;
  switch (a.kind) {
    case 'int':
      out = fmtInteger(a.v, verb, spec);
      break;
    case 'bigint':
      // *big.Int formats itself: it knows b o O d x X s v, and nothing else.
      out = verb === 's' ? fmtInteger(a.v, 'd', spec) : 'bodOxXv'.includes(verb) ? fmtInteger(a.v, verb, spec) : undefined;
      break;
    case 'float':
      out = fmtFloat(a.v, verb, spec);
      break;
    case 'string':
      out = fmtString(a.v, verb, spec);
      break;
  }
  return out ?? badVerb(verb, a);
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Go's fmt.Sprintf(format, args...). */
export function goSprintf(format: string, args: GoArg[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  const n = format.length;
  let i = 0;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined };
    // Flags.
    for (; i < n; i++) {
      const c = format[i];
      if (c === '-') {
        spec.minus = true;
        spec.zero = false;
      } else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    // An explicit argument index `[n]` (1-based) applies to what follows.
    const argIndex = (): boolean => {
      if (format[i] !== '[') return true;
      reordered = true;
      const close = format.indexOf(']', i);
      const idx = close > i ? Number(format.slice(i + 1, close)) : NaN;
      if (!Number.isInteger(idx) || idx < 1 || idx > args.length) {
        i = close > i ? close + 1 : n;
        return false;
      }
      argNum = idx - 1;
      i = close + 1;
      return true;
    };
    let goodIndex = argIndex();
    // Width.
    if (format[i] === '*') {
      i++;
      const a = args[argNum++];
      if (a && a.kind === 'int' && !tooLarge(a.v)) {
        const w = Number(a.v);
        spec.width = Math.abs(w);
        if (w < 0) {
          spec.minus = true;
          spec.zero = false;
        }
      } else out += '%!(BADWIDTH)';
      goodIndex = argIndex() && goodIndex;
    } else {
      const w = parseNum(format, i);
      spec.width = w.num;
      i = w.next;
    }
    // Precision.
    if (format[i] === '.') {
      i++;
      goodIndex = argIndex() && goodIndex;
      if (format[i] === '*') {
        i++;
        const a = args[argNum++];
        if (a && a.kind === 'int' && a.v >= 0n && !tooLarge(a.v)) spec.prec = Number(a.v);
        else out += '%!(BADPREC)';
        goodIndex = argIndex() && goodIndex;
      } else {
        const pr = parseNum(format, i);
        spec.prec = pr.num ?? 0;
        i = pr.next;
      }
    }
    if (!goodIndex) goodIndex = argIndex();
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!goodIndex) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    const a = args[argNum];
    if (a === undefined) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    argNum++;
    out += formatOne(a, verb, spec);
  }
  if (!reordered && argNum < args.length) {
    out += '%!(EXTRA ' + args.slice(argNum).map((a) => `${goTypeName(a)}=${plain(a)}`).join(', ') + ')';
  }
  return out;
}
