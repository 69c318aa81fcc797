/**
 * Token authentication with its in-memory row cache and the revocation feed, on both
 * databases: a revocation through this server applies at once; one made by another server
 * (another TokenService and feed on the same database) applies within a second however long
 * the row is cached — LISTEN/NOTIFY on PostgreSQL, the feed's short poll on SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { AuditLog } from '../audit/service.ts';
import { TokenService, systemActor } from './service.ts';
import { Revocations } from './revocations.ts';
import { permissionMatrix } from '../modules.ts';

/** Polls `check` until it holds or `ms` pass; returns whether it held. */
async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const tdb of testDatabases) {
  describe(`token authentication on ${tdb.name}`, () => {
    let database: Database;
    let audit: AuditLog;
    const feeds: Revocations[] = [];
    async function server(cacheMs = 60_000): Promise<TokenService> {
      const feed = new Revocations(database, () => {});
      await feed.start();
      feeds.push(feed);
      return new TokenService(database, audit, permissionMatrix, feed, cacheMs);
    }
    beforeAll(async () => {
      database = await tdb.open();
      audit = new AuditLog(database);
    });
    afterAll(async () => {
      for (const f of feeds) await f.stop();
      await audit.stop();
      await database.close();
    });

    it('refuses a token revoked here at once, even while its row is cached', async () => {
      const tokens = await server();
      const t = await tokens.create(systemActor, { name: 'here', role: 'builder' });
      expect(await tokens.authenticate(t.token)).toMatchObject({ tokenId: t.id, role: 'builder' });
      await tokens.revoke(systemActor, t.id);
      expect(await tokens.authenticate(t.token)).toBeUndefined();
    });

    it('refuses a token revoked by another server within a second, though its row is cached for a minute', async () => {
      const here = await server(60_000);
      const elsewhere = await server(60_000);
      const t = await here.create(systemActor, { name: 'elsewhere', role: 'viewer' });
      expect(await here.authenticate(t.token)).toBeDefined();
      await elsewhere.revoke(systemActor, t.id);
      expect(await within(1000, async () => (await here.authenticate(t.token)) === undefined)).toBe(true);
    });

    it("refuses every token of a person whose subject is revoked, and accepts one made after it", async () => {
      const here = await server();
      const elsewhere = await server();
      const before = await here.create(systemActor, { name: 'leaver', role: 'builder', subject: 'user:leaver@corp.test' });
      expect(await here.authenticate(before.token)).toBeDefined();
      await database.db.transaction().execute((tx) => elsewhere.revocations.revoke(tx, 'subject', 'user:leaver@corp.test', 'deprovisioned'));
      expect(await within(1000, async () => (await here.authenticate(before.token)) === undefined)).toBe(true);
      await new Promise((r) => setTimeout(r, 5));
      const after = await here.create(systemActor, { name: 'rehired', role: 'builder', subject: 'user:leaver@corp.test' });
      expect(await here.authenticate(after.token)).toMatchObject({ subject: 'user:leaver@corp.test' });
    });

    it('revokes the tokens of a subject in the caller transaction, with an audit event each', async () => {
      const tokens = await server();
      const a = await tokens.create(systemActor, { name: 'a', role: 'viewer', subject: 'user:gone@corp.test' });
      const b = await tokens.create(systemActor, { name: 'b', role: 'viewer', subject: 'user:gone@corp.test' });
      const other = await tokens.create(systemActor, { name: 'c', role: 'viewer', subject: 'user:stays@corp.test' });
      const ids = await database.db.transaction().execute((tx) => tokens.revokeBySubjectInTx(tx, systemActor, 'user:gone@corp.test', 'owner left'));
      expect(ids.sort()).toEqual([a.id, b.id].sort());
      await tokens.revocations.refresh();
      expect(await tokens.authenticate(a.token)).toBeUndefined();
      expect(await tokens.authenticate(b.token)).toBeUndefined();
      expect(await tokens.authenticate(other.token)).toBeDefined();
      const listed = await tokens.list();
      expect(listed.find((x) => x.id === a.id)?.revoked_at).not.toBeNull();
    });

    it('still checks the secret against the cached row', async () => {
      const tokens = await server();
      const t = await tokens.create(systemActor, { name: 'secret', role: 'viewer' });
      expect(await tokens.authenticate(t.token)).toBeDefined();
      const forged = t.token.slice(0, -4) + (t.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      expect(await tokens.authenticate(forged)).toBeUndefined();
    });

    it('routes a bearer credential with a registered prefix to its authenticator and nothing else', async () => {
      const tokens = await server();
      tokens.addBearerAuthenticator('trlx_', async (token) => (token === 'trlx_good' ? { kind: 'session', tokenId: 'ses_1', name: 'p', role: 'viewer', subject: 'user:p@corp.test', permissions: tokens.grantsOf('viewer'), attributes: {} } : undefined));
      expect(await tokens.authenticate('trlx_good')).toMatchObject({ kind: 'session', tokenId: 'ses_1' });
      expect(await tokens.authenticate('trlx_bad')).toBeUndefined();
      expect(() => tokens.addBearerAuthenticator('trl_', async () => undefined)).toThrow(/taken/);
    });
  });
}
