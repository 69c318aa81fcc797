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
  /** Members by `valueKey`; created on first use (see `map`). */
  private members: Map<string, Value> | undefined;
  /**
   * Members given in Rego's order with their keys (`SetValue.ordered`), kept as arrays until
   * something needs the map: a decision's result set is usually only sorted and converted.
   */
  private orderedKeys: string[] | undefined;
  private orderedValues: Value[] | undefined;
  private cachedKey: string | undefined;
  /** Built by the evaluator as a multi-value rule's document (merges with another such set). */
  structural: boolean;

  constructor(items?: Iterable<Value>) {
    this.members = undefined;
    this.orderedKeys = undefined;
    this.orderedValues = undefined;
    this.cachedKey = undefined;
    this.structural = false;
    if (items) for (const it of items) this.map.set(valueKey(it), it);
  }

  /** A set of distinct members already in Rego's order, with their `valueKey`s. */
  static ordered(keys: string[], values: Value[]): SetValue {
    const s = new SetValue();
    s.orderedKeys = keys;
    s.orderedValues = values;
    return s;
  }

  /** Members by `valueKey` (insertion-ordered). */
  get map(): Map<string, Value> {
    let m = this.members;
    if (m === undefined) {
      m = this.members = new Map();
      const keys = this.orderedKeys;
      if (keys !== undefined) {
        const values = this.orderedValues!;
        for (let i = 0; i < keys.length; i++) m.set(keys[i]!, values[i]!);
        this.orderedKeys = this.orderedValues = undefined;
      }
    }
    return m;
  }

  get size(): number {
    if (this.members !== undefined) return this.members.size;
    return this.orderedValues !== undefined ? this.orderedValues.length : 0;
  }

  has(v: Value): boolean {
    return this.map.has(valueKey(v));
  }

  /** Mutating add: only for a set under construction. */
  add(v: Value): void {
    this.map.set(valueKey(v), v);
    this.cachedKey = undefined;
  }

  /** Mutating add with the member's precomputed `valueKey` (constant set elements). */
  addKeyed(key: string, v: Value): void {
    this.map.set(key, v);
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
    if (this.members === undefined) return this.orderedValues !== undefined ? this.orderedValues.slice() : [];
    const out: Value[] = new Array(this.map.size);
    let i = 0;
    let strings = true;
    for (const x of this.map.values()) {
      out[i++] = x;
      if (typeof x !== 'string') strings = false;
    }
    if (out.length < 2) return out;
    // All strings (the common case: sets of messages, names): UTF-16 order is Rego's order.
    return strings ? out.sort() : out.sort(compare);
  }

  key(): string {
    if (this.cachedKey === undefined) {
      const keys = [...this.map.keys()].sort();
      this.cachedKey = '{' + keys.join('\u0000') + '}';
    }
    return this.cachedKey;
  }
}

/** A member a lazy ObjectValue looked up and did not find. */
const ABSENT: unique symbol = Symbol('absent');

export class ObjectValue {
  /** String-keyed entries; undefined while the object is still a lazy view of `src`. */
  private strsMap: Map<string, Value> | undefined;
  /**
   * A plain JSON object this value is a lazy view of (see `fromJSONLazy`): members are read
   * from it on demand; the first access that needs more than one scalar member converts the
   * whole object (its own members lazily) into `strsMap`, and `src` is dropped.
   */
  private src: Record<string, unknown> | undefined;
  /** Members of `src` already read, as key, value, key, value… (lazy views only; few). */
  private memo: (string | Value | typeof ABSENT)[] | undefined;
  /** Entries whose key is any other value, by valueKey(key); created on first use. */
  private othersMap: Map<string, [Value, Value]> | undefined;
  private cachedKey: string | undefined;
  /**
   * Built by the evaluator only as the path to rule values (ref heads, packages): merges
   * with another such object key by key (see eval/refs.ts `mergeDocs`).
   */
  structural: boolean;

  constructor(src?: Record<string, unknown>) {
    this.structural = false;
    this.src = src;
    this.memo = undefined;
    this.strsMap = src === undefined ? new Map() : undefined;
    this.othersMap = undefined;
    this.cachedKey = undefined;
  }

  /** Entries whose key is a string, by that string. */
  get strs(): Map<string, Value> {
    return this.strsMap ?? this.materialize();
  }

