/**
 * SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2): parsed into a tree, checked
 * against the schema (case-insensitive attribute names, the enterprise extension's URN
 * prefix), and evaluated over a resource's representation. Bounded: the text, the nesting and
 * the number of comparisons have limits, so a hostile filter costs no more than a long one.
 *
 * Comparisons follow the schema: strings without regard to case unless the attribute is
 * caseExact (id, externalId, …); dateTimes as instants; booleans only by eq/ne; a
 * multi-valued attribute matches when any of its values does (`emails co "@x"` compares
 * each email's value).
 */
import { badRequest } from './scim-error.ts';
import { findAttr, resolvePath, type AttrDef, type ResolvedPath, type ResourceSchema } from './scim-schema.ts';

export const MAX_FILTER_LENGTH = 2048;
export const MAX_FILTER_DEPTH = 16;
export const MAX_FILTER_TERMS = 100;

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
type Literal = string | number | boolean | null;

/** A path checked against the schema; `sub` is relative to an element inside a value filter. */
interface Path {
  resolved: ResolvedPath;
}

export type Filter =
  | { op: 'and' | 'or'; left: Filter; right: Filter }
  | { op: 'not'; expr: Filter }
  | { op: 'pr'; path: Path }
  | { op: 'cmp'; cmp: CompareOp; path: Path; value: Literal }
  | { op: 'valuePath'; path: Path; filter: ElementFilter };

/** A filter inside brackets, over the sub-attributes of one element. */
export type ElementFilter =
  | { op: 'and' | 'or'; left: ElementFilter; right: ElementFilter }
  | { op: 'not'; expr: ElementFilter }
  | { op: 'pr'; sub: AttrDef }
  | { op: 'cmp'; cmp: CompareOp; sub: AttrDef; value: Literal };

type Token = { t: '(' | ')' | '[' | ']' } | { t: 'word'; v: string } | { t: 'str'; v: string } | { t: 'dotword'; v: string };

