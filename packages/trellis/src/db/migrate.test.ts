import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDatabases } from '../../test/databases.ts';
import { allMigrations, migrateDownAll, migrateToLatest } from './migrate.ts';

for (const tdb of testDatabases) {
  describe(`migrations on ${tdb.name}`, () => {
    it('apply on open, are idempotent, and every down step undoes its up step', async () => {
      const database = await tdb.open();
      try {
        expect(await migrateToLatest(database)).toEqual([]);
        const names = Object.keys(allMigrations(database.dialect));
        expect(names).toEqual([...names].sort());
        await migrateDownAll(database);
        await expect(sql`select count(*) from audit_events`.execute(database.db)).rejects.toThrow();
        expect(await migrateToLatest(database)).toEqual(names);
        await sql`select count(*) from audit_events`.execute(database.db);
      } finally {
        await database.close();
      }
    });
  });
}
