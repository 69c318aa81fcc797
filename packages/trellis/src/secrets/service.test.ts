/**
 * The secret store on SQLite and PostgreSQL: write-only versioned values, refusals, crypto-
 * shredding, the per-replica cache and its audit of first decrypts, change propagation between
 * replicas, and the rotation schedule with its overlap.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { AuditLog } from '../audit/service.ts';
import { ephemeralKeyRing } from '../keys/index.ts';
import { SecretService } from './service.ts';

const admin = { actor: { type: 'user' as const, id: 'user:ada@example.com', name: 'Ada' }, srcIp: '127.0.0.1' };

for (const tdb of testDatabases) {
  describe(`secrets on ${tdb.name}`, () => {
    let database: Database;
    let audit: AuditLog;
    const keys = ephemeralKeyRing();
    let clock: Date;
    let secrets: SecretService;

    beforeEach(async () => {
      database = await tdb.open();
      audit = new AuditLog(database, keys);
      clock = new Date('2026-12-06T12:00:00.000Z');
      secrets = new SecretService(database, audit, keys, { now: () => clock, pollIntervalMs: 50 });
    });
    afterEach(async () => {
      await secrets.stop();
      await audit.stop();
      await database.close();
    });

    const allEvents = async () => {
      await audit.seal();
      return audit.list({ limit: 1000 });
    };

    it('stores values write-only and versioned; nothing readable carries a value', async () => {
      const v1 = `pw-${randomBytes(12).toString('hex')}`;
      const v2 = `pw-${randomBytes(12).toString('hex')}`;
      const created = await secrets.put(admin, 'hr-db-admin', { value: v1, description: 'HR admin role' });
      expect(created).toMatchObject({ created: true, secret: { name: 'hr-db-admin', kind: 'static', current_version: 1, description: 'HR admin role', rotation: null } });
      const next = await secrets.put(admin, 'hr-db-admin', { value: v2 });
      expect(next).toMatchObject({ created: false, secret: { current_version: 2 } });
      expect((await secrets.resolve('hr-db-admin', { purpose: 'lease', connector: 'hr' })).value).toBe(v2);
      const versions = await secrets.versions('hr-db-admin');
      expect(versions.map((v) => [v.version, v.state])).toEqual([
        [2, 'active'],
        [1, 'previous'],
      ]);
      expect(versions[0]!.kek_id).toBe(keys.kek().id);

      // Nothing stored or answered holds the value in clear.
      const rows = await database.db.selectFrom('secret_versions').selectAll().execute();
      const readable = JSON.stringify([rows, await secrets.list(), await secrets.get('hr-db-admin'), versions, await allEvents()]);
      expect(readable).not.toContain(v1);
      expect(readable).not.toContain(v2);

      // Destroying the old version shreds its data key; the current one cannot be destroyed.
      expect((await secrets.destroyVersion(admin, 'hr-db-admin', 1)).state).toBe('destroyed');
      const shredded = await database.db.selectFrom('secret_versions').selectAll().where('version', '=', 1).executeTakeFirstOrThrow();
      expect(shredded).toMatchObject({ wrapped_dek: null, ciphertext: null, kek_id: null });
      await expect(secrets.destroyVersion(admin, 'hr-db-admin', 2)).rejects.toMatchObject({ code: 'secret_version_current' });
      await expect(secrets.destroyVersion(admin, 'hr-db-admin', 9)).rejects.toMatchObject({ code: 'secret_version_not_found' });

      await secrets.remove(admin, 'hr-db-admin');
      await expect(secrets.resolve('hr-db-admin', { purpose: 'gateway' })).rejects.toMatchObject({ code: 'secret_not_found' });
      expect(await secrets.exists('hr-db-admin')).toBe(false);
      expect(JSON.stringify(await allEvents())).toMatch(/secret\.create.*secret\.update.*secret\.version\.destroy.*secret\.delete/s);
    });

    it('refuses what does not fit: wrong kind, missing or oversized value, bad name', async () => {
      await expect(secrets.put(admin, 'gen', { kind: 'generated', value: 'x' })).rejects.toMatchObject({ code: 'secret_value_refused' });
      await expect(secrets.put(admin, 'needs-value', {})).rejects.toMatchObject({ code: 'secret_value_refused' });
      await expect(secrets.put(admin, 'big', { value: 'é'.repeat(40 * 1024) })).rejects.toMatchObject({ code: 'secret_value_refused', message: expect.stringMatching(/limit is 65536/) as string });
      await expect(secrets.put(admin, 'Bad_Name', { value: 'x' })).rejects.toMatchObject({ code: 'secret_value_refused' });

      await secrets.put(admin, 'gen', { kind: 'generated' });
      const first = await secrets.resolve('gen', { purpose: 'oauth2' });
      expect(first.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      await expect(secrets.put(admin, 'gen', { value: 'mine' })).rejects.toMatchObject({ code: 'secret_value_refused' });
      await expect(secrets.put(admin, 'gen', { kind: 'static' })).rejects.toMatchObject({ code: 'secret_value_refused' });
      await expect(secrets.rotate(admin, 'gen', { value: 'mine' })).rejects.toMatchObject({ code: 'secret_value_refused' });
      await secrets.rotate(admin, 'gen', {});
      const second = await secrets.resolve('gen', { purpose: 'oauth2' });
      expect(second.version).toBe(2);
      expect(second.value).not.toBe(first.value);

      await secrets.put(admin, 'static-one', { value: 'a' });
      await expect(secrets.rotate(admin, 'static-one', {})).rejects.toMatchObject({ code: 'secret_value_refused' });
      await expect(secrets.rotate(admin, 'nobody', {})).rejects.toMatchObject({ code: 'secret_not_found' });
    });

    it('resolves from memory after the first decrypt, which is audited once per version with the app and purpose', async () => {
      await secrets.put(admin, 'crm-api-key', { value: 'crm-value-1' });
      for (let i = 0; i < 3; i++) expect(await secrets.resolve('crm-api-key', { purpose: 'gateway', app: 'leave-requests', connector: 'crm', subject: 'user:bo@example.com' })).toEqual({ name: 'crm-api-key', version: 1, value: 'crm-value-1' });
      const decrypts = async () => (await allEvents()).filter((e) => JSON.stringify(e.event).includes('secret.decrypt'));
      await vi.waitFor(async () => expect(await decrypts()).toHaveLength(1));
      const event = JSON.stringify((await decrypts())[0]!.event);
      expect(event).toContain('app:leave-requests');
      expect(event).toContain('"version":1');
      expect(event).toContain('"purpose":"gateway"');
      expect(event).not.toContain('crm-value-1');
      await secrets.put(admin, 'crm-api-key', { value: 'crm-value-2' });
      expect((await secrets.resolve('crm-api-key', { purpose: 'gateway', app: 'leave-requests' })).value).toBe('crm-value-2');
      await vi.waitFor(async () => expect(await decrypts()).toHaveLength(2));
    });

    it('a change on one replica reaches the others: the cached value is dropped and listeners are told', async () => {
      const other = new SecretService(database, audit, keys, { pollIntervalMs: 50 });
      try {
        await secrets.start();
        await other.start();
        await secrets.put(admin, 'shared', { value: 'one' });
        expect((await other.resolve('shared', { purpose: 'gateway' })).value).toBe('one');
        const told: string[] = [];
        const toldHere: string[] = [];
        other.onChange((name) => told.push(name));
        secrets.onChange((name) => toldHere.push(name));
        await secrets.put(admin, 'shared', { value: 'two' });
        // The writer's own listeners are told once, by the time put returns.
        expect(toldHere).toEqual(['shared']);
        await vi.waitFor(() => expect(told).toContain('shared'));
        expect((await other.resolve('shared', { purpose: 'gateway' })).value).toBe('two');
        await secrets.remove(admin, 'shared');
        await vi.waitFor(async () => await expect(other.resolve('shared', { purpose: 'gateway' })).rejects.toMatchObject({ code: 'secret_not_found' }));
      } finally {
        await other.stop();
      }
    });

    it('rotates generated secrets on schedule, keeps the previous version for the overlap, then destroys it; marks static ones due', async () => {
      await secrets.put(admin, 'token', { kind: 'generated', rotation: { everyDays: 1, overlapHours: 2 } });
      await secrets.put(admin, 'partner-key', { value: 'given-by-partner', rotation: { everyDays: 1, overlapHours: 0 } });
      expect(await secrets.runDue()).toEqual({ rotated: [], markedDue: [], destroyed: [] });

      clock = new Date(clock.getTime() + 24 * 3_600_000 + 1000);
      expect(await secrets.runDue()).toMatchObject({ rotated: ['token'], markedDue: ['partner-key'], destroyed: [] });
      expect((await secrets.get('token')).current_version).toBe(2);
      const [v2, v1] = await secrets.versions('token');
      expect(v2).toMatchObject({ version: 2, state: 'active' });
      expect(v1).toMatchObject({ version: 1, state: 'previous', expires_at: new Date(clock.getTime() + 2 * 3_600_000).toISOString() });
      expect((await secrets.list()).find((s) => s.name === 'partner-key')).toMatchObject({ rotation_due: true });
      // Marked once, not on every pass.
      expect((await secrets.runDue()).markedDue).toEqual([]);

      clock = new Date(clock.getTime() + 3 * 3_600_000);
      expect((await secrets.runDue()).destroyed).toEqual([{ name: 'token', version: 1 }]);
      expect((await secrets.versions('token'))[1]).toMatchObject({ state: 'destroyed', kek_id: null });

      // The admin's new value clears the mark and restarts the schedule.
      const rotated = await secrets.rotate(admin, 'partner-key', { value: 'new-from-partner' });
      expect(rotated).toMatchObject({ current_version: 2, rotation_due: false, next_rotation_at: new Date(clock.getTime() + 24 * 3_600_000).toISOString() });
      const actions = JSON.stringify(await allEvents());
      expect(actions).toContain('secret.rotation_due');
      expect(actions).not.toContain('given-by-partner');
      expect(actions).not.toContain('new-from-partner');
    });
  });
}