const compareOps = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      // A JSON string literal, escapes included.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw badRequest('invalidFilter', 'unterminated string in the filter');
      try {
        out.push({ t: 'str', v: JSON.parse(text.slice(i, j + 1)) as string });
      } catch {
        throw badRequest('invalidFilter', 'a string in the filter has a bad escape');
      }
      i = j + 1;
    } else if (c === '.' && out.length > 0 && out[out.length - 1]!.t === ']') {
      // `emails[type eq "work"].value` (PATCH paths).
      const m = /^\.([A-Za-z$][\w$-]*)/.exec(text.slice(i));
      if (!m) throw badRequest('invalidFilter', `unexpected "." at position ${i + 1}`);
      out.push({ t: 'dotword', v: m[1]! });
      i += m[0].length;
    } else {
      const m = /^[A-Za-z0-9:._$+-]+/.exec(text.slice(i));
      if (!m) throw badRequest('invalidFilter', `unexpected "${c}" at position ${i + 1}`);
      out.push({ t: 'word', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

function literal(tok: Token | undefined): Literal {
  if (!tok) throw badRequest('invalidFilter', 'the filter ends where a value was expected');
  if (tok.t === 'str') return tok.v;
  if (tok.t === 'word') {
    if (tok.v === 'true') return true;
    if (tok.v === 'false') return false;
    if (tok.v === 'null') return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(tok.v)) return Number(tok.v);
  }
  throw badRequest('invalidFilter', `expected a value (a "string", number, true, false or null), found ${describe(tok)}`);
}

function describe(tok: Token | undefined): string {
  if (!tok) return 'the end';
  return tok.t === 'word' || tok.t === 'dotword' ? `"${tok.v}"` : tok.t === 'str' ? `"${tok.v}"` : `"${tok.t}"`;
}

class Parser {
  private i = 0;
  private terms = 0;
  constructor(
    private readonly toks: Token[],
    private readonly schema: ResourceSchema,
  ) {}

  peek(): Token | undefined {
    return this.toks[this.i];
  }
  next(): Token | undefined {
    return this.toks[this.i++];
  }
  atEnd(): boolean {
    return this.i >= this.toks.length;
  }
  expect(t: '(' | ')' | '[' | ']'): void {
    const tok = this.next();
    if (tok?.t !== t) throw badRequest('invalidFilter', `expected "${t}", found ${describe(tok)}`);
  }
  keyword(): string | undefined {
    const tok = this.peek();
    return tok?.t === 'word' ? tok.v.toLowerCase() : undefined;
  }
  count(): void {
    if (++this.terms > MAX_FILTER_TERMS) throw badRequest('invalidFilter', `the filter has more than ${MAX_FILTER_TERMS} comparisons`);
  }

  // or-expression: and-expression ("or" and-expression)*
  filter(depth: number): Filter {
    if (depth > MAX_FILTER_DEPTH) throw badRequest('invalidFilter', `the filter is nested deeper than ${MAX_FILTER_DEPTH} levels`);
    let left = this.andExpr(depth);
    while (this.keyword() === 'or') {
      this.next();
      left = { op: 'or', left, right: this.andExpr(depth) };
    }
    return left;
  }
  andExpr(depth: number): Filter {
    let left = this.unary(depth);
    while (this.keyword() === 'and') {
      this.next();
      left = { op: 'and', left, right: this.unary(depth) };
    }
    return left;
  }
  unary(depth: number): Filter {
    const tok = this.peek();
    if (tok?.t === 'word' && tok.v.toLowerCase() === 'not' && this.toks[this.i + 1]?.t === '(') {
      this.next();
      this.expect('(');
      const expr = this.filter(depth + 1);
      this.expect(')');
      return { op: 'not', expr };
    }
    if (tok?.t === '(') {
      this.next();
      const f = this.filter(depth + 1);
      this.expect(')');
      return f;
    }
    if (tok?.t !== 'word') throw badRequest('invalidFilter', `expected an attribute, found ${describe(tok)}`);
    this.next();
    const resolved = resolvePath(this.schema, tok.v);
    if (!resolved) throw badRequest('invalidFilter', `unknown attribute ${tok.v}`);
    if (this.peek()?.t === '[') {
      if (resolved.sub || resolved.attr.type !== 'complex') throw badRequest('invalidFilter', `${tok.v} has no sub-attributes to filter on`);
      this.next();
      const filter = new ElementParser(this, resolved.attr).filter(depth + 1);
      this.expect(']');
      return { op: 'valuePath', path: { resolved }, filter };
    }
    this.count();
    const op = this.keyword();
    if (op === 'pr') {
      this.next();
      return { op: 'pr', path: { resolved } };
    }
    if (!op || !compareOps.has(op)) throw badRequest('invalidFilter', `expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after ${tok.v}, found ${describe(this.peek())}`);
    this.next();
    const value = literal(this.next());
    checkComparable(op as CompareOp, target(resolved), value);
    return { op: 'cmp', cmp: op as CompareOp, path: { resolved }, value };
  }
}

/** The definition a comparison on a path compares: the sub-attribute, or a multi-valued complex attribute's value. */
function target(r: ResolvedPath): AttrDef {
  if (r.sub) return r.sub;
  if (r.attr.type === 'complex') return findAttr(r.attr.subAttributes ?? [], 'value') ?? r.attr;
  return r.attr;
}

function checkComparable(op: CompareOp, def: AttrDef, value: Literal): void {
  if (def.type === 'complex') throw badRequest('invalidFilter', `${def.name} is complex; compare one of its sub-attributes`);
  if (def.type === 'boolean' && op !== 'eq' && op !== 'ne') throw badRequest('invalidFilter', `${def.name} is a boolean: only eq and ne compare it`);
  if ((op === 'co' || op === 'sw' || op === 'ew') && typeof value !== 'string') throw badRequest('invalidFilter', `${op} needs a string value`);
  if ((op === 'gt' || op === 'ge' || op === 'lt' || op === 'le') && (value === null || typeof value === 'boolean')) throw badRequest('invalidFilter', `${op} needs a string or number value`);
}

/** A filter inside brackets: attribute names are sub-attributes of the bracketed attribute. */
class ElementParser {
  constructor(
    private readonly p: Parser,
    private readonly attr: AttrDef,
  ) {}

  filter(depth: number): ElementFilter {
    if (depth > MAX_FILTER_DEPTH) throw badRequest('invalidFilter', `the filter is nested deeper than ${MAX_FILTER_DEPTH} levels`);
    let left = this.andExpr(depth);
    while (this.p.keyword() === 'or') {
      this.p.next();
      left = { op: 'or', left, right: this.andExpr(depth) };
    }
    return left;
  }
  andExpr(depth: number): ElementFilter {
    let left = this.unary(depth);
    while (this.p.keyword() === 'and') {
      this.p.next();
      left = { op: 'and', left, right: this.unary(depth) };
    }
    return left;
  }
  unary(depth: number): ElementFilter {
    const tok = this.p.peek();
    if (tok?.t === 'word' && tok.v.toLowerCase() === 'not') {
      this.p.next();
      this.p.expect('(');
      const expr = this.filter(depth + 1);
      this.p.expect(')');
      return { op: 'not', expr };
    }
    if (tok?.t === '(') {
      this.p.next();
      const f = this.filter(depth + 1);
      this.p.expect(')');
      return f;
    }
    if (tok?.t !== 'word') throw badRequest('invalidFilter', `expected a sub-attribute of ${this.attr.name}, found ${describe(tok)}`);
    this.p.next();
    const sub = findAttr(this.attr.subAttributes ?? [], tok.v);
    if (!sub) throw badRequest('invalidFilter', `${this.attr.name} has no sub-attribute ${tok.v}`);
    this.p.count();
    const op = this.p.keyword();
    if (op === 'pr') {
      this.p.next();
      return { op: 'pr', sub };
    }
    if (!op || !compareOps.has(op)) throw badRequest('invalidFilter', `expected an operator after ${tok.v}, found ${describe(this.p.peek())}`);
    this.p.next();
    const value = literal(this.p.next());
    checkComparable(op as CompareOp, sub, value);
    return { op: 'cmp', cmp: op as CompareOp, sub, value };
  }
}

export function parseFilter(schema: ResourceSchema, text: string): Filter {
  if (text.length > MAX_FILTER_LENGTH) throw badRequest('invalidFilter', `the filter is longer than ${MAX_FILTER_LENGTH} characters`);
  const toks = tokenize(text);
  if (toks.length === 0) throw badRequest('invalidFilter', 'the filter is empty');
  const p = new Parser(toks, schema);
  const f = p.filter(0);
  if (!p.atEnd()) throw badRequest('invalidFilter', `unexpected ${describe(p.peek())} in the filter`);
  return f;
}

/** A PATCH path: an attribute (or sub-attribute), optionally narrowed to the elements a value filter selects. */
export interface PatchPath {
  resolved: ResolvedPath;
  filter?: ElementFilter;
  /** The sub-attribute after the brackets (`emails[type eq "work"].value`). */
  subAfter?: AttrDef;
}

export function parsePatchPath(schema: ResourceSchema, text: string): PatchPath {
  const fail = (why: string) => badRequest('invalidPath', `bad path ${JSON.stringify(text.slice(0, 200))}: ${why}`);
  if (text.length > MAX_FILTER_LENGTH) throw fail('too long');
  let toks: Token[];
  try {
    toks = tokenize(text);
  } catch (e) {
    throw fail((e as Error).message);
  }
  const first = toks[0];
  if (first?.t !== 'word') throw fail('it must start with an attribute name');
  const resolved = resolvePath(schema, first.v);
  if (!resolved) throw fail('no such attribute');
  if (toks.length === 1) return { resolved };
  if (toks[1]!.t !== '[' || resolved.sub || !resolved.attr.multiValued) throw fail('only a multi-valued attribute takes a [filter]');
  const p = new Parser(toks, schema);
  p.next();
  p.next();
  let filter: ElementFilter;
  try {
    filter = new ElementParser(p, resolved.attr).filter(1);
    p.expect(']');
  } catch (e) {
    throw fail((e as Error).message);
  }
  let subAfter: AttrDef | undefined;
  const after = p.next();
  if (after) {
    if (after.t !== 'dotword') throw fail(`unexpected ${describe(after)}`);
    subAfter = findAttr(resolved.attr.subAttributes ?? [], after.v);
    if (!subAfter) throw fail(`${resolved.attr.name} has no sub-attribute ${after.v}`);
    if (!p.atEnd()) throw fail(`unexpected ${describe(p.peek())}`);
  }
  return { resolved, filter, ...(subAfter ? { subAfter } : {}) };
}

// ---- evaluation ----

function compare(cmp: CompareOp, def: AttrDef, actual: unknown, expected: Literal): boolean {
  if (actual === undefined || actual === null) return cmp === 'ne' ? expected !== null : cmp === 'eq' && expected === null;
  if (typeof actual === 'boolean' || typeof expected === 'boolean') {
    const eq = actual === expected;
    return cmp === 'eq' ? eq : cmp === 'ne' ? !eq : false;
  }
  if (typeof actual === 'number' && typeof expected === 'number') return order(cmp, actual - expected);
  let a = String(actual);
  let e = expected === null ? '' : String(expected);
  if (def.type === 'dateTime') {
    const [x, y] = [Date.parse(a), Date.parse(e)];
    if (!Number.isNaN(x) && !Number.isNaN(y) && cmp !== 'co' && cmp !== 'sw' && cmp !== 'ew') return order(cmp, x - y);
  }
  if (def.caseExact !== true) {
    a = a.toLowerCase();
    e = e.toLowerCase();
  }
  switch (cmp) {
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    default:
      return order(cmp, a < e ? -1 : a > e ? 1 : 0);
  }
}

function order(cmp: CompareOp, d: number): boolean {
  switch (cmp) {
    case 'eq':
      return d === 0;
    case 'ne':
      return d !== 0;
    case 'gt':
      return d > 0;
    case 'ge':
      return d >= 0;
    case 'lt':
      return d < 0;
    case 'le':
      return d <= 0;
    default:
      return false;
  }
}

function present(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function getCaseless(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const o = obj as Record<string, unknown>;
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}

/** The attribute's value in a resource representation (extension attributes under their URN). */
export function attributeOf(resource: Record<string, unknown>, r: ResolvedPath): unknown {
  const container = r.ext ? getCaseless(resource, r.ext) : resource;
  return getCaseless(container, r.attr.name);
}

/** The values a path names in a resource: one per element for a multi-valued attribute. */
function valuesOf(resource: Record<string, unknown>, r: ResolvedPath): unknown[] {
  const v = attributeOf(resource, r);
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  if (r.sub) return list.map((e) => getCaseless(e, r.sub!.name));
  // `emails eq "x"` compares each element's value.
  if (r.attr.type === 'complex' && r.attr.multiValued) return list.map((e) => getCaseless(e, 'value'));
  return list;
}

export function matchesElement(f: ElementFilter, element: unknown): boolean {
  switch (f.op) {
    case 'and':
      return matchesElement(f.left, element) && matchesElement(f.right, element);
    case 'or':
      return matchesElement(f.left, element) || matchesElement(f.right, element);
    case 'not':
      return !matchesElement(f.expr, element);
    case 'pr':
      return present(getCaseless(element, f.sub.name));
    case 'cmp':
      return compare(f.cmp, f.sub, getCaseless(element, f.sub.name), f.value);
  }
}

export function matches(f: Filter, resource: Record<string, unknown>): boolean {
  switch (f.op) {
    case 'and':
      return matches(f.left, resource) && matches(f.right, resource);
    case 'or':
      return matches(f.left, resource) || matches(f.right, resource);
    case 'not':
      return !matches(f.expr, resource);
    case 'pr': {
      if (f.path.resolved.sub) return valuesOf(resource, f.path.resolved).some(present);
      return present(attributeOf(resource, f.path.resolved));
    }
    case 'cmp': {
      const def = target(f.path.resolved);
      const values = valuesOf(resource, f.path.resolved);
      if (values.length === 0) return compare(f.cmp, def, undefined, f.value);
      if (f.cmp === 'ne') return values.every((v) => compare('ne', def, v, f.value));
      return values.some((v) => compare(f.cmp, def, v, f.value));
    }
    case 'valuePath': {
      const v = attributeOf(resource, f.path.resolved);
      const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
      return list.some((e) => matchesElement(f.filter, e));
    }
  }
}

/**
 * An equality on an indexed column that every match must satisfy (the filter itself, or one
 * side of a top-level `and`), so the store reads a few rows instead of all of them.
 */
export function indexHint(f: Filter): { attr: string; value: string } | undefined {
  if (f.op === 'and') return indexHint(f.left) ?? indexHint(f.right);
  if (f.op === 'cmp' && f.cmp === 'eq' && typeof f.value === 'string' && !f.path.resolved.sub && !f.path.resolved.ext) {
    const name = f.path.resolved.attr.name;
    if (name === 'userName' || name === 'externalId' || name === 'id' || name === 'displayName') return { attr: name, value: f.value };
  }
  return undefined;
}

/** The value a sortBy path sorts on (the first value of a multi-valued attribute, primary first). */
export function sortKey(resource: Record<string, unknown>, r: ResolvedPath): unknown {
  const v = attributeOf(resource, r);
  if (Array.isArray(v)) {
    const primary = v.find((e) => getCaseless(e, 'primary') === true) ?? v[0];
    return r.sub ? getCaseless(primary, r.sub.name) : getCaseless(primary, 'value');
  }
  return r.sub ? getCaseless(v, r.sub.name) : v;
}
