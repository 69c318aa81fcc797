/**
 * The runtime value model of the Rego engine: the seven kinds of Rego value, their total
 * order, equality, hashing keys and conversion to and from JSON.
 *
 * Representation (chosen for speed on the hot path — most policy values are JSON scalars):
 *   null, boolean, string  → the JS primitive
 *   number                 → a JS `number` for floats and safe integers; a `bigint` only for
 *                            integers outside ±2^53 (OPA keeps arbitrary-precision integers).
 *                            A bigint inside the safe range is never produced: `normInt` folds
 *                            it back, so `===` works on every safe integer.
 *   array                  → a frozen-by-convention JS array of Values
 *   set                    → SetValue (insertion-ordered Map keyed by `valueKey`)
 *   object                 → ObjectValue (string keys in one Map, other keys in a second Map)
 * "Undefined" is JS `undefined` and is never stored inside a composite value.
 *
 * Values are immutable once built: builders mutate only values they have just created.
 */

export type Value = null | boolean | number | bigint | string | Value[] | SetValue | ObjectValue;

export type TypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'set' | 'object';

/** Fold a bigint inside the safe-integer range back to a number (the canonical form). */
export function normInt(n: bigint): number | bigint {
  return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
}

export function isNumber(v: Value | undefined): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

export function isArray(v: Value | undefined): v is Value[] {
  return Array.isArray(v);
}

export function typeName(v: Value): TypeName {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
    default:
      if (Array.isArray(v)) return 'array';
      return v instanceof SetValue ? 'set' : 'object';
  }
}

/** OPA's sort order between kinds: null < boolean < number < string < array < object < set. */
const kindRank: Record<TypeName, number> = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5, set: 6 };

/**
 * A string that identifies a value up to Rego equality (1 and 1.0 share a key; sets and
 * objects are keyed independently of insertion order). Used for set membership and
 * non-string object keys.
 */
export function valueKey(v: Value): string {
  if (v === null) return 'n';
  switch (typeof v) {
    case 'boolean':
      return v ? 't' : 'f';
    case 'number':
      return 'd' + String(v);
    case 'bigint':
      return 'd' + v.toString();
    case 'string':
      return 's' + v;
    default:
      if (Array.isArray(v)) return '[' + v.map(valueKey).join('\u0000') + ']';
      return v.key();
  }
}

export class SetValue {
  readonly map: Map<string, Value>;
  private cachedKey: string | undefined;

  constructor(items?: Iterable<Value>) {
    this.map = new Map();
    if (items) for (const it of items) this.map.set(valueKey(it), it);
  }

  get size(): number {
    return this.map.size;
  }

  has(v: Value): boolean {
    return this.map.has(valueKey(v));
  }

  /** Mutating add: only for a set under construction. */
  add(v: Value): void {
    this.map.set(valueKey(v), v);
    this.cachedKey = undefined;
  }

  values(): IterableIterator<Value> {
    return this.map.values();
  }

  [Symbol.iterator](): IterableIterator<Value> {
    return this.map.values();
  }

  /** Members in Rego's sort order (how OPA prints and iterates sets). */
  sorted(): Value[] {
    return [...this.map.values()].sort(compare);
  }

  key(): string {
    if (this.cachedKey === undefined) {
      const keys = [...this.map.keys()].sort();
      this.cachedKey = '{' + keys.join('\u0000') + '}';
    }
    return this.cachedKey;
  }
}

export class ObjectValue {
  /** Entries whose key is a string, by that string. */
  readonly strs: Map<string, Value>;
  /** Entries whose key is any other value, by valueKey(key); created on first use. */
  private othersMap: Map<string, [Value, Value]> | undefined;
  private cachedKey: string | undefined;

  constructor() {
    this.strs = new Map();
  }

  /** Entries whose key is not a string (most objects have none, so the map is lazy). */
  get others(): Map<string, [Value, Value]> {
    return (this.othersMap ??= new Map());
  }

