/** ConnectorService on SQLite and PostgreSQL: apply and versions, audit in the same transaction, retire, catalogs. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { AuditLog } from '../audit/service.ts';
import { AppError } from '../errors.ts';
import { ConnectorService } from './service.ts';

const ana = { actor: { type: 'token' as const, id: 'tok_ana', name: 'ana' }, srcIp: '10.0.0.1' };
const example = readFileSync(new URL('../../../../examples/leave-requests/hr-connector.yaml', import.meta.url), 'utf8');

const http = (name: string, fields: { name: string; tags?: string[] }[] = [{ name: 'amount', tags: ['confidential'] }]) => ({
  apiVersion: 'trellis.dev/v1',
  kind: 'Connector',
  metadata: { name, title: `${name} API` },
  spec: { type: 'http', owner: 'Payroll@Example.com', resources: [{ name: 'payslips', path: '/v1/payslips/{id}', methods: ['GET'], fields }] },
});

async function rejects(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

for (const tdb of testDatabases) {
  describe(`connector service on ${tdb.name}`, () => {
    let database: Database;
    let audit: AuditLog;
    let connectors: ConnectorService;
    const auditCount = async () => (await audit.head()).seq;

    beforeAll(async () => {
      database = await tdb.open();
      audit = new AuditLog(database);
      connectors = new ConnectorService(database, audit);
    });
    afterAll(() => database.close());

    it('applies the leave-requests HR connector: version 1, its catalog, one audit event', async () => {
      const before = await auditCount();
      const r = await connectors.apply(ana, { text: example });
      expect(r).toMatchObject({ name: 'hr', type: 'postgres', status: 'active', version: 1, owner: 'group:hr-platform', tiers: ['internal', 'confidential', 'restricted'], resources: 3, created: true, changed: true, created_by: { id: 'tok_ana', name: 'ana' } });
      const employees = r.catalog.resources.find((x) => x.name === 'employees')!;
      expect(employees).toMatchObject({ kind: 'table', tiers: ['internal', 'confidential', 'restricted'] });
      expect(employees.fields.slice(0, 3)).toEqual([
        { name: 'id', tags: [] },
        { name: 'name', tags: ['pii.name'] },
        { name: 'email', tags: ['pii.email'] },
      ]);
      expect(await auditCount()).toBe(before + 1);
      const [event] = await audit.list({ action: 'connector.create', resourceId: 'hr', limit: 5 });
      expect(event!.event).toMatchObject({ class_uid: 6002, actor: { user: { uid: 'tok_ana' } }, resources: [{ type: 'connector', uid: 'hr' }], unmapped: { version: 1, type: 'postgres', fields: r.fields, tagged_fields: r.tagged_fields } });
      expect((await audit.verify()).ok).toBe(true);
    });

    it('stores nothing for an identical manifest, whatever its key order or form', async () => {
      const before = await auditCount();
      const r = await connectors.apply(ana, { text: example.replace('  title: HR database\n', '') + '' });
      expect(r).toMatchObject({ version: 2, changed: true, created: false });
      const again = await connectors.apply(ana, { value: r.manifest });
      expect(again).toMatchObject({ version: 2, changed: false, created: false });
      expect(await auditCount()).toBe(before + 1);
      const [event] = await audit.list({ action: 'connector.update', resourceId: 'hr', limit: 5 });
      expect(event!.event.unmapped).toMatchObject({ version: 2, previous_version: 1, fields_added: [], fields_removed: [], tags_changed: [] });
    });

    it('records which fields and tags a new version changed, by path', async () => {
      const text = example.replace('        - name: department\n', '        - name: department\n          tags: [internal]\n        - name: home_address\n          tags: [pii.address]\n');
      const r = await connectors.apply(ana, { text });
      expect(r.version).toBe(3);
      const event = (await audit.list({ action: 'connector.update', resourceId: 'hr', limit: 10 })).find((e) => e.event.unmapped?.version === 3);
      expect(event!.event.unmapped).toMatchObject({ version: 3, fields_added: ['employees.home_address'], fields_removed: [], tags_changed: ['employees.department'] });
      expect((await connectors.versions('hr')).map((v) => v.version)).toEqual([1, 2, 3]);
      expect((await connectors.version('hr', 1)).manifest).toMatchObject({ metadata: { title: 'HR database' } });
      expect((await rejects(connectors.version('hr', 9))).message).toBe('connector hr has no version 9 (versions 1 to 3 exist)');
    });

    it('refuses an invalid manifest with located errors, and writes nothing', async () => {
      const before = await auditCount();
      const err = await rejects(connectors.apply(ana, { text: example.replace('type: postgres', 'type: mysql') }));
      expect(err).toMatchObject({ code: 'connector_invalid', status: 422, errors: [{ path: 'spec.type', line: 11, column: 9, message: 'must be one of "postgres", "http"' }] });
      expect(await auditCount()).toBe(before);
      expect((await connectors.get('hr')).version).toBe(3);
    });

    it('retires and reactivates, audited; a retired connector does not change', async () => {
      const retired = await connectors.retire(ana, 'hr', 'moved to hr-v2');
      expect(retired).toMatchObject({ name: 'hr', status: 'retired', version: 3 });
      expect((await rejects(connectors.retire(ana, 'hr'))).code).toBe('conflict');
      const err = await rejects(connectors.apply(ana, { text: example }));
      expect(err).toMatchObject({ code: 'conflict', message: expect.stringContaining('is retired') });
      expect((await connectors.catalogs(['hr'])).get('hr')).toMatchObject({ status: 'retired', version: 3 });
      const [event] = await audit.list({ action: 'connector.retire', resourceId: 'hr', limit: 1 });
      expect(event!.event.unmapped).toMatchObject({ from: 'active', to: 'retired', reason: 'moved to hr-v2' });
      expect(await connectors.reactivate(ana, 'hr')).toMatchObject({ status: 'active' });
      expect((await connectors.apply(ana, { text: example })).version).toBe(4);
      expect((await rejects(connectors.retire(ana, 'nope'))).code).toBe('not_found');
    });

    it('gives governance the current catalogs: named ones in one call, or all', async () => {
      await connectors.apply(ana, { value: http('payroll-api') });
      const some = await connectors.catalogs(['payroll-api', 'missing', 'payroll-api']);
      expect([...some.keys()]).toEqual(['payroll-api']);
      expect(some.get('payroll-api')).toEqual({
        name: 'payroll-api',
        type: 'http',
        version: 1,
        status: 'active',
        tiers: ['public', 'internal', 'confidential', 'restricted'],
        resources: [{ name: 'payslips', path: '/v1/payslips/{id}', methods: ['GET'], tiers: ['public', 'internal', 'confidential', 'restricted'], fields: [{ name: 'amount', tags: ['confidential'] }] }],
      });
      expect(await connectors.catalogs([])).toEqual(new Map());
      const all = await connectors.allCatalogs();
      expect([...all.keys()].sort()).toEqual(['hr', 'payroll-api']);
      expect(all.get('hr')!.version).toBe(4);
    });

    it('lists in name order with filters and a cursor', async () => {
      for (const n of ['a-api', 'b-api', 'c-api']) await connectors.apply(ana, { value: http(n) });
      const first = await connectors.list({ type: 'http', limit: 2 });
      expect(first.items.map((c) => c.name)).toEqual(['a-api', 'b-api']);
      expect(first.items[0]).toMatchObject({ owner: 'user:payroll@example.com', resources: 1, fields: 1, tagged_fields: 1, title: 'a-api API' });
      const second = await connectors.list({ type: 'http', limit: 2, cursor: first.next_cursor! });
      expect(second).toMatchObject({ items: [{ name: 'c-api' }, { name: 'payroll-api' }], next_cursor: null });
      expect((await connectors.list({ type: 'postgres' })).items.map((c) => c.name)).toEqual(['hr']);
      expect((await connectors.list({ status: 'retired' })).items).toEqual([]);
      expect((await rejects(connectors.list({ cursor: 'garbage' }))).code).toBe('validation_failed');
    });

    it('numbers concurrent applies of one connector without a gap or a clash', async () => {
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => connectors.apply(ana, { value: http('racy', [{ name: `f${i}` }]) })));
      const ok = results.filter((r) => r.status === 'fulfilled');
      // The first applies may race to create it (one wins, the others get 409); every later one is a new version.
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict' });
      const versions = (await connectors.versions('racy')).map((v) => v.version);
      expect(versions).toEqual(Array.from({ length: ok.length }, (_, i) => i + 1));
    });
  });
}
