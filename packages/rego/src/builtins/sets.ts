/**
 * Set built-ins: `and` / `or` (infix `&` / `|`) and `intersection` / `union` over a set of
 * sets. (Set difference is `minus`, in numbers.ts, because it shares the `-` operator.)
 */
import { isSet, SetValue, type Value } from '../value.ts';
import { elementTypeError, expectSet } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';

const category = 'sets';

function intersect(a: SetValue, b: SetValue): SetValue {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  const out = new SetValue();
  for (const [k, v] of small.map) if (big.map.has(k)) out.add(v);
  return out;
}

function unite(sets: Iterable<SetValue>): SetValue {
  const out = new SetValue();
  for (const s of sets) for (const v of s) out.add(v);
  return out;
}

/** The members of a set of sets, each checked to be a set. */
function setOfSets(fn: string, args: Value[]): SetValue[] {
  const outer = expectSet(fn, args, 0);
  const out: SetValue[] = [];
  for (const x of outer) {
    if (!isSet(x)) throw elementTypeError(fn, 0, outer, x, ['set']);
    out.push(x);
  }
  return out;
}

export const setsBuiltins: BuiltinDecl[] = [
  {
    name: 'and',
    category,
    infix: '&',
    args: [
      { name: 'x', type: t.set(), description: 'the first set' },
      { name: 'y', type: t.set(), description: 'the second set' },
    ],
    result: t.set(),
    description: 'Returns the intersection of two sets.',
    impl: (args) => intersect(expectSet('and', args, 0), expectSet('and', args, 1)),
  },
  {
    name: 'or',
    category,
    infix: '|',
    args: [
      { name: 'x', type: t.set(), description: 'the first set' },
      { name: 'y', type: t.set(), description: 'the second set' },
    ],
    result: t.set(),
    description: 'Returns the union of two sets.',
    impl: (args) => unite([expectSet('or', args, 0), expectSet('or', args, 1)]),
  },
  {
    name: 'intersection',
    category,
    args: [{ name: 'xs', type: t.set(t.set()), description: 'set of sets to intersect' }],
    result: t.set(),
    description: 'Returns the intersection of the given input sets.',
    impl: (args) => {
      const sets = setOfSets('intersection', args);
      if (sets.length === 0) return new SetValue();
      return sets.reduce(intersect);
    },
  },
  {
    name: 'union',
    category,
    args: [{ name: 'xs', type: t.set(t.set()), description: 'set of sets to merge' }],
    result: t.set(),
    description: 'Returns the union of the given input sets.',
    impl: (args) => unite(setOfSets('union', args)),
  },
];