  private materialize(): Map<string, Value> {
    const m = new Map<string, Value>();
    const rec = this.src!;
    const memo = this.memo;
    for (const k in rec) if (Object.hasOwn(rec, k)) m.set(k, fromJSONLazy(rec[k]));
    // Members already handed out keep their identity.
    if (memo !== undefined) {
      for (let i = 0; i < memo.length; i += 2) if (memo[i + 1] !== ABSENT) m.set(memo[i] as string, memo[i + 1] as Value);
    }
    this.strsMap = m;
    this.src = undefined;
    this.memo = undefined;
    return m;
  }

  /** The JSON object this value is still a lazy view of (see `readJSONPath`). */
  lazySource(): Record<string, unknown> | undefined {
    return this.src;
  }

  /** The member under a string key (the hot path of `input.a.b`). */
  getStr(k: string): Value | undefined {
    const src = this.src;
    if (src === undefined) return this.strsMap!.get(k);
    // Members read before (policies read the same input fields again and again, e.g. once
    // per element of an iteration) are remembered: a short scan instead of two lookups.
    const memo = this.memo;
    if (memo !== undefined) {
      for (let i = 0; i < memo.length; i += 2) {
        if (memo[i] === k) {
          const m = memo[i + 1];
          return m === ABSENT ? undefined : (m as Value);
        }
      }
    }
    // Only own properties are members (never inherited ones: a polluted Object.prototype
    // must not leak into the input).
    let v: Value | typeof ABSENT;
    if (!Object.hasOwn(src, k)) v = ABSENT;
    else {
      const raw = src[k];
      switch (typeof raw) {
        case 'string':
        case 'boolean':
        case 'number':
          v = raw;
          break;
        case 'undefined':
          v = null;
          break;
        default:
          // Composite members are converted once (lazily themselves), so the object is not
          // materialised just to read into one of its members.
          v = raw === null ? null : fromJSONLazy(raw);
      }
    }
    if (memo === undefined) this.memo = [k, v];
    else if (memo.length < 16) memo.push(k, v);
    else return this.materialize().get(k);
    return v === ABSENT ? undefined : v;
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
    if (typeof k === 'string') return this.getStr(k);
    if (!this.othersMap) return undefined;
    const e = this.othersMap.get(valueKey(k));
    return e ? e[1] : undefined;
  }

