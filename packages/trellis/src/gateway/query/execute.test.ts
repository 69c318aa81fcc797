/**
 * The compiled statements run against the real PostgreSQL: a scratch schema with an
 * `employees` table (dropped afterwards) stands in for an HR database. Reads run as a role
 * granted only the approved columns, so a statement that touched `ssn` would fail loudly.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl } from '../../../test/databases.ts';
import type { AppError } from '../../errors.ts';
import { compileDelete, compileInsert, compileSelect, compileUpdate, deleteRequestSchema, filterOps, insertRequestSchema, parseRequest, queryErrorFromPg, queryRequestSchema, updateRequestSchema, type QueryContext, type QueryGrant } from './index.ts';

const departments = ['Finance', 'Sales', 'HR', 'Legal', null];
const rowCount = 60;

if (postgresUrl) {
  describe('compiled queries on the real PostgreSQL', () => {
    const schema = 'q_' + randomBytes(5).toString('hex');
    const reader = 'q_reader_' + randomBytes(5).toString('hex');
    const db = new pg.Client({ connectionString: postgresUrl });
    const approved = ['id', 'name', 'email', 'department', 'salary', 'hired', 'active'];
    const cursorKey = randomBytes(32);
    const ctx = (grant: Partial<QueryGrant> = {}, subject: QueryContext['subject'] = { department: 'Finance' }): QueryContext => ({
      resource: { name: 'employees', schema, fields: [...approved, 'ssn'].map((name) => ({ name, tags: name === 'ssn' ? ['pii.ssn'] : [] })) },
      grant: { fields: approved, access: 'read-write', ...grant },
      subject,
      cursorKey,
    });

    /** Compiles and runs one page as the column-restricted role. */
    async function read(body: unknown, c = ctx()) {
      const q = compileSelect(parseRequest(queryRequestSchema, body), c);
      const r = await db.query({ text: q.text, values: q.values });
      return q.page(r.rows as Record<string, unknown>[]);
    }

    async function refusal(p: Promise<unknown>): Promise<AppError> {
      try {
        await p;
      } catch (e) {
        return e as AppError;
      }
      throw new Error('expected a refusal');
    }

    beforeAll(async () => {
      await db.connect();
      await db.query(`create schema ${schema}`);
      await db.query(`create table ${schema}.employees (id serial primary key, name text not null, email text, department text, salary integer, hired date, active boolean not null default true, ssn text)`);
      for (let i = 1; i <= rowCount; i++) {
        // Few distinct names, salaries and dates: the orders below are full of ties, and of NULLs.
        await db.query(`insert into ${schema}.employees (name, email, department, salary, hired, active, ssn) values ($1, $2, $3, $4, $5, $6, $7)`, [
          ['Ana', 'Bo', 'Cy', "O'Brien"][i % 4],
          `person${i}@example.com`,
          departments[i % departments.length],
          i % 6 === 0 ? null : (i % 3) * 1000,
          `2020-0${(i % 5) + 1}-01`,
          i % 2 === 0,
          `123-45-${String(1000 + i).slice(1)}`,
        ]);
      }
      await db.query(`create role ${reader} nologin`);
      await db.query(`grant usage on schema ${schema} to ${reader}`);
      await db.query(`grant select (${approved.join(', ')}), insert (${approved.join(', ')}), update (${approved.join(', ')}) on ${schema}.employees to ${reader}`);
      await db.query(`grant delete on ${schema}.employees to ${reader}`);
      await db.query(`grant usage on sequence ${schema}.employees_id_seq to ${reader}`);
      await db.query(`set role ${reader}`);
    });
    afterAll(async () => {
      await db.query('reset role');
      await db.query(`drop schema if exists ${schema} cascade`);
      await db.query(`drop role if exists ${reader}`);
      await db.end();
    });

    it('returns only the asked-for approved fields, and refuses ssn however it is asked for', async () => {
      const page = await read({ fields: ['id', 'email'], limit: 3 });
      expect(page.rows).toEqual([1, 2, 3].map((id) => ({ id, email: `person${id}@example.com` })));
      const all = await read({ limit: 1 });
      expect(Object.keys(all.rows[0]!)).toEqual(approved);
      for (const body of [{ fields: ['ssn'] }, { filter: [{ field: 'ssn', op: 'like', value: '123%' }] }, { order: [{ field: 'ssn' }] }]) {
        expect((await refusal(read(body))).code).toBe('query_field_not_allowed');
      }
    });

    it('treats values that try SQL as values', async () => {
      for (const value of ["x' OR '1'='1", `'; DROP TABLE ${schema}.employees; --`, 'Finance" OR "1"="1', '\\', '$1']) {
        expect((await read({ filter: [{ field: 'department', op: 'eq', value }] })).rows).toEqual([]);
        expect((await read({ filter: [{ field: 'department', op: 'in', value: [value, value] }] })).rows).toEqual([]);
      }
      expect((await read({ filter: [{ field: 'name', op: 'like', value: "%' OR '1'='1" }] })).rows).toEqual([]);
      // A quote inside a value matches the value with the quote, nothing more.
      expect((await read({ fields: ['name'], filter: [{ field: 'name', op: 'eq', value: "O'Brien" }], limit: 1000 })).rows).toHaveLength(rowCount / 4);
      expect((await read({ fields: ['name'], filter: [{ field: 'name', op: 'like', value: 'O\\_%' }] })).rows).toEqual([]);
      // Text where a number is stored fails in the database as a data error, coded without PostgreSQL's text.
      const typo = compileSelect(parseRequest(queryRequestSchema, { filter: [{ field: 'id', op: 'eq', value: '1 OR 1=1' }] }), ctx());
      const err = await db.query({ text: typo.text, values: typo.values }).catch((e: unknown) => e);
      expect(queryErrorFromPg(err)).toMatchObject({ code: 'query_value_invalid' });
      await db.query('reset role');
      expect((await db.query(`select count(*)::int as n from ${schema}.employees`)).rows[0]).toEqual({ n: rowCount });
      await db.query(`set role ${reader}`);
    });

    it('refuses field names and sort directions that try SQL before any SQL is written', async () => {
      const attempts: [unknown, string, string][] = [
        [{ fields: [`name" FROM ${schema}.employees; DROP TABLE ${schema}.employees; --`] }, 'query_field_not_allowed', 'fields[0]'],
        [{ filter: [{ field: 'ssn" IS NOT NULL OR "id', op: 'eq', value: 1 }] }, 'query_field_not_allowed', 'filter[0].field'],
        [{ order: [{ field: '(SELECT ssn)' }] }, 'query_field_not_allowed', 'order[0].field'],
        [{ order: [{ field: 'name', dir: 'asc, (SELECT 1/0)' }] }, 'query_invalid', 'order[0].dir'],
        [{ filter: [{ field: 'name', op: 'eq) OR (1=1', value: 'x' }] }, 'query_invalid', 'filter[0].op'],
      ];
      for (const [body, code, path] of attempts) expect(await refusal(read(body))).toMatchObject({ code, errors: [{ path }] });
      expect((await read({ fields: ['id'], limit: 1000 })).rows).toHaveLength(rowCount);
    });

    it("applies the app's row filter, with the caller's department for $subject.department", async () => {
      const rowFilters = [{ field: 'department', op: 'eq' as const, value: '$subject.department' }];
      const finance = await read({ fields: ['id', 'department'], limit: 1000 }, ctx({ rowFilters }));
      expect(finance.rows.length).toBe(rowCount / departments.length);
      expect(new Set(finance.rows.map((r) => r.department))).toEqual(new Set(['Finance']));
      // A request filter cannot widen it: an OR lives inside one value and the filters are ANDed.
      expect((await read({ filter: [{ field: 'department', op: 'eq', value: 'Sales' }] }, ctx({ rowFilters }))).rows).toEqual([]);
      const sales = await read({ fields: ['department'], limit: 1000 }, ctx({ rowFilters }, { department: 'Sales' }));
      expect(new Set(sales.rows.map((r) => r.department))).toEqual(new Set(['Sales']));
      expect((await refusal(read({}, ctx({ rowFilters }, { location: 'Paris' })))).code).toBe('query_row_filter_unresolved');
      expect((await refusal(read({}, ctx({ rowFilters }, null)))).code).toBe('query_row_filter_unresolved');
    });

    it('walks every row exactly once, page by page, whatever the order and however tied or NULL', async () => {
      const orders = [[], [{ field: 'department' }], [{ field: 'salary', dir: 'desc' }], [{ field: 'hired' }, { field: 'name', dir: 'desc' }], [{ field: 'active', dir: 'desc' }, { field: 'salary' }, { field: 'department', dir: 'desc' }], [{ field: 'id', dir: 'desc' }]];
      for (const order of orders) {
        for (const filter of [[], [{ field: 'salary', op: 'gte', value: 1000 }]]) {
          const whole = await read({ fields: ['id'], order, filter, limit: 1000 });
          expect(whole.hasMore).toBe(false);
          const walked: unknown[] = [];
          let cursor: string | undefined;
          for (let pages = 0; pages < 100; pages++) {
            const page = await read({ fields: ['id'], order, filter, limit: 7, ...(cursor ? { cursor } : {}) });
            walked.push(...page.rows.map((r) => r.id));
            if (!page.nextCursor) break;
            expect(page.rows).toHaveLength(7);
            cursor = page.nextCursor;
          }
          expect(walked, JSON.stringify({ order, filter })).toEqual(whole.rows.map((r) => r.id));
          expect(new Set(walked).size).toBe(walked.length);
        }
      }
      expect((await read({ fields: ['id'], limit: 1000 })).rows).toHaveLength(rowCount);
    });

    it("refuses another query's cursor and a forged one", async () => {
      const first = await read({ fields: ['id'], order: [{ field: 'salary' }], limit: 5 });
      expect(first.nextCursor).not.toBeNull();
      expect((await read({ fields: ['id'], order: [{ field: 'salary' }], limit: 5, cursor: first.nextCursor })).rows).toHaveLength(5);
      expect((await refusal(read({ fields: ['id'], order: [{ field: 'salary', dir: 'desc' }], cursor: first.nextCursor }))).code).toBe('query_cursor_invalid');
      expect((await refusal(read({ fields: ['id', 'name'], order: [{ field: 'salary' }], cursor: first.nextCursor }))).code).toBe('query_cursor_invalid');
      const forged = Buffer.from(JSON.stringify({ v: 1, k: ["0' OR 1=1 --", '0'] })).toString('base64url');
      expect((await refusal(read({ fields: ['id'], order: [{ field: 'salary' }], cursor: forged }))).code).toBe('query_cursor_invalid');
    });

    it('writes inside the row filter only', async () => {
      const rowFilters = [{ field: 'department', op: 'eq' as const, value: '$subject.department' }];
      const c = ctx({ rowFilters });
      const run = async (q: { text: string; values: unknown[] }) => db.query({ text: q.text, values: q.values });
      await db.query('begin');
      try {
        const inserted = await run(compileInsert(parseRequest(insertRequestSchema, { rows: [{ name: 'New', department: 'Finance', salary: 5 }, { name: 'Newer', department: 'Finance' }], returning: ['id', 'active'] }), c));
        expect(inserted.rows).toEqual([
          { id: rowCount + 1, active: true },
          { id: rowCount + 2, active: true },
        ]);
        const updated = await run(compileUpdate(parseRequest(updateRequestSchema, { set: { salary: 7 }, all: true }), c));
        expect(updated.rowCount).toBe(rowCount / departments.length + 2);
        const deleted = await run(compileDelete(parseRequest(deleteRequestSchema, { filter: [{ field: 'name', op: 'in', value: ['Ana', 'New'] }], returning: ['id', 'department'] }), c));
        expect(deleted.rows.length).toBeGreaterThan(0);
        expect(new Set(deleted.rows.map((r: { department: string }) => r.department))).toEqual(new Set(['Finance']));
        await db.query('reset role');
        const counts = (await db.query(`select department, count(*)::int as n, count(*) filter (where salary = 7)::int as seven from ${schema}.employees group by 1`)).rows as { department: string | null; n: number; seven: number }[];
        await db.query(`set role ${reader}`);
        for (const r of counts) if (r.department !== 'Finance') expect(r).toEqual({ department: r.department, n: rowCount / departments.length, seven: 0 });
        // The written column list is checked as well as the read one: ssn cannot be written.
        expect((await refusal(Promise.resolve().then(() => compileUpdate(parseRequest(updateRequestSchema, { set: { ssn: '000-00-0000' }, all: true }), c)))).code).toBe('query_field_not_allowed');
      } finally {
        await db.query('rollback');
        await db.query(`set role ${reader}`);
      }
    });

    it('compiles random requests to SQL PostgreSQL accepts, or refuses them with a coded error', async () => {
      // Mostly well-formed, so that many requests reach the database; each part sometimes hostile.
      const sometimes = <T, U>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) => fc.oneof({ arbitrary: usual, weight: 12 }, { arbitrary: odd, weight: 1 });
      const fieldName = sometimes(fc.constantFrom(...approved), fc.oneof(fc.constantFrom('ssn', 'nope', 'na"me', 'id; --', ''), fc.string({ maxLength: 8 })));
      const fieldList = sometimes(fc.uniqueArray(fc.constantFrom(...approved), { minLength: 1, maxLength: 4 }), fc.array(fieldName, { maxLength: 4 }));
      const scalar = fc.oneof(
        fc.string({ maxLength: 12, unit: 'binary' }),
        fc.constantFrom("' OR 1=1 --", '%', '_', '\\', '\\\\', '"', '$1', 'Finance', '2020-01-01', 'true', '{1,2}', 'NULL', 'O\\_%'),
        fc.integer(),
        fc.integer({ min: 0, max: 3000 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
      );
      // A value of the field's type in the database (usual), or anything at all (odd).
      const typed: Record<string, fc.Arbitrary<unknown>> = {
        id: fc.integer({ min: 0, max: 70 }),
        salary: fc.constantFrom(0, 1000, 2000, 2500),
        hired: fc.constantFrom('2020-01-01', '2020-03-01', '2021-12-31'),
        active: fc.boolean(),
        name: fc.constantFrom('Ana', 'Bo', "O'Brien", "' OR 1=1 --"),
        email: fc.string({ maxLength: 12, unit: 'binary' }),
        department: fc.constantFrom('Finance', 'Sales', 'HR', '$subject.department'),
      };
      const valueFor = (field: string, op: string): fc.Arbitrary<unknown> => {
        const one = typed[field] ?? scalar;
        if (op === 'in' || op === 'not_in') return fc.array(one, { maxLength: 4 });
        if (op === 'like') return fc.constantFrom('%', 'A%', '_o%', '%\\%%', "%' OR '1'='1");
        return one;
      };
      const filter = sometimes(
        fc
          .tuple(fc.constantFrom(...approved), fc.constantFrom(...filterOps))
          .chain(([field, op]) => fc.record({ field: fc.constant(field), op: fc.constant<string>(op), value: valueFor(field, op) }))
          .filter((f) => f.value !== null || !['lt', 'lte', 'gt', 'gte'].includes(f.op)),
        fc.record({ field: fieldName, op: fc.constantFrom<string>(...filterOps, 'regex'), value: fc.oneof(scalar, fc.array(scalar, { maxLength: 4 })) as fc.Arbitrary<unknown> }),
      );
      const filters = fc.array(filter, { maxLength: 3 });
      const order = fc.record({ field: fieldName, dir: sometimes(fc.constantFrom('asc', 'desc'), fc.constantFrom('ASC', 'sideways', 'asc; --')) }, { requiredKeys: ['field'] });
      const row = sometimes(
        fc.uniqueArray(fc.constantFrom(...approved.filter((f) => f !== 'id')), { minLength: 1, maxLength: 4 }).chain((fields) => fc.tuple(...fields.map((f) => typed[f]!.map((v) => [f, v] as const))).map((entries) => Object.fromEntries(entries))),
        fc.dictionary(fieldName, scalar, { minKeys: 1, maxKeys: 4 }),
      );
      const select = fc.record(
        {
          fields: fieldList,
          filter: filters,
          order: sometimes(fc.uniqueArray(order, { maxLength: 4, selector: (o) => o.field }), fc.array(order, { maxLength: 5 })),
          limit: sometimes(fc.integer({ min: 1, max: 60 }), fc.integer({ min: -2, max: 1100 })),
          cursor: sometimes(fc.constant(undefined), fc.string({ maxLength: 20 })),
        },
        { requiredKeys: [] },
      );
      const request = fc.oneof(
        fc.record({ op: fc.constant('select' as const), body: select }),
        fc.record({ op: fc.constant('insert' as const), body: fc.record({ rows: fc.array(row, { minLength: 1, maxLength: 3 }), returning: fc.option(fieldList, { nil: undefined }) }) }),
        fc.record({ op: fc.constant('update' as const), body: sometimes(fc.record({ set: row, filter: fc.array(filter, { minLength: 1, maxLength: 3 }) }), fc.record({ set: row, filter: filters, all: fc.option(fc.boolean(), { nil: undefined }) })) }),
        fc.record({ op: fc.constant('delete' as const), body: fc.record({ filter: sometimes(fc.array(filter, { minLength: 1, maxLength: 3 }), filters), returning: fc.option(fieldList, { nil: undefined }) }) }),
      );
      const grant = fc.record({
        access: sometimes(fc.constant('read-write'), fc.constantFrom('read', 'write')) as fc.Arbitrary<QueryGrant['access']>,
        rowFilters: fc.array(
          sometimes(
            fc.constantFrom('eq', 'ne', 'in', 'not_in', 'lt', 'gte').chain((op) =>
              fc.record({
                field: fc.constantFrom('department', 'salary', 'hired', 'active'),
                op: fc.constant(op as 'eq'),
                value: op === 'in' || op === 'not_in' ? fc.array(fc.constantFrom('$subject.groups', 'HR', 2000), { maxLength: 3 }) : fc.constantFrom('$subject.department', 'Sales', 1000, '2020-02-01'),
              }),
            ),
            fc.record({ field: fc.constantFrom('department', 'salary'), op: fc.constantFrom('eq', 'in') as fc.Arbitrary<'eq'>, value: fc.constantFrom('$subject.missing', '$subject.groups') }),
          ),
          { maxLength: 2 },
        ),
      });
      const outcomes = { refused: 0, ran: 0, dataError: 0 };
      /** Runs a statement; PostgreSQL may object to a value (class 22 or 23), never to the SQL itself. */
      const execute = async (q: { text: string; values: unknown[] }) => {
        try {
          const r = await db.query({ text: q.text, values: q.values });
          outcomes.ran++;
          return r;
        } catch (e) {
          if (!queryErrorFromPg(e)) throw new Error(`PostgreSQL refused compiled SQL: ${(e as { code?: string }).code} ${(e as Error).message}\n${q.text}`, { cause: e });
          outcomes.dataError++;
          return undefined;
        }
      };
      await fc.assert(
        fc.asyncProperty(request, grant, async ({ op, body }, g) => {
          const c = ctx(g, { department: 'Finance', groups: ['HR', 'Sales'] });
          await db.query('begin');
          try {
            if (op === 'select') {
              const q = compileSelect(parseRequest(queryRequestSchema, body), c);
              const r = await execute(q);
              const page = r ? q.page(r.rows as Record<string, unknown>[]) : undefined;
              // The next page's statement is valid SQL too.
              if (page?.nextCursor) await execute(compileSelect(parseRequest(queryRequestSchema, { ...body, cursor: page.nextCursor }), c));
            }
            if (op === 'insert') await execute(compileInsert(parseRequest(insertRequestSchema, body), c));
            if (op === 'update') await execute(compileUpdate(parseRequest(updateRequestSchema, body), c));
            if (op === 'delete') await execute(compileDelete(parseRequest(deleteRequestSchema, body), c));
          } catch (e) {
            if (!String((e as AppError).code).startsWith('query_')) throw e;
            outcomes.refused++;
          } finally {
            await db.query('rollback');
          }
        }),
        { numRuns: 500, seed: 13 },
      );
      // Both sides were exercised.
      expect(outcomes.ran).toBeGreaterThan(100);
      expect(outcomes.refused).toBeGreaterThan(100);
      expect(outcomes.dataError).toBeGreaterThan(10);
    });
  });
}
