/**
 * Bitwise built-ins on integers: `bits.and bits.or bits.xor bits.negate bits.lsh bits.rsh`.
 * OPA works on arbitrary-precision integers (two's complement semantics for negatives), so
 * these compute on bigints and fold small results back to JS numbers.
 */
import { normInt, type Value } from '../value.ts';
import { expectBigInt, operandError } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { builtinError } from './errors.ts';

const category = 'bits';

/** Largest left shift accepted: beyond it the result would not fit in memory sensibly. */
const MAX_SHIFT = 1n << 16n;

function binary(name: string, description: string, f: (a: bigint, b: bigint) => bigint): BuiltinDecl {
  return {
    name,
    category,
    args: [
      { name: 'x', type: t.number, description: 'the first integer' },
      { name: 'y', type: t.number, description: 'the second integer' },
    ],
    result: t.number,
    description,
    impl: (args) => normInt(f(expectBigInt(name, args, 0), expectBigInt(name, args, 1))),
  };
}

function shiftAmount(fn: string, args: Value[]): bigint {
  const n = expectBigInt(fn, args, 1);
  if (n < 0n) throw operandError(fn, 1, 'must be an unsigned integer number but got a negative integer');
  return n;
}

export const bitsBuiltins: BuiltinDecl[] = [
  binary('bits.and', 'Returns the bitwise "AND" of two integers.', (a, b) => a & b),
  binary('bits.or', 'Returns the bitwise "OR" of two integers.', (a, b) => a | b),
  binary('bits.xor', 'Returns the bitwise "XOR" (exclusive-or) of two integers.', (a, b) => a ^ b),
  {
    name: 'bits.negate',
    category,
    args: [{ name: 'x', type: t.number, description: 'the integer to negate' }],
    result: t.number,
    description: 'Returns the bitwise negation (flip) of an integer.',
    impl: (args) => normInt(~expectBigInt('bits.negate', args, 0)),
  },
  {
    name: 'bits.lsh',
    category,
    args: [
      { name: 'x', type: t.number, description: 'the integer to shift' },
      { name: 's', type: t.number, description: 'the number of bits to shift' },
    ],
    result: t.number,
    description: 'Returns a new integer with its bits shifted `s` bits to the left.',
    impl: (args) => {
      const x = expectBigInt('bits.lsh', args, 0);
      const s = shiftAmount('bits.lsh', args);
      if (s > MAX_SHIFT && x !== 0n) throw builtinError('bits.lsh', 'shift amount too large');
      return x === 0n ? 0 : normInt(x << s);
    },
  },
  {
    name: 'bits.rsh',
    category,
    args: [
      { name: 'x', type: t.number, description: 'the integer to shift' },
      { name: 's', type: t.number, description: 'the number of bits to shift' },
    ],
    result: t.number,
    description: 'Returns a new integer with its bits shifted `s` bits to the right.',
    impl: (args) => {
      const x = expectBigInt('bits.rsh', args, 0);
      const s = shiftAmount('bits.rsh', args);
      // Shifting past every bit leaves the sign: 0 or -1 (arithmetic shift).
      const width = BigInt((x < 0n ? -x : x).toString(2).length);
      if (s > width) return x < 0n ? -1 : 0;
      return normInt(x >> s);
    },
  },
];
