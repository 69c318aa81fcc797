/**
 * ABAC on both databases: the directory's attributes reach principals and Rego. A custom
 * admission bundle that admits only HR's people decides differently for two builders whose
 * only difference is the department the IdP provisioned; a SCIM change of department changes
 * the next decision; a second replica's attribute map follows the change through the feed.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { systemActor } from '../auth/index.ts';
import { DirectoryAttributes } from './attributes.ts';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA } from './scim-schema.ts';

const hrOnly = `package trellis.admission

import rego.v1

deny contains msg if {
  not input.subject.department == "HR"
  msg := sprintf("only HR registers apps (you are in %v)", [object.get(input.subject, "department", "no department")])
}

warn contains msg if {
  input.subject.employment_type == "Contractor"
  msg := sprintf("registered by a contractor in %v", [input.subject.country])
}
`;

const manifest = (name: string) => `apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: ${name}\nspec:\n  owner: user:hana@example.com\n  classification: internal\n`;

for (const tdb of testDatabases) {
  describe(`ABAC attributes on ${tdb.name}`, () => {
    let t: TestApp;
    const ids: Record<string, string> = {};
    const tokens: Record<string, string> = {};
    const as = (tok: string, opts: InjectOptions) => t.app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${tok}` } });
    const scim = (method: InjectOptions['method'], url: string, payload: unknown) => t.as('provisioner', { method, url: `/scim/v2${url}`, payload: JSON.stringify(payload), headers: { 'content-type': 'application/scim+json' } });

    beforeAll(async () => {
      t = await makeTestApp(tdb);
      const people: [string, string, string, Record<string, unknown>][] = [
        ['hana@example.com', 'Employee', 'JP', { department: 'HR', costCenter: 'CC-1' }],
        ['eli@example.com', 'Contractor', 'PT', { department: 'Engineering' }],
      ];
      for (const [email, userType, country, ent] of people) {
        const r = await scim('POST', '/Users', { schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], userName: email, emails: [{ value: email, primary: true }], userType, title: 'Builder', addresses: [{ type: 'work', locality: 'Somewhere', country }], [ENTERPRISE_SCHEMA]: ent });
        expect(r.statusCode, r.body).toBe(201);
        ids[email] = r.json().id;
        tokens[email] = (await t.services.tokens.create(systemActor, { name: email, role: 'builder', subject: `user:${email}` })).token;
      }
      expect((await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'app-builders', members: [{ value: ids['hana@example.com'] }] })).statusCode).toBe(201);
      const pushed = await t.as('admin', { method: 'POST', url: '/api/v1/policy/bundles', payload: { modules: { 'admission.rego': hrOnly }, message: 'HR only', activate: true } });
      expect(pushed.statusCode, pushed.body).toBe(201);
    });
    afterAll(() => t.close());

    it('principals carry the directory attributes of their person', () => {
      expect(t.services.tokens.attributesOf('user:hana@example.com')).toEqual({
        department: 'HR',
        location: 'Somewhere',
        country: 'JP',
        employment_type: 'Employee',
        title: 'Builder',
        cost_center: 'CC-1',
        organization: null,
        division: null,
        manager: null,
        groups: ['app-builders'],
      });
      expect(t.services.tokens.attributesOf('user:nobody@example.com')).toEqual({});
    });

    it('input.subject.department decides differently for two people', async () => {
      const hana = await as(tokens['hana@example.com']!, { method: 'POST', url: '/api/v1/apps', headers: { 'content-type': 'application/yaml' }, payload: manifest('hana-app') });
      expect(hana.statusCode, hana.body).toBe(201);
      expect(hana.json().decision).toMatchObject({ deny: [], warn: [] });
      expect(hana.json().status).not.toBe('rejected');
      const eli = await as(tokens['eli@example.com']!, { method: 'POST', url: '/api/v1/apps', headers: { 'content-type': 'application/yaml' }, payload: manifest('eli-app') });
      expect(eli.statusCode, eli.body).toBe(201);
      expect(eli.json()).toMatchObject({ status: 'rejected', decision: { outcome: 'rejected', deny: ['only HR registers apps (you are in Engineering)'], warn: ['registered by a contractor in PT'] } });
    });

    it('a department changed through SCIM changes the next decision', async () => {
      const moved = await scim('PATCH', `/Users/${ids['eli@example.com']}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: `${ENTERPRISE_SCHEMA}:department`, value: 'HR' }] });
      expect(moved.statusCode, moved.body).toBe(200);
      const eli = await as(tokens['eli@example.com']!, { method: 'POST', url: '/api/v1/apps', headers: { 'content-type': 'application/yaml' }, payload: manifest('eli-app-2') });
      expect(eli.json().decision.deny).toEqual([]);
      // A deactivated person has no attributes: the policy sees no department.
      await scim('PATCH', `/Users/${ids['eli@example.com']}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] });
      expect(t.services.tokens.attributesOf('user:eli@example.com')).toEqual({});
    });

    it('another replica follows directory changes through the feed', async () => {
      const other = new DirectoryAttributes(t.services.database, () => {}, { pollIntervalMs: 50 });
      await other.start();
      try {
        expect(other.get('user:hana@example.com')?.department).toBe('HR');
        await scim('PATCH', `/Users/${ids['hana@example.com']}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: `${ENTERPRISE_SCHEMA}:department`, value: 'Finance' }] });
        // A generous deadline: this checks that the replica follows, not how fast.
        const deadline = Date.now() + 5000;
        while (other.get('user:hana@example.com')?.department !== 'Finance' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(other.get('user:hana@example.com')?.department).toBe('Finance');
      } finally {
        await other.stop();
      }
    });
  });
}
