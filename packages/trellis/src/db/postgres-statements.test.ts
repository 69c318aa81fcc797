import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { testDatabases, postgresUrl } from '../../test/databases.ts';
import { nameStatements } from './postgres-statements.ts';

// PostgreSQL only (when TRELLIS_TEST_DATABASE_URL is set); SQLite's statement cache is tested in sqlite-driver.test.ts.
for (const tdb of testDatabases.filter((d) => d.name === 'postgres')) {
  describe('PostgreSQL prepared statements', () => {
    it('prepares a parameterised query once per connection and reuses it; never a select *', async () => {
      const database = await tdb.open();
      try {
        const prepared = await database.db.transaction().execute(async (tx) => {
          // One transaction keeps one connection, so its prepared statements are visible here.
          for (let i = 0; i < 3; i++) await tx.selectFrom('catalog_apps').select(['name', 'status']).where('name', '=', `app-${i}`).execute();
          await tx.selectFrom('catalog_apps').selectAll().where('name', '=', 'x').execute();
          const r = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements where not from_sql`.execute(tx);
          return r.rows;
        });
        const ours = prepared.filter((p) => p.statement.includes('catalog_apps'));
        expect(ours).toHaveLength(1);
        expect(ours[0]!.name).toMatch(/^t_[0-9a-f]{24}$/);
        expect(ours[0]!.statement).toContain('"status"');
      } finally {
        await database.close();
      }
    });

    it('names a query given as one config object (pg.Pool#query), keeping its other options', async () => {
      const pool = new pg.Pool({ connectionString: postgresUrl, max: 1 });
      pool.on('connect', nameStatements);
      try {
        for (let i = 0; i < 3; i++) {
          const r = await pool.query({ text: 'select $1::int + 1 as n', values: [i], query_timeout: 5000 } as pg.QueryConfig);
          expect(r.rows).toEqual([{ n: i + 1 }]);
        }
        // The pool's one connection holds the statement, prepared once.
        const r = await pool.query<{ name: string }>("select name from pg_prepared_statements where statement like 'select $1::int%'");
        expect(r.rows).toHaveLength(1);
        expect(r.rows[0]!.name).toMatch(/^t_[0-9a-f]{24}$/);
      } finally {
        await pool.end();
      }
    });
  });
}
