/**
 * Compilation without a database: which SQL and values a request becomes, and which requests
 * are refused with which code and path. Execution against PostgreSQL is in execute.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../errors.ts';
import { compileDelete, compileInsert, compileSelect, compileUpdate, requiredColumns, deleteRequestSchema, insertRequestSchema, parseRequest, queryErrorFromPg, queryRequestSchema, updateRequestSchema, type QueryContext } from './index.ts';

const ctx = (over: Partial<QueryContext> = {}, grant: Partial<QueryContext['grant']> = {}): QueryContext => ({
  resource: { name: 'employees', schema: 'hr', fields: ['id', 'name', 'email', 'department', 'ssn', 'salary'].map((name) => ({ name })) },
  grant: { fields: ['id', 'name', 'email', 'department', 'salary'], access: 'read-write', ...grant },
  subject: { department: 'Finance', groups: ['payroll', 'staff'] },
  cursorKey: randomBytes(32),
  ...over,
});

const select = (body: unknown, c = ctx()) => compileSelect(parseRequest(queryRequestSchema, body), c);

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a refusal');
}

describe('compileSelect', () => {
  it('selects every approved field by default, ordered by the key, fetching one row more than the page', () => {
    const q = select({});
    expect(q.text).toBe('SELECT "id", "name", "email", "department", "salary", "id"::text AS "#0" FROM "hr"."employees" ORDER BY "id" ASC NULLS LAST LIMIT $1');
    expect(q.values).toEqual([51]);
    expect(q.fields).toEqual(['id', 'name', 'email', 'department', 'salary']);
  });

  it('puts every value in a parameter and ANDs the row filters after the request filters', () => {
    const q = select(
      { fields: ['name'], filter: [{ field: 'name', op: 'like', value: "A%' OR 1=1 --" }, { field: 'salary', op: 'in', value: [1, 2] }, { field: 'email', op: 'eq', value: null }], order: [{ field: 'salary', dir: 'desc' }], limit: 10 },
      ctx({}, { rowFilters: [{ field: 'department', op: 'eq', value: '$subject.department' }] }),
    );
    expect(q.text).toBe(
      'SELECT "name", "salary"::text AS "#0", "id"::text AS "#1" FROM "hr"."employees" WHERE ("name"::text LIKE $1) AND ("salary" = ANY($2)) AND ("email" IS NULL) AND ("department" = $3) ORDER BY "salary" DESC NULLS LAST, "id" ASC NULLS LAST LIMIT $4',
    );
    expect(q.values).toEqual(["A%' OR 1=1 --", [1, 2], 'Finance', 11]);
  });

  it('refuses a field outside the approved ones wherever it is named, with its JSON path', () => {
    for (const [body, path] of [
      [{ fields: ['name', 'ssn'] }, 'fields[1]'],
      [{ filter: [{ field: 'name', op: 'eq', value: 'x' }, { field: 'ssn', op: 'like', value: '1%' }] }, 'filter[1].field'],
      [{ order: [{ field: 'ssn' }] }, 'order[0].field'],
    ] as const) {
      const err = refusal(() => select(body));
      expect(err).toMatchObject({ code: 'query_field_not_allowed', status: 403, errors: [{ path }] });
      expect(err.message).toContain('"ssn" is not among the app\'s approved fields');
    }
    // A name the catalog does not know is refused without being echoed.
    const unknown = refusal(() => select({ fields: ['name"; DROP TABLE employees; --'] }));
    expect(unknown).toMatchObject({ code: 'query_field_not_allowed', errors: [{ path: 'fields[0]', message: 'is not a field of resource employees' }] });
    expect(unknown.message).not.toContain('DROP');
  });

  it('refuses malformed requests as query_invalid, naming each place', () => {
    const cases: [unknown, string][] = [
      [{ limit: 5000 }, 'limit'],
      [{ limit: 0 }, 'limit'],
      [{ order: [{ field: 'name', dir: 'asc; DROP TABLE x' }] }, 'order[0].dir'],
      [{ order: ['a', 'b', 'c', 'd', 'e'].map((field) => ({ field })) }, 'order'],
      [{ filter: [{ field: 'name', op: 'regex', value: 'x' }] }, 'filter[0].op'],
      [{ filter: [{ field: 'name', op: 'in', value: 'x' }] }, 'filter[0].value'],
      [{ filter: [{ field: 'name', op: 'eq', value: ['x'] }] }, 'filter[0].value'],
      [{ filter: [{ field: 'name', op: 'like', value: 'x'.repeat(257) }] }, 'filter[0].value'],
      [{ filter: [{ field: 'name', op: 'lt', value: null }] }, 'filter[0].value'],
      [{ filter: [{ field: 'name', op: 'eq', value: { $gt: 1 } }] }, 'filter[0].value'],
      [{ filter: [{ field: 'name', op: 'eq', value: 'a\0b' }] }, 'filter[0].value'],
      [{ filter: [{ field: 'name', op: 'in', value: Array.from({ length: 1001 }, () => 1) }] }, 'filter[0].value'],
      [{ filter: [{ field: 'name', op: 'eq', value: 'x'.repeat(10_001) }] }, 'filter[0].value'],
      [{ sql: 'select 1' }, ''],
    ];
    for (const [body, path] of cases) {
      const err = refusal(() => select(body));
      expect(err.code, JSON.stringify(body).slice(0, 80)).toBe('query_invalid');
      expect(err.errors?.map((e) => e.path)).toContain(path);
    }
    expect(refusal(() => select({ fields: ['name', 'name'] }))).toMatchObject({ code: 'query_invalid', errors: [{ path: 'fields[1]' }] });
    expect(refusal(() => select({ order: [{ field: 'name' }, { field: 'name', dir: 'desc' }] }))).toMatchObject({ code: 'query_invalid', errors: [{ path: 'order[1].field' }] });
  });

  it('denies when a $subject row filter cannot be resolved, never dropping it', () => {
    const rowFilters = [{ field: 'department', op: 'eq' as const, value: '$subject.department' }];
    expect(refusal(() => select({}, ctx({ subject: null }, { rowFilters })))).toMatchObject({ code: 'query_row_filter_unresolved', status: 403, errors: [{ path: 'rowFilters[0]' }] });
    expect(refusal(() => select({}, ctx({ subject: { department: null } }, { rowFilters })))).toMatchObject({ code: 'query_row_filter_unresolved' });
    expect(refusal(() => select({}, ctx({ subject: {} }, { rowFilters })))).toMatchObject({ code: 'query_row_filter_unresolved' });
    // Prototype names are not attributes.
    expect(refusal(() => select({}, ctx({ subject: {} }, { rowFilters: [{ field: 'department', op: 'eq', value: '$subject.constructor' }] })))).toMatchObject({ code: 'query_row_filter_unresolved' });
    // A list attribute cannot stand in for one value, but it can for a list.
    expect(refusal(() => select({}, ctx({}, { rowFilters: [{ field: 'department', op: 'eq', value: '$subject.groups' }] })))).toMatchObject({ code: 'query_row_filter_unresolved' });
    expect(select({}, ctx({}, { rowFilters: [{ field: 'department', op: 'in', value: ['$subject.groups', 'all'] }] })).values).toEqual([['payroll', 'staff', 'all'], 51]);
    // A row filter on a field the catalog does not list is a deny too.
    expect(refusal(() => select({}, ctx({}, { rowFilters: [{ field: 'region', op: 'eq', value: 'EU' }] })))).toMatchObject({ code: 'query_row_filter_unresolved' });
  });

  it('filters on a row-filter field even when the app may not read it', () => {
    const q = select({ fields: ['name'] }, ctx({}, { fields: ['id', 'name'], rowFilters: [{ field: 'department', op: 'ne', value: 'Legal' }] }));
    expect(q.text).toContain('WHERE ("department" <> $1)');
  });

  it('needs read access', () => {
    expect(refusal(() => select({}, ctx({}, { access: 'write' })))).toMatchObject({ code: 'query_access_denied', status: 403 });
  });

  it('quotes schema-qualified names and identifiers with double quotes doubled', () => {
    const q = select({ fields: ['we"ird'] }, ctx({ resource: { name: 'pay.roll"s', fields: [{ name: 'we"ird' }], key: ['we"ird'] } }, { fields: ['we"ird'] }));
    expect(q.text).toBe('SELECT "we""ird", "we""ird"::text AS "#0" FROM "pay"."roll""s" ORDER BY "we""ird" ASC NULLS LAST LIMIT $1');
  });

  it('without a key, orders only as asked, reports more rows and refuses a cursor', () => {
    const c = ctx({ resource: { name: 'log', fields: [{ name: 'msg' }] } }, { fields: ['msg'] });
    const q = select({ limit: 2 }, c);
    expect(q.text).toBe('SELECT "msg" FROM "log" LIMIT $1');
    expect(q.page([{ msg: 'a' }, { msg: 'b' }, { msg: 'c' }])).toEqual({ rows: [{ msg: 'a' }, { msg: 'b' }], nextCursor: null, hasMore: true });
    expect(refusal(() => select({ cursor: 'abc' }, c))).toMatchObject({ code: 'query_cursor_invalid', errors: [{ path: 'cursor' }] });
  });

  it('issues a cursor only when another page follows, and strips the sort columns from rows', () => {
    const c = ctx();
    const q = select({ fields: ['name'], limit: 2 }, c);
    expect(q.page([{ name: 'a', '#0': '1' }, { name: 'b', '#0': '2' }])).toEqual({ rows: [{ name: 'a' }, { name: 'b' }], nextCursor: null, hasMore: false });
    const page = q.page([{ name: 'a', '#0': '1' }, { name: 'b', '#0': '2' }, { name: 'c', '#0': '3' }]);
    expect(page.hasMore).toBe(true);
    expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    // The cursor does not show the key's values (the key need not be an approved field).
    expect(Buffer.from(page.nextCursor!, 'base64url').toString('latin1')).not.toContain('"2"');
    const next = select({ fields: ['name'], limit: 5, cursor: page.nextCursor }, c);
    expect(next.text).toContain('WHERE ((("id" > $1 OR "id" IS NULL)))');
    expect(next.values).toEqual(['2', 6]);
  });

  it('pages on long sort values', () => {
    const c = ctx();
    const long = 'x'.repeat(9000);
    const cursor = select({ fields: ['name'], order: [{ field: 'name' }], limit: 1 }, c).page([{ name: long, '#0': long, '#1': '1' }, { name: long, '#0': long, '#1': '2' }]).nextCursor!;
    expect(select({ fields: ['name'], order: [{ field: 'name' }], limit: 1, cursor }, c).values).toEqual([long, long, '1', 2]);
  });

  it('refuses a cursor from another query, another key or altered', () => {
    const c = ctx();
    const cursor = select({ fields: ['name'], limit: 1 }, c).page([{ name: 'a', '#0': '1' }, { name: 'b', '#0': '2' }]).nextCursor!;
    const refused = (body: unknown, cc = c) => refusal(() => select(body, cc)).code;
    expect(refused({ fields: ['name', 'email'], cursor })).toBe('query_cursor_invalid');
    expect(refused({ fields: ['name'], filter: [{ field: 'name', op: 'ne', value: 'x' }], cursor })).toBe('query_cursor_invalid');
    expect(refused({ fields: ['name'], order: [{ field: 'name' }], cursor })).toBe('query_cursor_invalid');
    expect(refused({ fields: ['name'], cursor }, { ...c, cursorKey: randomBytes(32) })).toBe('query_cursor_invalid');
    expect(refused({ fields: ['name'], cursor }, { ...c, grant: { ...c.grant, rowFilters: [{ field: 'department', op: 'eq', value: 'Sales' }] } })).toBe('query_cursor_invalid');
    const flipped = cursor.slice(0, 10) + (cursor[10] === 'A' ? 'B' : 'A') + cursor.slice(11);
    expect(refused({ fields: ['name'], cursor: flipped })).toBe('query_cursor_invalid');
    expect(refused({ fields: ['name'], cursor: "' OR 1=1 --" })).toBe('query_cursor_invalid');
    expect(refused({ fields: ['name'], cursor: Buffer.from(JSON.stringify({ v: 1, k: ['0'] })).toString('base64url') })).toBe('query_cursor_invalid');
    // The page size is not part of the shape: the next page may be longer.
    expect(select({ fields: ['name'], limit: 100, cursor }, c).values).toEqual(['1', 101]);
  });
});

describe('writes', () => {
  const rowFilters = [{ field: 'department', op: 'eq' as const, value: '$subject.department' }];

  it('inserts rows with one column list, DEFAULT where a row leaves a column out', () => {
    const q = compileInsert(parseRequest(insertRequestSchema, { rows: [{ name: 'A', department: 'Finance' }, { department: 'Finance', email: 'b@x' }], returning: ['id'] }), ctx({}, { rowFilters }));
    expect(q).toEqual({ text: 'INSERT INTO "hr"."employees" ("name", "department", "email") VALUES ($1, $2, DEFAULT), (DEFAULT, $3, $4) RETURNING "id"', values: ['A', 'Finance', 'Finance', 'b@x'], fields: ['id'] });
  });

  it('refuses inserted rows outside the row filter, or leaving its field unset', () => {
    const c = ctx({}, { rowFilters });
    const insert = (rows: unknown) => refusal(() => compileInsert(parseRequest(insertRequestSchema, { rows }), c));
    expect(insert([{ name: 'A', department: 'Finance' }, { name: 'B', department: 'Sales' }])).toMatchObject({ code: 'query_row_filter_violated', errors: [{ path: 'rows[1].department' }] });
    expect(insert([{ name: 'A' }])).toMatchObject({ code: 'query_row_filter_violated', errors: [{ path: 'rows[0].department' }] });
    expect(insert([{ name: 'A', department: 'Finance', ssn: '1' }])).toMatchObject({ code: 'query_field_not_allowed', errors: [{ path: 'rows[0].ssn' }] });
    expect(insert(Array.from({ length: 501 }, () => ({ name: 'x' })))).toMatchObject({ code: 'query_invalid', errors: [{ path: 'rows' }] });
  });

  it('judges other row filter operators as PostgreSQL would', () => {
    const insert = (rf: QueryContext['grant']['rowFilters'], row: Record<string, unknown>) => compileInsert(parseRequest(insertRequestSchema, { rows: [row] }), ctx({}, { rowFilters: rf }));
    expect(() => insert([{ field: 'salary', op: 'lt', value: 100 }], { salary: 99 })).not.toThrow();
    expect(refusal(() => insert([{ field: 'salary', op: 'lt', value: 100 }], { salary: 100 })).code).toBe('query_row_filter_violated');
    expect(refusal(() => insert([{ field: 'name', op: 'gt', value: 'm' }], { name: 'z' })).code).toBe('query_row_filter_violated');
    expect(() => insert([{ field: 'department', op: 'in', value: ['$subject.groups'] }], { department: 'staff' })).not.toThrow();
    expect(refusal(() => insert([{ field: 'department', op: 'not_in', value: ['Legal'] }], { department: null })).code).toBe('query_row_filter_violated');
    expect(refusal(() => insert([{ field: 'department', op: 'ne', value: 'Legal' }], { department: 'Legal' })).code).toBe('query_row_filter_violated');
  });

  it('updates within the row filter and may not move a row out of it', () => {
    const c = ctx({}, { rowFilters });
    const q = compileUpdate(parseRequest(updateRequestSchema, { set: { salary: 10 }, filter: [{ field: 'id', op: 'eq', value: 3 }] }), c);
    expect(q).toEqual({ text: 'UPDATE "hr"."employees" SET "salary" = $1 WHERE ("id" = $2) AND ("department" = $3)', values: [10, 3, 'Finance'], fields: [] });
    expect(refusal(() => compileUpdate(parseRequest(updateRequestSchema, { set: { department: 'Sales' }, all: true }), c))).toMatchObject({ code: 'query_row_filter_violated', errors: [{ path: 'set.department' }] });
    expect(refusal(() => compileUpdate(parseRequest(updateRequestSchema, { set: { ssn: 'x' }, all: true }), c))).toMatchObject({ code: 'query_field_not_allowed', errors: [{ path: 'set.ssn' }] });
    expect(refusal(() => parseRequest(updateRequestSchema, JSON.parse('{"set":{"__proto__":"x","name":"a"},"all":true}')))).toMatchObject({ code: 'query_invalid' });
  });

  it('needs a filter or "all": true to update or delete, and keeps the row filter either way', () => {
    expect(refusal(() => parseRequest(deleteRequestSchema, {}))).toMatchObject({ code: 'query_invalid', errors: [{ path: 'filter' }] });
    expect(refusal(() => parseRequest(deleteRequestSchema, { filter: [] }))).toMatchObject({ code: 'query_invalid', errors: [{ path: 'filter' }] });
    expect(refusal(() => parseRequest(updateRequestSchema, { set: { name: 'x' } }))).toMatchObject({ code: 'query_invalid', errors: [{ path: 'filter' }] });
    expect(refusal(() => parseRequest(updateRequestSchema, { set: {}, all: true }))).toMatchObject({ code: 'query_invalid', errors: [{ path: 'set' }] });
    expect(compileDelete(parseRequest(deleteRequestSchema, { all: true }), ctx({}, { rowFilters })).text).toBe('DELETE FROM "hr"."employees" WHERE ("department" = $1)');
    expect(compileDelete(parseRequest(deleteRequestSchema, { all: true }), ctx()).text).toBe('DELETE FROM "hr"."employees"');
  });

  it('needs write access, and read access to return rows', () => {
    expect(refusal(() => compileDelete(parseRequest(deleteRequestSchema, { all: true }), ctx({}, { access: 'read' })))).toMatchObject({ code: 'query_access_denied' });
    expect(refusal(() => compileDelete(parseRequest(deleteRequestSchema, { all: true, returning: ['id'] }), ctx({}, { access: 'write' })))).toMatchObject({ code: 'query_access_denied', errors: [{ path: 'returning' }] });
  });
});

describe('requiredColumns', () => {
  it('lists what a leased role must read: approved fields, row-filter fields and the key, never other columns', () => {
    const c = ctx({}, { fields: ['name', 'email'], access: 'read', rowFilters: [{ field: 'department', op: 'eq', value: '$subject.department' }] });
    expect(requiredColumns(c.resource, c.grant)).toEqual({ read: ['id', 'name', 'email', 'department'], write: [] });
    const w = ctx({}, { fields: ['name'], access: 'read-write' });
    expect(requiredColumns({ ...w.resource, key: ['email'] }, w.grant)).toEqual({ read: ['name', 'email'], write: ['name'] });
  });
});

describe('queryErrorFromPg', () => {
  it("turns the caller's data mistakes into coded errors without PostgreSQL's message, and leaves the rest alone", () => {
    expect(queryErrorFromPg({ code: '22P02', message: 'invalid input syntax for type integer: "secret"' })).toMatchObject({ code: 'query_value_invalid', status: 400 });
    expect(queryErrorFromPg({ code: '22P02', message: 'invalid input syntax for type integer: "secret"' })!.message).not.toContain('secret');
    expect(queryErrorFromPg({ code: '23505' })).toMatchObject({ code: 'query_constraint_violated', status: 409 });
    expect(queryErrorFromPg({ code: '42601' })).toBeUndefined();
    expect(queryErrorFromPg(new Error('x'))).toBeUndefined();
  });
});