  static fromEntries(entries: Iterable<[Value, Value]>): ObjectValue {
    const o = new ObjectValue();
    for (const [k, v] of entries) o.set(k, v);
    return o;
  }

  get size(): number {
    return this.strs.size + (this.othersMap ? this.othersMap.size : 0);
  }

  get(k: Value): Value | undefined {
    if (typeof k === 'string') return this.strs.get(k);
    if (!this.othersMap) return undefined;
    const e = this.othersMap.get(valueKey(k));
    return e ? e[1] : undefined;
  }

  has(k: Value): boolean {
    if (typeof k === 'string') return this.strs.has(k);
    return this.othersMap ? this.othersMap.has(valueKey(k)) : false;
  }

  /** Mutating set: only for an object under construction. */
  set(k: Value, v: Value): void {
    if (typeof k === 'string') this.strs.set(k, v);
    else this.others.set(valueKey(k), [k, v]);
    this.cachedKey = undefined;
  }

  delete(k: Value): void {
    if (typeof k === 'string') this.strs.delete(k);
    else this.othersMap?.delete(valueKey(k));
    this.cachedKey = undefined;
  }

  *entries(): IterableIterator<[Value, Value]> {
    for (const [k, v] of this.strs) yield [k, v];
    if (this.othersMap) for (const e of this.othersMap.values()) yield e;
  }

  *keys(): IterableIterator<Value> {
    yield* this.strs.keys();
    if (this.othersMap) for (const e of this.othersMap.values()) yield e[0];
  }

  /** Entries sorted by key in Rego's order. */
  sortedEntries(): [Value, Value][] {
    return [...this.entries()].sort((a, b) => compare(a[0], b[0]));
  }

  key(): string {
    if (this.cachedKey === undefined) {
      const parts: string[] = [];
      for (const [k, v] of this.entries()) parts.push(valueKey(k) + '\u0001' + valueKey(v));
      parts.sort();
      this.cachedKey = '<' + parts.join('\u0000') + '>';
    }
    return this.cachedKey;
  }
}

export function isSet(v: Value | undefined): v is SetValue {
  return v instanceof SetValue;
}

export function isObject(v: Value | undefined): v is ObjectValue {
  return v instanceof ObjectValue;
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  // Mixed number/bigint comparison is exact in JS.
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareStrings(a: string, b: string): number {
  // OPA compares strings by bytes of their UTF-8 encoding; for strings without surrogate
  // pairs, UTF-16 code unit order agrees with it.
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Rego's total order over values (OPA's ast.Compare for ground terms). */
export function compare(a: Value, b: Value): number {
  const ta = typeName(a);
  const tb = typeName(b);
  if (ta !== tb) return kindRank[ta] - kindRank[tb];
  switch (ta) {
    case 'null':
      return 0;
    case 'boolean':
      return a === b ? 0 : a === false ? -1 : 1;
    case 'number':
      return compareNumbers(a as number | bigint, b as number | bigint);
    case 'string':
      return compareStrings(a as string, b as string);
    case 'array': {
      const x = a as Value[];
      const y = b as Value[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    case 'object': {
      const x = (a as ObjectValue).sortedEntries();
      const y = (b as ObjectValue).sortedEntries();
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const ck = compare(x[i]![0], y[i]![0]);
        if (ck !== 0) return ck;
        const cv = compare(x[i]![1], y[i]![1]);
        if (cv !== 0) return cv;
      }
      return x.length - y.length;
    }
    case 'set': {
      const x = (a as SetValue).sorted();
      const y = (b as SetValue).sorted();
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
  }
}

/** Rego equality (structural; 1 == 1.0). */
export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  const t = typeof a;
  if (t === 'string' || t === 'boolean' || a === null || b === null) return false;
  if (t === 'number' || t === 'bigint') {
    return (typeof b === 'number' || typeof b === 'bigint') && a == b;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i]!, b[i]!)) return false;
    return true;
  }
  if (a instanceof SetValue) {
    if (!(b instanceof SetValue) || a.size !== b.size) return false;
    for (const k of a.map.keys()) if (!b.map.has(k)) return false;
    return true;
  }
  if (a instanceof ObjectValue) {
    if (!(b instanceof ObjectValue) || a.size !== b.size) return false;
    for (const [k, v] of a.strs) {
      const w = b.strs.get(k);
      if (w === undefined || !equals(v, w)) return false;
    }
    if (a.size !== a.strs.size) for (const [k, [, v]] of a.others) {
      const w = b.others.get(k);
      if (w === undefined || !equals(v, w[1])) return false;
    }
    return true;
  }
  return false;
}

