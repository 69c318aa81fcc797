/**
 * Token authentication with its in-memory row cache, on both databases: a revocation through
 * this server applies at once; one made by another server (another TokenService on the same
 * database) applies once the cache entry expires, and never later.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { AuditLog } from '../audit/service.ts';
import { TokenService, systemActor } from './service.ts';
import { permissionMatrix } from '../modules.ts';

for (const tdb of testDatabases) {
  describe(`token authentication on ${tdb.name}`, () => {
    let database: Database;
    let audit: AuditLog;
    beforeAll(async () => {
      database = await tdb.open();
      audit = new AuditLog(database);
    });
    afterAll(async () => {
      await audit.stop();
      await database.close();
    });

    it('refuses a token revoked here at once, even while its row is cached', async () => {
      const tokens = new TokenService(database, audit, permissionMatrix, 60_000);
      const t = await tokens.create(systemActor, { name: 'here', role: 'builder' });
      expect(await tokens.authenticate(t.token)).toMatchObject({ tokenId: t.id, role: 'builder' });
      await tokens.revoke(systemActor, t.id);
      expect(await tokens.authenticate(t.token)).toBeUndefined();
    });

    it('honours a revocation by another server once the cache entry expires', async () => {
      const here = new TokenService(database, audit, permissionMatrix, 40);
      const elsewhere = new TokenService(database, audit, permissionMatrix, 40);
      const t = await here.create(systemActor, { name: 'elsewhere', role: 'viewer' });
      expect(await here.authenticate(t.token)).toBeDefined();
      await elsewhere.revoke(systemActor, t.id);
      await new Promise((r) => setTimeout(r, 60));
      expect(await here.authenticate(t.token)).toBeUndefined();
    });

    it('serves repeated authentications from memory, without reading the database', async () => {
      const here = new TokenService(database, audit, permissionMatrix, 60_000);
      const elsewhere = new TokenService(database, audit, permissionMatrix);
      const t = await here.create(systemActor, { name: 'cached', role: 'viewer' });
      expect(await here.authenticate(t.token)).toBeDefined();
      await elsewhere.revoke(systemActor, t.id);
      // The row is not read again within the cache's lifetime: this is the documented bound.
      expect(await here.authenticate(t.token)).toBeDefined();
    });

    it('still checks the secret against the cached row', async () => {
      const tokens = new TokenService(database, audit, permissionMatrix);
      const t = await tokens.create(systemActor, { name: 'secret', role: 'viewer' });
      expect(await tokens.authenticate(t.token)).toBeDefined();
      const forged = t.token.slice(0, -4) + (t.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      expect(await tokens.authenticate(forged)).toBeUndefined();
    });
  });
}
