import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDatabases } from '../../test/databases.ts';
import { orderedMigrations, migrateDownAll, migrateToLatest } from './migrate.ts';
import { moduleMigrations } from '../modules.ts';

for (const tdb of testDatabases) {
  describe(`migrations on ${tdb.name}`, () => {
    it('apply on open, are idempotent, and every down step undoes its up step', async () => {
      const database = await tdb.open();
      try {
        expect(await migrateToLatest(database, moduleMigrations)).toEqual([]);
        const names = Object.keys(await orderedMigrations(moduleMigrations, database.dialect));
        expect(names).toEqual([...names].sort());
        await migrateDownAll(database, moduleMigrations);
        await expect(sql`select count(*) from audit_events`.execute(database.db)).rejects.toThrow();
        expect(await migrateToLatest(database, moduleMigrations)).toEqual(names);
        await sql`select count(*) from audit_events`.execute(database.db);
      } finally {
        await database.close();
      }
    });
  });
}
