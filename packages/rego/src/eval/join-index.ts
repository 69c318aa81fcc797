/**
 * Equality indexes over iterated collections. For `some x in coll` followed by tests
 * `x.a == e1`, `x.b.c == e2` (each `e` known before the loop), the planner gives the loop a
 * `JoinIndex`: the elements of a collection grouped by the scalars at those paths, so the loop
 * visits only the elements that can pass the tests instead of every element. The tests still
 * run on the candidates (the index only skips elements that would fail them).
 *
 * An index is built for a collection the second time a loop site meets that same collection
 * (values are immutable, so it stays valid): base data (`data.roles[role]`) is indexed once and
 * reused by every later evaluation, while a collection seen once (most of `input`) is scanned.
 */
import { ObjectValue, type Value } from '../value.ts';
import { indexValue, iterate } from './refs.ts';

/**
 * A scalar the index can key on: JS `===`/SameValueZero agrees with Rego equality for these.
 * Integers beyond ±2^53 (which may also be bigints) and composites are not keys.
 */
function indexKey(v: Value): boolean {
  const t = typeof v;
  if (t === 'string' || t === 'boolean' || v === null) return true;
  return t === 'number' && (Number.isSafeInteger(v) || !Number.isInteger(v));
}

/** A level of the index: key → next level (or, at the last path, the matching elements). */
export type Level = Map<Value, Level | Value[]>;

/** The value of `x.p1.p2…` as the planner's constant-key path reads it. */
function at(x: Value, path: readonly string[]): Value | undefined {
  let v: Value | undefined = x;
  for (let i = 0; i < path.length && v !== undefined; i++) {
    v = v instanceof ObjectValue ? v.getStr(path[i]!) : indexValue(v, path[i]!);
  }
  return v;
}

/** Not indexable: a member's value at a path could equal a key without being `===` to it. */
const UNINDEXABLE = null;
/** Times a site meets a collection before indexing it. */
const BUILD_AFTER = 2;

export class JoinIndex {
  /** Per collection: the index, `UNINDEXABLE`, or how many times it was met so far. */
  private readonly built = new WeakMap<object, Level | typeof UNINDEXABLE | number>();

  /**
   * The order of the index's levels (indexes into `paths`): the path with the most distinct
   * values first, so a missing key is found at the first level more often. Decided by the
   * first collection indexed, then kept for every collection of this loop.
   */
  private order: number[] | undefined;

  /** `paths[i]`: the element path compared to the i-th key. */
  constructor(readonly paths: readonly (readonly string[])[]) {}

  /**
   * The elements of `coll` whose values at the paths equal `keys` (in iteration order), or
   * undefined when the caller must scan the collection (not indexed yet, or not indexable).
   */
  candidates(coll: Value, keys: readonly Value[]): readonly Value[] | undefined {
    const idx = this.indexOf(coll);
    if (idx === undefined) return undefined;
    const order = this.order!;
    let level: Level | Value[] | undefined = idx;
    for (let i = 0; i < order.length; i++) {
      const key = keys[order[i]!]!;
      if (!indexKey(key)) return undefined;
      level = (level as Level).get(key);
      if (level === undefined) return NONE;
    }
    return level as Value[];
  }

  /** `candidates` for one or two keys, without an array of keys (`k1` unused for one). */
  candidates2(coll: Value, key0: Value, key1: Value): readonly Value[] | undefined {
    const idx = this.indexOf(coll);
    if (idx === undefined) return undefined;
    return this.lookup2(idx, key0, key1);
  }

  /** `candidates2` in an index `levels` returned. */
  lookup2(idx: Level, key0: Value, key1: Value): readonly Value[] | undefined {
    const swap = this.order![0] === 1;
    const k0 = swap ? key1 : key0;
    const k1 = swap ? key0 : key1;
    if (!indexKey(k0)) return undefined;
    const next = idx.get(k0);
    if (next === undefined) return NONE;
    if (this.paths.length === 1) return next as Value[];
    if (!indexKey(k1)) return undefined;
    return ((next as Level).get(k1) as Value[] | undefined) ?? NONE;
  }

  /** For `lookup2`: which of the two keys the index's first level is keyed on. */
  firstKey(key0: Value, key1: Value): Value {
    return this.order![0] === 1 ? key1 : key0;
  }

  /**
   * The rest of `lookup2` below the first level (`next`, what the first key found there):
   * the candidates, or undefined when the second key cannot be indexed (scan).
   */
  below(next: Level | Value[], key0: Value, key1: Value): readonly Value[] | undefined {
    if (this.paths.length === 1) return next as Value[];
    const k1 = this.order![0] === 1 ? key0 : key1;
    if (!indexKey(k1)) return undefined;
    return ((next as Level).get(k1) as Value[] | undefined) ?? NONE;
  }

  /** A scalar the index can key on (see `indexKey`). */
  static keyable(v: Value): boolean {
    return indexKey(v);
  }

  /**
   * The index of `coll` for `lookup2`: undefined while the collection is to be scanned (not
   * met often enough yet), null when it never will be indexed (not indexable).
   */
  levels(coll: Value): Level | null | undefined {
    if (typeof coll !== 'object' || coll === null) return null;
    const idx = this.indexOf(coll);
    if (idx !== undefined) return idx;
    return this.built.get(coll) === UNINDEXABLE ? null : undefined;
  }

  /** The index of `coll`, once it is met often enough to be worth one; undefined to scan it. */
  private indexOf(coll: Value): Level | undefined {
    if (typeof coll !== 'object' || coll === null) return undefined;
    const idx = this.built.get(coll);
    if (idx === undefined || typeof idx === 'number') {
      const seen = (idx ?? 0) + 1;
      if (seen < BUILD_AFTER) {
        this.built.set(coll, seen);
        return undefined;
      }
      const made = this.build(coll);
      this.built.set(coll, made);
      return made ?? undefined;
    }
    return idx ?? undefined;
  }

  /** Paths by how many distinct values the members of `coll` have there, most first. */
  private levelOrder(coll: Value): number[] {
    const distinct = this.paths.map((p) => {
      const seen = new Set<unknown>();
      iterate(coll, (_k, x) => {
        seen.add(at(x, p));
        return false;
      });
      return seen.size;
    });
    return this.paths.map((_p, i) => i).sort((a, b) => distinct[b]! - distinct[a]! || a - b);
  }

  private build(coll: Value): Level | typeof UNINDEXABLE {
    const root: Level = new Map();
    const order = (this.order ??= this.levelOrder(coll));
    const paths = order.map((i) => this.paths[i]!);
    const last = paths.length - 1;
    let ok = true;
    iterate(coll, (_k, x) => {
      let level = root;
      for (let i = 0; i <= last; i++) {
        const v = at(x, paths[i]!);
        // Undefined or composite here: no scalar key ever equals it, so no lookup finds x.
        if (v === undefined || (typeof v === 'object' && v !== null)) return false;
        if (!indexKey(v)) {
          ok = false;
          return true;
        }
        let next = level.get(v);
        if (i === last) {
          if (next === undefined) level.set(v, (next = []));
          (next as Value[]).push(x);
        } else {
          if (next === undefined) level.set(v, (next = new Map()));
          level = next as Level;
        }
      }
      return false;
    });
    return ok ? root : UNINDEXABLE;
  }
}

const NONE: readonly Value[] = [];
