/**
 * Semantic-version built-ins: `semver.is_valid` and `semver.compare` (SemVer 2.0.0
 * precedence: major, minor, patch numerically, then a release outranks its pre-releases,
 * and pre-release identifiers compare field by field — numeric ones numerically and below
 * alphanumeric ones). Parsing is as lenient as OPA's: a leading `v` is accepted and
 * numeric parts are read as 64-bit integers.
 */
import { type Value } from '../value.ts';
import { expectString } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { builtinError } from './errors.ts';

const category = 'semver';

export interface SemVer {
  major: bigint;
  minor: bigint;
  patch: bigint;
  preRelease: string;
  metadata: string;
}

const identifiers = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
const int64 = /^[+-]?\d+$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

function cut(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function parseInt64(s: string): bigint | undefined {
  if (!int64.test(s)) return undefined;
  const n = BigInt(s);
  return n > INT64_MAX || n < INT64_MIN ? undefined : n;
}

/** Parse a version string; undefined if it is not a valid SemVer. */
export function parseSemVer(input: string): SemVer | undefined {
  const [rest, metadata] = cut(input.startsWith('v') ? input.slice(1) : input, '+');
  if (metadata !== '' && !identifiers.test(metadata)) return undefined;
  const [version, preRelease] = cut(rest, '-');
  if (preRelease !== '' && !identifiers.test(preRelease)) return undefined;
  const parts = version.split('.');
  if (parts.length !== 3) return undefined;
  const [major, minor, patch] = parts.map(parseInt64);
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  return { major, minor, patch, preRelease, metadata };
}

const allDigits = /^\d+$/;

function cmp<T extends bigint | string>(a: T, b: T): number {
  return a > b ? 1 : a < b ? -1 : 0;
}

/** SemVer precedence: -1, 0 or 1. Build metadata is ignored. */
export function compareSemVer(a: SemVer, b: SemVer): number {
  const c = cmp(a.major, b.major) || cmp(a.minor, b.minor) || cmp(a.patch, b.patch);
  if (c !== 0) return c;
  if (a.preRelease === b.preRelease) return 0;
  // A release has higher precedence than any of its pre-releases.
  if (a.preRelease === '') return 1;
  if (b.preRelease === '') return -1;
  const xs = a.preRelease.split('.');
  const ys = b.preRelease.split('.');
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    const xNum = allDigits.test(x);
    const yNum = allDigits.test(y);
    // Numeric identifiers have lower precedence than alphanumeric ones.
    if (xNum !== yNum) return xNum ? -1 : 1;
    const d = xNum ? cmp(BigInt(x), BigInt(y)) : cmp(x, y);
    if (d !== 0) return d;
  }
  // With equal leading fields, more fields means higher precedence.
  return Math.sign(xs.length - ys.length);
}

export const semverBuiltins: BuiltinDecl[] = [
  {
    name: 'semver.is_valid',
    category,
    args: [{ name: 'vsn', type: t.any, description: 'input to validate' }],
    result: t.boolean,
    description: 'Validates that the input is a valid SemVer string; `false` for any other value, including non-strings.',
    impl: (args: Value[]) => {
      const v = args[0];
      return typeof v === 'string' && parseSemVer(v) !== undefined;
    },
  },
  {
    name: 'semver.compare',
    category,
    args: [
      { name: 'a', type: t.string, description: 'first version string' },
      { name: 'b', type: t.string, description: 'second version string' },
    ],
    result: t.number,
    description: 'Compares valid SemVer formatted version strings: `-1` if `a < b`, `0` if `a == b`, `1` if `a > b`.',
    impl: (args) => {
      const fn = 'semver.compare';
      const sa = expectString(fn, args, 0);
      const sb = expectString(fn, args, 1);
      const a = parseSemVer(sa);
      if (!a) throw builtinError(fn, `operand 1: string ${JSON.stringify(sa)} is not a valid SemVer`);
      const b = parseSemVer(sb);
      if (!b) throw builtinError(fn, `operand 2: string ${JSON.stringify(sb)} is not a valid SemVer`);
      return compareSemVer(a, b);
    },
  },
];