  has(k: Value): boolean {
    if (typeof k === 'string') return this.getStr(k) !== undefined;
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
      const w = b.getStr(k);
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

/**
 * `fromJSON` for data converted once and read many times (a policy's base data): equal
 * strings, keys and values alike, become one string, so the lookups that compare them (a
 * value of one document used as a key of another, `data.roles[role]`) find equal keys by
 * identity instead of comparing their characters. Strings have no identity in Rego or JS,
 * so the value is the same.
 */
export function fromJSONShared(x: unknown): Value {
  const canon = new Map<string, string>();
  const one = (s: string): string => {
    const c = canon.get(s);
    if (c !== undefined) return c;
    canon.set(s, s);
    return s;
  };
  const convert = (v: unknown): Value => {
    if (typeof v === 'string') return one(v);
    if (typeof v !== 'object' || v === null || v instanceof SetValue || v instanceof ObjectValue) return fromJSON(v);
    if (Array.isArray(v)) return v.map(convert);
    const o = new ObjectValue();
    const rec = v as Record<string, unknown>;
    for (const k in rec) if (Object.hasOwn(rec, k)) o.strs.set(one(k), convert(rec[k]));
    return o;
  };
  return convert(x);
}

/**
 * Like `fromJSON`, but plain objects become lazy views (members converted on first access),
 * so a policy that reads a few fields of a large input converts only those. The JSON must not
 * be mutated while values built from it are in use (they may still read from it).
 */
export function fromJSONLazy(x: unknown): Value {
  if (typeof x === 'object' && x !== null && !Array.isArray(x)) {
    const proto: unknown = Object.getPrototypeOf(x);
    if (proto === Object.prototype || proto === null) return new ObjectValue(x as Record<string, unknown>);
    return fromJSON(x);
  }
  if (Array.isArray(x)) return x.map(fromJSONLazy);
  return fromJSON(x);
}

/** `readJSONPath` could not decide (a non-plain object or a composite result on the way). */
export const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/**
 * Read a scalar at a path of string keys straight from the JSON behind a lazy object, without
 * converting the objects on the way: what `fromJSONLazy(src)` indexed by `keys` would give
 * (own properties only), or `NOT_PLAIN` when the path meets anything but plain objects or
 * ends at a composite value (the caller then takes the general path).
 */
export function readJSONPath(src: Record<string, unknown>, keys: readonly string[]): Value | undefined | typeof NOT_PLAIN {
  let x: unknown = src;
  for (let i = 0; i < keys.length; i++) {
    if (typeof x !== 'object' || x === null) return typeof x === 'function' || typeof x === 'symbol' ? NOT_PLAIN : undefined;
    if (i > 0) {
      const proto: unknown = Object.getPrototypeOf(x);
      if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
    }
    const k = keys[i]!;
    if (!Object.hasOwn(x, k)) return undefined;
    x = (x as Record<string, unknown>)[k];
  }
  switch (typeof x) {
    case 'string':
    case 'number':
    case 'boolean':
      return x;
    case 'undefined':
      return null;
    default:
      return x === null ? null : NOT_PLAIN;
  }
}

/** A reader of one constant path (see `jsonPathReader`). */
export type JSONPathReader = (src: Record<string, unknown>) => Value | undefined | typeof NOT_PLAIN;

/** Numbers the generated readers, so no two share source text (see `jsonPathReader`). */
let readerSerial = 0;

/**
 * `readJSONPath` for one constant path, as a function of its own when the runtime allows
 * code generation: a JS engine keeps one property cache per code location, so a reader shared
 * by every path sees every key and shape (a megamorphic lookup per level), while a reader per
 * path sees one key per level and the few shapes inputs have there.
 *
 * The generated text is a fixed template: it depends only on the number of keys and a serial
 * number (which keeps the engine from sharing one compiled function between readers). The
 * keys, the only policy-derived data, are passed in as values and never appear in source
 * text, so no policy can inject code. Same checks in the same order as `readJSONPath`: own
 * properties only, plain objects below the root, scalars only at the end. Where code
 * generation is disallowed (`--disallow-code-generation-from-strings`, a CSP), the shared
 * reader is used.
 */
export function jsonPathReader(keys: readonly string[]): JSONPathReader {
  const n = keys.length;
  if (n >= 1 && n <= 8) {
    let body = `/* path reader ${readerSerial++} */\nreturn function readPath(src) {\nlet x = src;\nlet p;\n`;
    for (let i = 0; i < n; i++) {
      if (i > 0) {
        body += `if (typeof x !== 'object' || x === null) return typeof x === 'function' || typeof x === 'symbol' ? NOT_PLAIN : undefined;\n`;
        body += `p = getProto(x);\nif (p !== objectProto && p !== null) return NOT_PLAIN;\n`;
      }
      // A key Object.prototype lacks (the usual case, checked by a lookup of this site's own)
      // can only be an own member of a plain object: one read, and the own-property check
      // only for an undefined value (own undefined reads as null, a missing member as
      // undefined). A key it has (or was given by pollution) takes the check first, so an
      // inherited member is never read.
      body += `if (k${i} in objectProto) { if (!hasOwn(x, k${i})) return undefined; x = x[k${i}]; }\n`;
      body += `else { p = x[k${i}]; if (p === undefined && !hasOwn(x, k${i})) return undefined; x = p; }\n`;
    }
    body += `switch (typeof x) { case 'string': case 'number': case 'boolean': return x; case 'undefined': return null; default: return x === null ? null : NOT_PLAIN; }\n};`;
    const params = ['hasOwn', 'getProto', 'objectProto', 'NOT_PLAIN', ...keys.map((_k, i) => `k${i}`)];
    try {
      const make = new Function(...params, body) as (...args: unknown[]) => JSONPathReader;
      return make(Object.hasOwn, Object.getPrototypeOf, Object.prototype, NOT_PLAIN, ...keys);
    } catch {
      // Code generation is not allowed here: fall through to the shared reader.
    }
  }
  return (src) => readJSONPath(src, keys);
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
  if (v instanceof SetValue) {
    const out = v.sorted() as JSONValue[];
    for (let i = 0; i < out.length; i++) out[i] = toJSON(out[i] as Value);
    return out;
  }
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

export function makeObject(rec: Record<string, Value>): ObjectValue {
  const o = new ObjectValue();
  for (const [k, v] of Object.entries(rec)) o.strs.set(k, v);
  return o;
}

export function makeSet(items: Iterable<Value>): SetValue {
  return new SetValue(items);
}
