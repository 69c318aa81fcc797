/**
 * The safe query compiler: a request of the gateway's data API (schema.ts) and the call's
 * context (context.ts) in, one parameterised PostgreSQL statement out. The rules, in the order
 * they are applied:
 * - the grant's access must allow the operation;
 * - every field the request names (fields, filter, order, set, rows, returning) must be one of
 *   the app's approved fields; the SQL names it as the catalog spells it, quoted;
 * - the app's row filters are ANDed into every read, update and delete, and written values must
 *   satisfy them; a `$subject.<attr>` the caller does not have denies the call (never "no filter");
 * - reads page by keyset over the requested order then the resource's key, with a sealed cursor.
 * Pure: no I/O, so the gateway calls it per request and tests compile without a database.
 */
import { queryError } from './errors.ts';
import { decodeCursor, encodeCursor, shapeDigest, type CursorValues } from './cursor.ts';
import { quoteIdent, quoteTable } from '../../db/pg-sql.ts';
import { Params } from './sql.ts';
import { defaultLimit, jsonPath, type DeleteRequest, type Filter, type InsertRequest, type QueryRequest, type Scalar, type UpdateRequest } from './schema.ts';
import { subjectPrefix, type QueryContext, type RowFilter, type RowFilterOp } from './context.ts';

export interface CompiledStatement {
  text: string;
  values: unknown[];
  /** The fields each returned row holds, in order (empty for a write without `returning`). */
  fields: string[];
}

export interface Page {
  rows: Record<string, unknown>[];
  /** Pass back as `cursor` for the next page; null on the last page or when the resource has no key. */
  nextCursor: string | null;
  /** More rows follow this page (also true when there is no key to page on). */
  hasMore: boolean;
}

export interface CompiledSelect extends CompiledStatement {
  limit: number;
  /** The rows the statement returned (at most limit + 1) as the app's page. */
  page(rows: readonly Record<string, unknown>[]): Page;
}

/** A row filter with its value resolved from the caller's attributes. */
interface ResolvedFilter {
  field: string;
  op: RowFilterOp | 'like';
  value: Scalar | readonly Scalar[];
}

// ---------------------------------------------------------------------------------------------
// Fields.

/** What a grant allows on a resource, indexed once: the gateway calls with the same grant and catalog objects until either changes. */
interface Prepared {
  /** Catalog field names. */
  catalog: Set<string>;
  approved: Set<string>;
  /** Every approved field the catalog lists, in the catalog's order (the default `fields`). */
  defaults: string[];
}

const preparedCache = new WeakMap<object, WeakMap<object, Prepared>>();

function prepared(ctx: QueryContext): Prepared {
  let byFields = preparedCache.get(ctx.grant);
  if (!byFields) preparedCache.set(ctx.grant, (byFields = new WeakMap()));
  let p = byFields.get(ctx.resource.fields);
  if (!p) {
    const catalog = new Set(ctx.resource.fields.map((f) => f.name));
    const approved = new Set(ctx.grant.fields.filter((f) => catalog.has(f)));
    p = { catalog, approved, defaults: [...catalog].filter((f) => approved.has(f)) };
    byFields.set(ctx.resource.fields, p);
  }
  return p;
}

/** The approved field a request names; refused with its JSON path otherwise. */
function approvedField(ctx: QueryContext, name: string, path: string): string {
  const p = prepared(ctx);
  if (!p.catalog.has(name)) throw queryError('query_field_not_allowed', path, `is not a field of resource ${ctx.resource.name}`);
  if (!p.approved.has(name)) throw queryError('query_field_not_allowed', path, `"${name}" is not among the app's approved fields of ${ctx.resource.name}`);
  return name;
}

function approvedList(ctx: QueryContext, names: readonly string[], path: string): string[] {
  const out: string[] = [];
  names.forEach((n, i) => {
    const f = approvedField(ctx, n, `${path}[${i}]`);
    if (out.includes(f)) throw queryError('query_invalid', `${path}[${i}]`, `names "${f}" twice`);
    out.push(f);
  });
  return out;
}

function requireAccess(ctx: QueryContext, want: 'read' | 'write', path: string): void {
  if (ctx.grant.access !== want && ctx.grant.access !== 'read-write') throw queryError('query_access_denied', path, `needs ${want} access to ${ctx.resource.name}; the app is approved for ${ctx.grant.access} only`);
}

// ---------------------------------------------------------------------------------------------
// Conditions.

