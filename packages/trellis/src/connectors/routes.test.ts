/** The connectors REST routes through app.inject(), with tokens of each role, on both databases. */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl, testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';

const example = readFileSync(new URL('../../../../examples/leave-requests/hr-connector.yaml', import.meta.url), 'utf8');
const yaml = { 'content-type': 'application/yaml' };
const httpConnector = (name: string) => ({
  apiVersion: 'trellis.dev/v1',
  kind: 'Connector',
  metadata: { name },
  spec: { type: 'http', owner: 'group:payroll', tiers: ['confidential', 'restricted'], resources: [{ name: 'payslips', path: '/v1/payslips/{id}', fields: [{ name: 'amount', tags: ['confidential'] }] }] },
});

for (const tdb of testDatabases) {
  describe(`connector routes on ${tdb.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb);
    });
    afterAll(() => t.close());

    it('applies the example from YAML (201), then again unchanged (200), and shows its field catalog', async () => {
      const created = await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: example });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ name: 'hr', version: 1, created: true, changed: true, status: 'active' });
      const again = await t.as('admin', { method: 'POST', url: '/api/v1/connectors', payload: { manifest: example } });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ version: 1, created: false, changed: false });
      const shown = await t.as('viewer', { method: 'GET', url: '/api/v1/connectors/hr' });
      expect(shown.statusCode).toBe(200);
      const employees = shown.json().catalog.resources.find((r: { name: string }) => r.name === 'employees');
      expect(employees.fields.filter((f: { tags: string[] }) => f.tags.length > 0).map((f: { name: string }) => f.name)).toEqual(['name', 'email', 'ssn', 'date_of_birth', 'salary']);
      expect(shown.json().manifest).toMatchObject({ kind: 'Connector', metadata: { name: 'hr' } });
    });

    it('lets only admins write, and every role read', async () => {
      for (const role of ['builder', 'reviewer', 'auditor', 'viewer'] as const) {
        expect((await t.as(role, { method: 'POST', url: '/api/v1/connectors', payload: httpConnector('denied') })).statusCode).toBe(403);
        expect((await t.as(role, { method: 'GET', url: '/api/v1/connectors' })).statusCode).toBe(200);
      }
      expect((await t.as('builder', { method: 'POST', url: '/api/v1/connectors/draft', payload: { name: 'x', url: 'postgres://h/db' } })).statusCode).toBe(403);
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/connectors/denied' })).statusCode).toBe(404);
    });

    it('answers 422 with located errors for a bad manifest, and validates without storing', async () => {
      const bad = example.replace('  type: postgres\n', '  type: postgres\n  colour: red\n');
      const r = await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: bad });
      expect(r.statusCode).toBe(422);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json()).toMatchObject({ code: 'connector_invalid', errors: [{ path: 'spec.colour', line: 12, column: 3, message: 'unknown field "colour"' }] });
      const v = await t.as('builder', { method: 'POST', url: '/api/v1/connectors/validate', headers: yaml, payload: bad });
      expect(v.statusCode).toBe(200);
      expect(v.json()).toMatchObject({ valid: false, manifest: null, errors: [{ path: 'spec.colour' }] });
      const ok = await t.as('viewer', { method: 'POST', url: '/api/v1/connectors/validate', payload: httpConnector('fresh') });
      expect(ok.json()).toMatchObject({ valid: true, errors: [], manifest: { metadata: { name: 'fresh' } } });
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/connectors/fresh' })).statusCode).toBe(404);
    });

    it('pages the list, and serves versions', async () => {
      for (const n of ['api-a', 'api-b']) expect((await t.as('admin', { method: 'POST', url: '/api/v1/connectors', payload: httpConnector(n) })).statusCode).toBe(201);
      const first = (await t.as('viewer', { method: 'GET', url: '/api/v1/connectors?limit=2' })).json();
      expect(first.items.map((c: { name: string }) => c.name)).toEqual(['api-a', 'api-b']);
      const second = (await t.as('viewer', { method: 'GET', url: `/api/v1/connectors?limit=2&cursor=${first.next_cursor}` })).json();
      expect(second).toMatchObject({ items: [{ name: 'hr', type: 'postgres' }], next_cursor: null });
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/connectors?type=ftp' })).statusCode).toBe(400);
      await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: example.replace('title: HR database', 'title: HR') });
      const versions = (await t.as('auditor', { method: 'GET', url: '/api/v1/connectors/hr/versions' })).json();
      expect(versions.items.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      expect((await t.as('auditor', { method: 'GET', url: '/api/v1/connectors/hr/versions/1' })).json()).toMatchObject({ version: 1, manifest: { metadata: { title: 'HR database' } } });
      expect((await t.as('auditor', { method: 'GET', url: '/api/v1/connectors/hr/versions/7' })).statusCode).toBe(404);
    });

    it('retires and reactivates, with or without a reason', async () => {
      const retired = await t.as('admin', { method: 'POST', url: '/api/v1/connectors/api-a/retire', payload: { reason: 'replaced' } });
      expect(retired.statusCode).toBe(200);
      expect(retired.json()).toMatchObject({ name: 'api-a', status: 'retired' });
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/connectors/api-a/retire', payload: {} })).statusCode).toBe(409);
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/connectors', payload: httpConnector('api-a') })).statusCode).toBe(409);
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/connectors/api-a/reactivate' })).json()).toMatchObject({ status: 'active' });
      expect((await t.as('viewer', { method: 'POST', url: '/api/v1/connectors/api-a/retire', payload: {} })).statusCode).toBe(403);
    });

    it('refuses a draft of an unreachable or non-PostgreSQL URL without echoing it', async () => {
      for (const url of ['postgres://reader:hunter2@127.0.0.1:1/hr', 'mysql://reader:hunter2@h/db']) {
        const r = await t.as('admin', { method: 'POST', url: '/api/v1/connectors/draft', payload: { name: 'hr', url } });
        expect(r.statusCode).toBe(422);
        expect(r.json()).toMatchObject({ code: 'draft_failed' });
        expect(r.body).not.toContain('hunter2');
      }
      const failures = await t.services.audit.list({ action: 'connector.draft', resourceId: 'hr', limit: 5 });
      expect(failures.map((e) => e.event.message)).toEqual(['drafting connector hr failed: the database host refused the connection', 'drafting connector hr failed: url must be a PostgreSQL URL']);
      expect(JSON.stringify(failures)).not.toContain('hunter2');
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/connectors/draft', payload: { name: 'hr', url: 'postgres://h/db', sample: 5000 } })).statusCode).toBe(400);
    });

    if (postgresUrl) {
      it('drafts from the real PostgreSQL through the API, audited without the URL, storing nothing', async () => {
        const schema = 'draft_' + randomBytes(5).toString('hex');
        const admin = new pg.Client({ connectionString: postgresUrl });
        await admin.connect();
        try {
          await admin.query(`create schema ${schema}; create table ${schema}.employees (id int, work_email text, department text)`);
          await admin.query(`insert into ${schema}.employees values (1, 'ana@example.com', 'HR'), (2, 'bo@example.com', 'IT')`);
          const r = await t.as('admin', { method: 'POST', url: '/api/v1/connectors/draft', payload: { name: 'hr-draft', url: postgresUrl, schema, owner: 'group:hr-platform' } });
          expect(r.statusCode).toBe(200);
          const body = r.json();
          expect(body.evidence).toEqual([expect.objectContaining({ field: 'work_email', tag: 'pii.email', source: 'values', reason: '2 of 2 sampled values matched EMAIL_ADDRESS' })]);
          expect(body.yaml).toContain('# pii.email: 2 of 2 sampled values matched EMAIL_ADDRESS');
          expect(r.body).not.toContain('ana@example.com');
          expect((await t.as('admin', { method: 'GET', url: '/api/v1/connectors/hr-draft' })).statusCode).toBe(404);
          const [event] = await t.services.audit.list({ action: 'connector.draft', resourceId: 'hr-draft', limit: 1 });
          expect(event!.event.unmapped).toMatchObject({ schema, resources: 1, sampled_rows: 2, proposed_tags: 1 });
          expect(JSON.stringify(event)).not.toContain(postgresUrl);
          // What the admin reviewed is what gets applied.
          expect((await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: body.yaml })).statusCode).toBe(201);
        } finally {
          await admin.query(`drop schema if exists ${schema} cascade`);
          await admin.end();
        }
      });
    }
  });
}
