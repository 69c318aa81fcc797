/**
 * Aggregate built-ins over collections: `count sum product max min sort`, and the
 * deprecated `all any` (kept so old policies still load; strict mode rejects them).
 */
import { compare, isArray, isSet, typeName, type Value } from '../value.ts';
import { arg, elements, expectNumbers, expectSetOrArray, oneOfTypeError } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { arith } from './numbers.ts';

const category = 'aggregates';

const collection = t.union(t.set(), t.array());

/** The extreme element of a collection by Rego's order (`sign` 1 for max, -1 for min). */
function extreme(fn: string, args: Value[], sign: 1 | -1): Value | undefined {
  const items = elements(expectSetOrArray(fn, args, 0));
  let best: Value | undefined;
  for (const x of items) if (best === undefined || compare(x, best) * sign > 0) best = x;
  // An empty collection has no max/min: the call is undefined, as in OPA.
  return best;
}

function booleans(fn: string, args: Value[], want: boolean): boolean {
  const items = elements(expectSetOrArray(fn, args, 0));
  return want ? items.every((x) => x === true) : items.some((x) => x === true);
}

export const aggregatesBuiltins: BuiltinDecl[] = [
  {
    name: 'count',
    category,
    args: [{ name: 'collection', type: t.union(t.string, t.array(), t.set(), t.object()), description: 'the set/array/object/string to be counted' }],
    result: t.number,
    description: 'Count takes a collection or string and returns the number of elements (or characters) in it.',
    impl: (args) => {
      const v = arg(args, 0);
      // Strings count code points (OPA counts runes), not UTF-16 units.
      if (typeof v === 'string') {
        let n = 0;
        for (const _ of v) n++;
        return n;
      }
      if (isArray(v)) return v.length;
      const kind = typeName(v);
      if (kind === 'set' || kind === 'object') return (v as { size: number }).size;
      throw oneOfTypeError('count', 0, ['array', 'object', 'set', 'string'], v);
    },
  },
  {
    name: 'sum',
    category,
    args: [{ name: 'collection', type: t.union(t.set(t.number), t.array(t.number)), description: 'the set or array of numbers to sum' }],
    result: t.number,
    description: 'Sums elements of an array or set of numbers.',
    impl: (args) => expectNumbers('sum', args, 0).reduce<number | bigint>((acc, x) => arith('plus', acc, x), 0),
  },
  {
    name: 'product',
    category,
    args: [{ name: 'collection', type: t.union(t.set(t.number), t.array(t.number)), description: 'the set or array of numbers to multiply' }],
    result: t.number,
    description: 'Multiplies elements of an array or set of numbers.',
    impl: (args) => expectNumbers('product', args, 0).reduce<number | bigint>((acc, x) => arith('mul', acc, x), 1),
  },
  {
    name: 'max',
    category,
    args: [{ name: 'collection', type: collection, description: 'the set or array to be searched' }],
    result: t.any,
    description: 'Returns the maximum value in a collection (undefined if it is empty).',
    impl: (args) => extreme('max', args, 1),
  },
  {
    name: 'min',
    category,
    args: [{ name: 'collection', type: collection, description: 'the set or array to be searched' }],
    result: t.any,
    description: 'Returns the minimum value in a collection (undefined if it is empty).',
    impl: (args) => extreme('min', args, -1),
  },
  {
    name: 'sort',
    category,
    args: [{ name: 'collection', type: collection, description: 'the array or set to be sorted' }],
    result: t.array(),
    description: 'Returns a sorted array.',
    impl: (args) => {
      const coll = expectSetOrArray('sort', args, 0);
      return isSet(coll) ? coll.sorted() : [...coll].sort(compare);
    },
  },
  {
    name: 'all',
    category,
    deprecated: true,
    args: [{ name: 'collection', type: collection, description: 'the set or array to be evaluated' }],
    result: t.boolean,
    description: 'Returns `true` if all of the values in the collection are `true`. Deprecated: use `every` instead.',
    impl: (args) => booleans('all', args, true),
  },
  {
    name: 'any',
    category,
    deprecated: true,
    args: [{ name: 'collection', type: collection, description: 'the set or array to be evaluated' }],
    result: t.boolean,
    description: 'Returns `true` if any of the values in the collection is `true`. Deprecated: use `some ... in` instead.',
    impl: (args) => booleans('any', args, false),
  },
];