function condition(column: string, op: ResolvedFilter['op'], value: ResolvedFilter['value'], params: Params): string {
  const c = quoteIdent(column);
  switch (op) {
    case 'eq':
      return value === null ? `${c} IS NULL` : `${c} = ${params.add(value)}`;
    case 'ne':
      return value === null ? `${c} IS NOT NULL` : `${c} <> ${params.add(value)}`;
    case 'in':
      return `${c} = ANY(${params.add(value)})`;
    case 'not_in':
      return `${c} <> ALL(${params.add(value)})`;
    case 'lt':
      return `${c} < ${params.add(value)}`;
    case 'lte':
      return `${c} <= ${params.add(value)}`;
    case 'gt':
      return `${c} > ${params.add(value)}`;
    case 'gte':
      return `${c} >= ${params.add(value)}`;
    case 'like':
      // Cast so that `like` on a number or date column compares its text rather than failing.
      return `${c}::text LIKE ${params.add(value)}`;
  }
}

function requestFilters(ctx: QueryContext, filters: readonly Filter[] | undefined, path = 'filter'): ResolvedFilter[] {
  return (filters ?? []).map((f, i) => ({ field: approvedField(ctx, f.field, `${path}[${i}].field`), op: f.op, value: f.value }));
}

const unresolved = (i: number, message: string) => queryError('query_row_filter_unresolved', `rowFilters[${i}]`, message);

/** One `$subject.<attr>` reference: the caller's attribute, scalar or list; anything missing denies. */
function subjectValue(ctx: QueryContext, ref: string, i: number): Scalar | Scalar[] {
  const attr = ref.slice(subjectPrefix.length);
  if (!ctx.subject) throw unresolved(i, `uses ${ref}, and this call has no person behind it`);
  const v = Object.hasOwn(ctx.subject, attr) ? ctx.subject[attr] : undefined;
  const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x));
  if (scalar(v)) return v as Scalar;
  if (Array.isArray(v) && v.every(scalar)) return v as Scalar[];
  throw unresolved(i, `uses ${ref}, and the caller has no such attribute in the directory`);
}

const isRef = (v: unknown): v is string => typeof v === 'string' && v.startsWith(subjectPrefix);

/** The app's row filters with `$subject.` values resolved; a filter that cannot be resolved denies. */
export function resolveRowFilters(ctx: QueryContext): ResolvedFilter[] {
  return (ctx.grant.rowFilters ?? []).map((rf: RowFilter, i) => {
    const field = rf.field;
    if (!prepared(ctx).catalog.has(field)) throw unresolved(i, `names field "${rf.field}", which resource ${ctx.resource.name} does not have`);
    const list = rf.op === 'in' || rf.op === 'not_in';
    if (list) {
      const items = (Array.isArray(rf.value) ? rf.value : [rf.value]) as readonly Scalar[];
      const value = items.flatMap((x) => (isRef(x) ? [subjectValue(ctx, x, i)].flat() : [x]));
      return { field, op: rf.op, value };
    }
    const value = isRef(rf.value) ? subjectValue(ctx, rf.value, i) : rf.value;
    if (Array.isArray(value)) throw unresolved(i, `compares ${field} with ${rf.op}, which needs one value, and the caller's attribute is a list`);
    return { field, op: rf.op, value: value as Scalar };
  });
}

function where(conditions: readonly ResolvedFilter[], params: Params, extra: string[] = []): string {
  const parts = [...conditions.map((f) => `(${condition(f.field, f.op, f.value, params)})`), ...extra];
  return parts.length > 0 ? ` WHERE ${parts.join(' AND ')}` : '';
}

// ---------------------------------------------------------------------------------------------
// Reads.

interface SortKey {
  field: string;
  dir: 'asc' | 'desc';
}

/** The resource's unique key: declared, or `[id]` when it has an `id` field; undefined when neither. */
function keyOf(ctx: QueryContext): string[] | undefined {
  const catalog = prepared(ctx).catalog;
  const declared = ctx.resource.key ?? (catalog.has('id') ? ['id'] : undefined);
  if (!declared || declared.length === 0) return undefined;
  for (const k of declared) if (!catalog.has(k)) throw new Error(`the key of resource ${ctx.resource.name} names "${k}", which is not one of its fields`);
  return declared as string[];
}

/** Rows strictly after `values` in the sort order (every column sorts NULLS LAST). */
function after(sort: readonly SortKey[], values: CursorValues, params: Params): string {
  const alternatives: string[] = [];
  for (let i = 0; i < sort.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue; // nothing sorts after NULL in this column: ties only, handled by the longer prefixes
    const equal = sort.slice(0, i).map((s, j) => (values[j] === null ? `${quoteIdent(s.field)} IS NULL` : `${quoteIdent(s.field)} = ${params.add(values[j])}`));
    const c = quoteIdent(sort[i]!.field);
    const beyond = `(${c} ${sort[i]!.dir === 'asc' ? '>' : '<'} ${params.add(v)} OR ${c} IS NULL)`;
    alternatives.push([...equal, beyond].join(' AND '));
  }
  return alternatives.length === 0 ? 'FALSE' : `(${alternatives.map((a) => `(${a})`).join(' OR ')})`;
}