/** Convert parsed JSON (or YAML) data into a Value. */
export function fromJSON(x: unknown): Value {
  if (x === null || x === undefined) return null;
  switch (typeof x) {
    case 'boolean':
    case 'string':
      return x;
    case 'number':
      return x;
    case 'bigint':
      return normInt(x);
    case 'object': {
      if (Array.isArray(x)) return x.map(fromJSON);
      if (x instanceof SetValue || x instanceof ObjectValue) return x;
      const o = new ObjectValue();
      const rec = x as Record<string, unknown>;
      for (const k in rec) if (Object.hasOwn(rec, k)) o.strs.set(k, fromJSON(rec[k]));
      return o;
    }
    default:
      throw new TypeError(`cannot convert ${typeof x} to a Rego value`);
  }
}

export type JSONValue = null | boolean | number | string | JSONValue[] | { [k: string]: JSONValue };

/**
 * Convert a Value to plain JSON as OPA serialises results: sets become sorted arrays,
 * non-string object keys become their JSON text. Big integers outside the float range lose
 * precision here; use `toJSONText` where exactness matters.
 */
export function toJSON(v: Value): JSONValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toJSON);
  if (v instanceof SetValue) return v.sorted().map(toJSON);
  const out: { [k: string]: JSONValue } = {};
  for (const [k, val] of v.sortedEntries()) out[typeof k === 'string' ? k : toJSONText(k)] = toJSON(val);
  return out;
}

/** Serialise a Value as JSON text (exact for big integers), keys sorted like OPA. */
export function toJSONText(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return formatNumber(v);
    case 'bigint':
      return v.toString();
    case 'string':
      return JSON.stringify(v);
    default:
      if (Array.isArray(v)) return '[' + v.map(toJSONText).join(',') + ']';
      if (v instanceof SetValue) return '[' + v.sorted().map(toJSONText).join(',') + ']';
      return (
        '{' +
        v
          .sortedEntries()
          .map(([k, val]) => JSON.stringify(typeof k === 'string' ? k : toJSONText(k)) + ':' + toJSONText(val))
          .join(',') +
        '}'
      );
  }
}

/** Format a JS number the way OPA prints numbers (no exponent for integers that fit). */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
}

/** Render a value as Rego source text (used by sprintf %v, print and error messages). */
export function toRegoText(v: Value): string {
  if (v === null || typeof v !== 'object') return toJSONText(v);
  if (Array.isArray(v)) return '[' + v.map(toRegoText).join(', ') + ']';
  if (v instanceof SetValue) return v.size === 0 ? 'set()' : '{' + v.sorted().map(toRegoText).join(', ') + '}';
  return '{' + v.sortedEntries().map(([k, val]) => toRegoText(k) + ': ' + toRegoText(val)).join(', ') + '}';
}

export const emptyObject: ObjectValue = new ObjectValue();

export function makeObject(rec: Record<string, Value>): ObjectValue {
  const o = new ObjectValue();
  for (const [k, v] of Object.entries(rec)) o.strs.set(k, v);
  return o;
}

export function makeSet(items: Iterable<Value>): SetValue {
  return new SetValue(items);
}
