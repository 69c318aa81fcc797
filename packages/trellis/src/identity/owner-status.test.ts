/**
 * The directory tells registration who is an active owner, on both databases: an owner the
 * directory holds as active scores 0 on the owner_status risk factor, one it does not know
 * scores 0.5 (unknown), and one it holds as departed is inactive, so the built-in admission
 * policy refuses an app naming them as owner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { PATCH_SCHEMA, USER_SCHEMA } from './scim-schema.ts';

const manifest = (name: string, owner: string) => `apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: ${name}\nspec:\n  owner: ${owner}\n  classification: internal\n`;

for (const tdb of testDatabases) {
  describe(`owner status from the directory on ${tdb.name}`, () => {
    let t: TestApp;
    const scim = (method: 'POST' | 'PATCH', url: string, payload: unknown) => t.as('provisioner', { method, url: `/scim/v2${url}`, payload: JSON.stringify(payload), headers: { 'content-type': 'application/scim+json' } });
    const register = (name: string, owner: string) => t.as('admin', { method: 'POST', url: '/api/v1/apps', headers: { 'content-type': 'application/yaml' }, payload: manifest(name, owner) });
    const ownerFactor = (body: { risk: { factors: { name: string; value: number; reason: string }[] } }) => body.risk.factors.find((f) => f.name === 'owner_status');

    beforeAll(async () => {
      t = await makeTestApp(tdb);
      for (const email of ['ines.active@corp-mail.net', 'otto.left@corp-mail.net']) {
        const r = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: email, emails: [{ value: email, primary: true }], active: true });
        expect(r.statusCode, r.body).toBe(201);
        if (email.startsWith('otto')) {
          const off = await scim('PATCH', `/Users/${r.json().id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] });
          expect(off.statusCode, off.body).toBe(200);
        }
      }
      await t.services.identity.attributes.refresh();
    });
    afterAll(() => t.close());

    it('scores an active owner 0 and an owner outside the directory 0.5', async () => {
      const active = await register('owned-by-ines', 'user:ines.active@corp-mail.net');
      expect(active.statusCode, active.body).toBe(201);
      expect(ownerFactor(active.json())).toMatchObject({ value: 0, reason: 'owner status active' });
      const unknown = await register('owned-by-stranger', 'user:stranger@corp-mail.net');
      expect(unknown.statusCode, unknown.body).toBe(201);
      expect(ownerFactor(unknown.json())).toMatchObject({ value: 0.5, reason: 'owner status unknown' });
    });

    it('refuses an app whose owner the directory holds as departed', async () => {
      const r = await register('owned-by-otto', 'user:otto.left@corp-mail.net');
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().status).toBe('rejected');
      expect(r.json().decision.deny.join('\n')).toMatch(/inactive; name an active person as owner/);
      expect(ownerFactor(r.json())).toMatchObject({ value: 1, reason: 'owner is no longer active' });
    });
  });
}