export function compileSelect(request: QueryRequest, ctx: QueryContext): CompiledSelect {
  requireAccess(ctx, 'read', '');
  const fields = request.fields ? approvedList(ctx, request.fields, 'fields') : [...prepared(ctx).defaults];
  const filters = requestFilters(ctx, request.filter);
  const order: SortKey[] = (request.order ?? []).map((o, i) => ({ field: approvedField(ctx, o.field, `order[${i}].field`), dir: o.dir }));
  order.forEach((o, i) => {
    if (order.findIndex((x) => x.field === o.field) !== i) throw queryError('query_invalid', `order[${i}].field`, `orders by "${o.field}" twice`);
  });
  const rowFilters = resolveRowFilters(ctx);
  const key = keyOf(ctx);
  // Ties in the requested order are broken by the key, so the order is total and pages neither skip nor repeat rows.
  const sort = key ? [...order, ...key.filter((k) => !order.some((o) => o.field === k)).map((k) => ({ field: k, dir: 'asc' as const }))] : order;
  const limit = request.limit ?? defaultLimit;

  // Hashed only when a cursor is read or written: most calls read one page.
  let digest: string | undefined;
  const shape = () => (digest ??= shapeDigest({ resource: ctx.resource.name, schema: ctx.resource.schema ?? null, fields, filters, sort, rowFilters }));
  if (request.cursor !== undefined && !key) throw queryError('query_cursor_invalid', 'cursor', `cannot be used: resource ${ctx.resource.name} has no key to page on (the connector declares none and it has no id field)`);

  const params = new Params();
  const cursorValues = request.cursor !== undefined ? decodeCursor(ctx.cursorKey, shape(), request.cursor, sort.length) : undefined;
  const extra = cursorValues ? [after(sort, cursorValues, params)] : [];
  const whereSql = where([...filters, ...rowFilters], params, extra);
  // The sort values come back as text too: they round-trip into the next page's comparison exactly, whatever the column's type.
  const sortColumns = key ? sort.map((s, i) => `, ${quoteIdent(s.field)}::text AS ${quoteIdent(`#${i}`)}`).join('') : '';
  const orderSql = sort.length > 0 ? ` ORDER BY ${sort.map((s) => `${quoteIdent(s.field)} ${s.dir === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`).join(', ')}` : '';
  const text = `SELECT ${fields.map(quoteIdent).join(', ')}${sortColumns} FROM ${quoteTable(ctx.resource.name, ctx.resource.schema)}${whereSql}${orderSql} LIMIT ${params.add(limit + 1)}`;

  return {
    text,
    values: params.values,
    fields,
    limit,
    page(rows) {
      const hasMore = rows.length > limit;
      const kept = rows.slice(0, limit);
      const last = kept[kept.length - 1];
      const nextCursor = hasMore && key && last ? encodeCursor(ctx.cursorKey, shape(), sort.map((_, i) => (last[`#${i}`] ?? null) as string | null)) : null;
      const out = key
        ? kept.map((r) => {
            const o: Record<string, unknown> = {};
            for (const f of fields) o[f] = r[f];
            return o;
          })
        : [...kept];
      return { rows: out, nextCursor, hasMore };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Writes.

function sameValue(a: Scalar, b: Scalar): boolean {
  return a !== null && b !== null && String(a) === String(b);
}

/** Whether a written value keeps the row inside a row filter, judged as PostgreSQL would. */
function satisfies(value: Scalar, f: ResolvedFilter, path: string): boolean {
  const target = f.value;
  switch (f.op) {
    case 'eq':
      return target === null ? value === null : sameValue(value, target as Scalar);
    case 'ne':
      return value !== null && (target === null || !sameValue(value, target as Scalar));
    case 'in':
      return (target as Scalar[]).some((t) => sameValue(value, t));
    case 'not_in':
      return value !== null && (target as Scalar[]).every((t) => t !== null && !sameValue(value, t));
    default:
      // Ordering text depends on the database's collation: only numbers are judged here.
      if (typeof value !== 'number' || typeof target !== 'number') throw queryError('query_row_filter_violated', path, `cannot be checked against the app's row filter on ${f.field} (${f.op}) unless both are numbers`);
      return f.op === 'lt' ? value < target : f.op === 'lte' ? value <= target : f.op === 'gt' ? value > target : value >= target;
  }
}

/** Written values must keep the row visible to the app; a row filter's field may not be left unset on insert. */
function checkWritten(values: Readonly<Record<string, Scalar>>, rowFilters: readonly ResolvedFilter[], path: readonly PropertyKey[], insert: boolean): void {
  for (const f of rowFilters) {
    const p = jsonPath([...path, f.field]);
    if (!Object.hasOwn(values, f.field)) {
      if (insert) throw queryError('query_row_filter_violated', p, `must be set: the app's row filter on ${f.field} (${f.op}) applies to every row it writes`);
      continue;
    }
    if (!satisfies(values[f.field]!, f, p)) throw queryError('query_row_filter_violated', p, `would put the row outside the app's row filter on ${f.field} (${f.op})`);
  }
}

/** The written fields of a row or `set`, approved, as the catalog spells them. */
function writtenFields(ctx: QueryContext, values: Readonly<Record<string, Scalar>>, path: readonly PropertyKey[]): Map<string, Scalar> {
  const out = new Map<string, Scalar>();
  for (const [name, v] of Object.entries(values)) out.set(approvedField(ctx, name, jsonPath([...path, name])), v);
  return out;
}

function returning(ctx: QueryContext, fields: readonly string[] | undefined): { sql: string; fields: string[] } {
  if (!fields) return { sql: '', fields: [] };
  requireAccess(ctx, 'read', 'returning');
  const names = approvedList(ctx, fields, 'returning');
  return { sql: ` RETURNING ${names.map(quoteIdent).join(', ')}`, fields: names };
}

export function compileInsert(request: InsertRequest, ctx: QueryContext): CompiledStatement {
  requireAccess(ctx, 'write', '');
  const rowFilters = resolveRowFilters(ctx);
  const rows = request.rows.map((r, i) => {
    const written = writtenFields(ctx, r, ['rows', i]);
    checkWritten(Object.fromEntries(written), rowFilters, ['rows', i], true);
    return written;
  });
  // One column list for all rows; a row without a column gets the column's DEFAULT.
  const columns = [...new Set(rows.flatMap((r) => [...r.keys()]))];
  const params = new Params();
  const tuples = rows.map((r) => `(${columns.map((c) => (r.has(c) ? params.add(r.get(c)) : 'DEFAULT')).join(', ')})`);
  const ret = returning(ctx, request.returning);
  const text = `INSERT INTO ${quoteTable(ctx.resource.name, ctx.resource.schema)} (${columns.map(quoteIdent).join(', ')}) VALUES ${tuples.join(', ')}${ret.sql}`;
  return { text, values: params.values, fields: ret.fields };
}

export function compileUpdate(request: UpdateRequest, ctx: QueryContext): CompiledStatement {
  requireAccess(ctx, 'write', '');
  const rowFilters = resolveRowFilters(ctx);
  const set = writtenFields(ctx, request.set, ['set']);
  checkWritten(Object.fromEntries(set), rowFilters, ['set'], false);
  const filters = requestFilters(ctx, request.filter);
  const ret = returning(ctx, request.returning);
  const params = new Params();
  const assignments = [...set].map(([c, v]) => `${quoteIdent(c)} = ${params.add(v)}`).join(', ');
  const text = `UPDATE ${quoteTable(ctx.resource.name, ctx.resource.schema)} SET ${assignments}${where([...filters, ...rowFilters], params)}${ret.sql}`;
  return { text, values: params.values, fields: ret.fields };
}

export function compileDelete(request: DeleteRequest, ctx: QueryContext): CompiledStatement {
  requireAccess(ctx, 'write', '');
  const rowFilters = resolveRowFilters(ctx);
  const filters = requestFilters(ctx, request.filter);
  const ret = returning(ctx, request.returning);
  const params = new Params();
  const text = `DELETE FROM ${quoteTable(ctx.resource.name, ctx.resource.schema)}${where([...filters, ...rowFilters], params)}${ret.sql}`;
  return { text, values: params.values, fields: ret.fields };
}

// ---------------------------------------------------------------------------------------------
// Privileges.

/**
 * The columns a database role needs for what this compiler writes against a resource, so the
 * gateway's leased per-app role can be granted exactly these (and PostgreSQL itself refuses
 * everything else): reading needs the approved fields, the fields of the row filters (which the
 * app may not read, yet the WHERE clause does) and the key that pages and breaks ties; writing
 * needs the approved fields, and UPDATE/DELETE read the filter columns as a SELECT does.
 */
export function requiredColumns(resource: QueryContext['resource'], grant: QueryContext['grant']): { read: string[]; write: string[] } {
  const catalog = resource.fields.map((f) => f.name);
  const approved = catalog.filter((f) => grant.fields.includes(f));
  const key = resource.key ?? (catalog.includes('id') ? ['id'] : []);
  const filtered = (grant.rowFilters ?? []).map((r) => r.field);
  const read = catalog.filter((f) => approved.includes(f) || key.includes(f) || filtered.includes(f));
  return { read, write: grant.access === 'read' ? [] : approved };
}
