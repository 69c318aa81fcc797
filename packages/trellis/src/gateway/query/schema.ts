/**
 * The request bodies of the gateway's data API for postgres connectors, declared once with zod:
 * a query (`POST …/query`) and the three writes. Shapes and sizes are checked here; whether a
 * field may be used, and what it means, is the compiler's business (compile.ts), which knows
 * the catalog and the app's grant.
 */
import { z } from 'zod';
import type { FieldError } from '../../errors.ts';
import { queryErrors } from './errors.ts';

export const maxLimit = 1000;
export const defaultLimit = 50;
export const maxOrderFields = 4;
export const maxFilters = 50;
export const maxListValues = 1000;
export const maxStringValue = 10_000;
export const maxLikePattern = 256;
export const maxInsertRows = 500;
// A cursor carries the sort values of a row, which may be long text: room for them, well within a request body.
export const maxCursorLength = 65_536;

export const filterOps = ['eq', 'ne', 'in', 'not_in', 'lt', 'lte', 'gt', 'gte', 'like'] as const;

// PostgreSQL text cannot hold U+0000: refused here rather than failing at the database.
const stringValue = z
  .string()
  .max(maxStringValue)
  .refine((s) => !s.includes('\0'), 'must not contain NUL (U+0000) characters');
export const scalarSchema = z.union([stringValue, z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof scalarSchema>;
const listSchema = z.array(scalarSchema).max(maxListValues);

const fieldRef = z.string().min(1).max(128);

export const filterSchema = z
  .strictObject({
    field: fieldRef,
    op: z.enum(filterOps),
    value: z.union([scalarSchema, listSchema]),
  })
  .superRefine((f, ctx) => {
    const list = Array.isArray(f.value);
    if ((f.op === 'in' || f.op === 'not_in') && !list) ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a list of values for ${f.op}` });
    if (f.op !== 'in' && f.op !== 'not_in' && list) ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a single value for ${f.op} (a list is for in and not_in)` });
    if (f.op === 'like' && (typeof f.value !== 'string' || f.value.length > maxLikePattern)) ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a pattern string of at most ${maxLikePattern} characters for like` });
    // PostgreSQL refuses a pattern ending in its escape character; said here, where the path is known.
    else if (f.op === 'like' && /(?:^|[^\\])(?:\\\\)*\\$/.test(f.value as string)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'must not end with a lone backslash (a backslash escapes the next character: \\% is a literal percent sign)' });
    if (['lt', 'lte', 'gt', 'gte'].includes(f.op) && f.value === null) ctx.addIssue({ code: 'custom', path: ['value'], message: `cannot be null for ${f.op}` });
  });
export type Filter = z.infer<typeof filterSchema>;

const filterList = z.array(filterSchema).max(maxFilters);

export const orderSchema = z.strictObject({ field: fieldRef, dir: z.enum(['asc', 'desc']).default('asc') });

export const queryRequestSchema = z
  .strictObject({
    fields: z.array(fieldRef).min(1).max(1000).optional().meta({ description: 'Fields to return (default: every approved field).' }),
    filter: filterList.optional(),
    order: z.array(orderSchema).max(maxOrderFields).optional(),
    limit: z.int().min(1).max(maxLimit).optional().meta({ description: `Rows per page, 1-${maxLimit} (default ${defaultLimit}).` }),
    cursor: z.string().min(1).max(maxCursorLength).optional().meta({ description: 'The next_cursor of the previous page of the same query.' }),
  })
  .meta({ title: 'Gateway query' });
export type QueryRequest = z.infer<typeof queryRequestSchema>;

// A `__proto__` member (JSON.parse makes it an own key) is skipped when zod copies the object, so
// the write would go ahead without it: refused instead, as any other unknown field is.
const rowSchema = z.preprocess((v, ctx) => {
  if (typeof v === 'object' && v !== null && Object.hasOwn(v, '__proto__')) ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'is not a field of this resource', input: v });
  return v;
}, z.record(fieldRef, scalarSchema));
const returningSchema = z.array(fieldRef).min(1).max(1000).optional().meta({ description: 'Fields of the written rows to return (needs read access).' });

export const insertRequestSchema = z.strictObject({
  rows: z.array(rowSchema.refine((r) => Object.keys(r).length > 0, 'must set at least one field')).min(1).max(maxInsertRows),
  returning: returningSchema,
});
export type InsertRequest = z.infer<typeof insertRequestSchema>;

// A write with no filter touches every row the app may see: only when asked for in so many words.
function filterOrAll(r: { filter?: Filter[] | undefined; all?: boolean | undefined }, ctx: z.core.$RefinementCtx) {
  const hasFilter = (r.filter?.length ?? 0) > 0;
  if (!hasFilter && r.all !== true) ctx.addIssue({ code: 'custom', path: ['filter'], message: 'must hold at least one condition (or pass "all": true to change every row the app may see)' });
  if (hasFilter && r.all === true) ctx.addIssue({ code: 'custom', path: ['all'], message: 'cannot be combined with a filter' });
}

export const updateRequestSchema = z
  .strictObject({
    set: rowSchema.refine((s) => Object.keys(s).length > 0, 'must set at least one field'),
    filter: filterList.optional(),
    all: z.boolean().optional(),
    returning: returningSchema,
  })
  .superRefine(filterOrAll);
export type UpdateRequest = z.infer<typeof updateRequestSchema>;

export const deleteRequestSchema = z
  .strictObject({
    filter: filterList.optional(),
    all: z.boolean().optional(),
    returning: returningSchema,
  })
  .superRefine(filterOrAll);
export type DeleteRequest = z.infer<typeof deleteRequestSchema>;

/** `filter[1].value`, `set["first.name"]`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** Parses a body with one of the schemas above; every problem is reported, located, as `query_invalid`. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const errors: FieldError[] = parsed.error.issues.slice(0, 20).map((i) => ({ path: jsonPath(i.path), message: i.message }));
  throw queryErrors.error('query_invalid', `the request is not valid: ${errors.map((e) => `${e.path || '(body)'} ${e.message}`).join('; ')}`, { errors });
}
