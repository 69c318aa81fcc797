/**
 * Array built-ins: `array.concat`, `array.slice`, `array.reverse`, `array.flatten`.
 */
import { type Value } from '../value.ts';
import { expectArray, expectSafeInt } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';

const category = 'arrays';

export const arraysBuiltins: BuiltinDecl[] = [
  {
    name: 'array.concat',
    category,
    args: [
      { name: 'x', type: t.array(), description: 'the first array' },
      { name: 'y', type: t.array(), description: 'the second array' },
    ],
    result: t.array(),
    description: 'Concatenates two arrays.',
    impl: (args) => {
      const a = expectArray('array.concat', args, 0);
      const b = expectArray('array.concat', args, 1);
      return [...a, ...b];
    },
  },
  {
    name: 'array.slice',
    category,
    args: [
      { name: 'arr', type: t.array(), description: 'the array to be sliced' },
      { name: 'start', type: t.number, description: 'the start index of the returned slice; if less than zero, it is clamped to 0' },
      { name: 'stop', type: t.number, description: 'the stop index of the returned slice; if larger than `count(arr)`, it is clamped to `count(arr)`' },
    ],
    result: t.array(),
    description:
      'Returns a slice of a given array. If `start` is greater or equal than `stop`, `slice` is `[]`.',
    impl: (args) => {
      const fn = 'array.slice';
      const arr = expectArray(fn, args, 0);
      const start = Math.max(0, expectSafeInt(fn, args, 1));
      const stop = Math.min(arr.length, expectSafeInt(fn, args, 2));
      return start >= stop ? [] : arr.slice(start, stop);
    },
  },
  {
    name: 'array.reverse',
    category,
    args: [{ name: 'arr', type: t.array(), description: 'the array to be reversed' }],
    result: t.array(),
    description: 'Returns the reverse of a given array.',
    impl: (args) => [...expectArray('array.reverse', args, 0)].reverse(),
  },
  {
    name: 'array.flatten',
    category,
    args: [{ name: 'arr', type: t.array(), description: 'the array to be flattened' }],
    result: t.array(),
    description: 'Flattens an array by one level: elements that are arrays are replaced by their elements.',
    impl: (args) => {
      const out: Value[] = [];
      for (const x of expectArray('array.flatten', args, 0)) {
        if (Array.isArray(x)) out.push(...x);
        else out.push(x);
      }
      return out;
    },
  },
];
