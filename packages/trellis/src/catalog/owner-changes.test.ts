/**
 * The catalog's in-transaction methods for the departed-owner cascade (identity/cascade.ts), on
 * both databases: the apps a person owns, suspending an approved app with its status listeners
 * (and rolling back with them), and giving an app a new owner, each audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { createServices, type Services } from '../services.ts';
import type { AppStatusChange, Caller } from './service.ts';

const jane: Caller = { actor: { type: 'token', id: 'tok_scim', name: 'okta-scim', role: 'provisioner' } };
const manifest = (name: string) => ({ apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name }, spec: { owner: 'user:Jane@Example.com' } });

for (const tdb of testDatabases) {
  describe(`catalog owner changes on ${tdb.name}`, () => {
    let database: Database;
    let services: Services;
    const seen: AppStatusChange[] = [];
    let failNext = false;

    /** Register a draft and approve it the way governance does (decideInTx). */
    const approved = async (name: string) => {
      await services.catalog.register(jane, { value: manifest(name) });
      await database.db.transaction().execute(async (tx) => {
        await services.catalog.decideInTx(tx, jane, name, { from: 'draft', to: 'pending_review', reason: 'submitted', version: 1 });
        await services.catalog.decideInTx(tx, jane, name, { from: 'pending_review', to: 'approved', reason: 'approved', version: 1, approveVersion: true });
      });
    };

    beforeAll(async () => {
      database = await tdb.open();
      services = await createServices(database);
      services.catalog.onStatusChange(async (_tx, change) => {
        if (failNext && change.to === 'suspended') throw new Error('listener refused');
        seen.push(change);
      });
      await approved('payroll-export');
      await approved('desk-booking');
      await services.catalog.register(jane, { value: manifest('draft-idea') });
    });
    afterAll(async () => {
      await services.audit.stop();
      await database.close();
    });

    it('lists the apps a person owns, by any spelling of their reference', async () => {
      const owned = await services.catalog.appsOwnedBy(database.db, 'jane@example.com');
      expect(owned).toEqual([
        { name: 'desk-booking', status: 'approved', version: 1, approvedVersion: 1 },
        { name: 'draft-idea', status: 'draft', version: 1, approvedVersion: null },
        { name: 'payroll-export', status: 'approved', version: 1, approvedVersion: 1 },
      ]);
      expect(await services.catalog.appsOwnedBy(database.db, 'user:someone@example.com')).toEqual([]);
    });

    it('suspends an approved app in the caller’s transaction, running the status listeners', async () => {
      const done = await database.db.transaction().execute((tx) => services.catalog.suspendInTx(tx, jane, 'payroll-export', 'owner user:jane@example.com deprovisioned'));
      expect(done).toBe(true);
      expect(seen.at(-1)).toMatchObject({ name: 'payroll-export', from: 'approved', to: 'suspended', reason: 'owner user:jane@example.com deprovisioned' });
      expect((await services.catalog.get('payroll-export')).status).toBe('suspended');
      expect((await services.catalog.statusHistory('payroll-export')).at(-1)).toMatchObject({ from: 'approved', to: 'suspended', by: { id: 'tok_scim' } });
      // Nothing to do for an app that is not approved.
      expect(await database.db.transaction().execute((tx) => services.catalog.suspendInTx(tx, jane, 'payroll-export', 'again'))).toBe(false);
      expect(await database.db.transaction().execute((tx) => services.catalog.suspendInTx(tx, jane, 'draft-idea', 'x'))).toBe(false);
      await expect(database.db.transaction().execute((tx) => services.catalog.suspendInTx(tx, jane, 'no-such-app', 'x'))).rejects.toMatchObject({ code: 'not_found' });
    });

    it('rolls the suspension back with the transaction when a listener refuses', async () => {
      failNext = true;
      await expect(database.db.transaction().execute((tx) => services.catalog.suspendInTx(tx, jane, 'desk-booking', 'x'))).rejects.toThrow('listener refused');
      failNext = false;
      expect((await services.catalog.get('desk-booking')).status).toBe('approved');
    });

    it('gives an app a new owner, audited, leaving its status alone', async () => {
      const change = await database.db.transaction().execute((tx) => services.catalog.changeOwnerInTx(tx, jane, 'payroll-export', 'Marco@Example.com'));
      expect(change).toEqual({ from: 'user:jane@example.com', to: 'user:marco@example.com' });
      expect(await services.catalog.get('payroll-export')).toMatchObject({ owner: 'user:marco@example.com', status: 'suspended' });
      expect((await services.catalog.list({ owner: 'user:marco@example.com' })).items.map((a) => a.name)).toEqual(['payroll-export']);
      const events = await services.audit.list({ action: 'app.owner_change', limit: 5 });
      expect(events).toHaveLength(1);
      expect(events[0]!.event).toMatchObject({ class_uid: 6002, unmapped: { from: 'user:jane@example.com', to: 'user:marco@example.com' }, actor: { user: { uid: 'tok_scim' } } });
    });
  });
}
