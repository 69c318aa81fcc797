/**
 * SCIM 2.0 through the HTTP API on both databases: Users and Groups created, read, listed
 * (every filter operator, and/or/not, value paths, enterprise attributes, pagination,
 * sorting, attribute selection), patched, replaced and deleted; and the refusals a
 * provisioning client must be able to read (uniqueness, unknown schema, bad filter, bad path,
 * wrong content type, read-only attribute, no token, a role without scim:provision).
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA } from './scim-schema.ts';

const scimJson = 'application/scim+json';

function user(userName: string, extra: Record<string, unknown> = {}, ent: Record<string, unknown> | undefined = undefined) {
  return {
    schemas: ent ? [USER_SCHEMA, ENTERPRISE_SCHEMA] : [USER_SCHEMA],
    userName,
    name: { givenName: userName.split('@')[0], familyName: 'Example' },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...extra,
    ...(ent ? { [ENTERPRISE_SCHEMA]: ent } : {}),
  };
}

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });

for (const tdb of testDatabases) {
  describe(`SCIM on ${tdb.name}`, () => {
    let t: TestApp;
    const scim = (method: InjectOptions['method'], url: string, payload?: unknown, headers: Record<string, string> = {}) =>
      t.as('provisioner', { method, url: `/scim/v2${url}`, ...(payload !== undefined ? { payload: JSON.stringify(payload), headers: { 'content-type': scimJson, ...headers } } : { headers }) });
    const ids: Record<string, string> = {};
    const list = async (query: string) => {
      const r = await scim('GET', `/Users?${query}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as { totalResults: number; startIndex: number; itemsPerPage: number; Resources: Record<string, unknown>[] };
    };
    const names = async (filter: string) => (await list(`filter=${encodeURIComponent(filter)}&sortBy=userName`)).Resources.map((r) => r.userName);

    beforeAll(async () => {
      t = await makeTestApp(tdb);
    });
    afterAll(() => t.close());

    it('creates users with the enterprise extension and reads them back', async () => {
      const people = [
        user('ana@example.com', { title: 'HR lead', userType: 'Employee', addresses: [{ type: 'work', locality: 'Lisbon', country: 'PT' }] }, { department: 'HR', costCenter: 'CC-10', organization: 'Example', division: 'People' }),
        user('bob@example.com', { title: 'Engineer', userType: 'Contractor', emails: [{ value: 'bob@example.com', type: 'work', primary: true }, { value: 'bob@home.example', type: 'home' }] }, { department: 'Engineering' }),
        user('Carol@Example.com', { displayName: 'Carol C', userType: 'Employee' }),
      ];
      for (const p of people) {
        const r = await scim('POST', '/Users', p);
        expect(r.statusCode, r.body).toBe(201);
        expect(r.headers['content-type']).toContain(scimJson);
        const body = r.json();
        expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(r.headers.location).toBe(body.meta.location);
        expect(r.headers.etag).toBe('W/"1"');
        expect(body).toMatchObject({ userName: p.userName, active: true, meta: { resourceType: 'User', version: 'W/"1"' }, groups: [] });
        ids[p.userName.toLowerCase()] = body.id;
      }
      const manager = await scim('PATCH', `/Users/${ids['bob@example.com']}`, patch({ op: 'add', path: `${ENTERPRISE_SCHEMA}:manager`, value: { value: ids['ana@example.com'] } }));
      expect(manager.statusCode, manager.body).toBe(200);
      const got = await scim('GET', `/Users/${ids['ana@example.com']}`);
      expect(got.json()).toMatchObject({ schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], title: 'HR lead', [ENTERPRISE_SCHEMA]: { department: 'HR', costCenter: 'CC-10' } });
      expect((await scim('GET', '/Users/00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
    });

    it('refuses a second userName that differs only in case (409 uniqueness)', async () => {
      const r = await scim('POST', '/Users', user('ANA@example.com'));
      expect(r.statusCode).toBe(409);
      expect(r.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness' });
    });

    it('filters with every operator, case-insensitively where the schema says', async () => {
      expect(await names('userName eq "ANA@EXAMPLE.COM"')).toEqual(['ana@example.com']);
      expect(await names('userName ne "ana@example.com"')).toEqual(['bob@example.com', 'Carol@Example.com']);
      expect(await names('userName co "ob@"')).toEqual(['bob@example.com']);
      expect(await names('userName sw "c"')).toEqual(['Carol@Example.com']);
      expect(await names('userName ew "EXAMPLE.COM"')).toEqual(['ana@example.com', 'bob@example.com', 'Carol@Example.com']);
      expect(await names('title pr')).toEqual(['ana@example.com', 'bob@example.com']);
      expect(await names('userName gt "b"')).toEqual(['bob@example.com', 'Carol@Example.com']);
      expect(await names('userName ge "bob@example.com"')).toEqual(['bob@example.com', 'Carol@Example.com']);
      expect(await names('userName lt "bob@example.com"')).toEqual(['ana@example.com']);
      expect(await names('userName le "bob@example.com"')).toEqual(['ana@example.com', 'bob@example.com']);
      expect(await names('meta.created gt "2000-01-01T00:00:00Z"')).toHaveLength(3);
      expect(await names('meta.lastModified lt "2000-01-01T00:00:00Z"')).toEqual([]);
      expect(await names('active eq true')).toHaveLength(3);
    });

    it('combines with and, or, not and parentheses; filters multi-valued attributes and value paths', async () => {
      expect(await names('userType eq "Employee" and title pr')).toEqual(['ana@example.com']);
      expect(await names('userType eq "Contractor" or displayName eq "carol c"')).toEqual(['bob@example.com', 'Carol@Example.com']);
      expect(await names('not (userType eq "Employee")')).toEqual(['bob@example.com']);
      expect(await names('(userType eq "Employee" or userType eq "Contractor") and not (title pr)')).toEqual(['Carol@Example.com']);
      expect(await names('emails co "@home"')).toEqual(['bob@example.com']);
      expect(await names('emails.value ew "home.example"')).toEqual(['bob@example.com']);
      expect(await names('emails[type eq "home" and value co "bob"]')).toEqual(['bob@example.com']);
      expect(await names('emails[type eq "work"]')).toHaveLength(3);
      expect(await names('addresses[country eq "pt"]')).toEqual(['ana@example.com']);
    });

    it('filters on enterprise attributes with and without the URN prefix, and names unknown ones', async () => {
      expect(await names(`${ENTERPRISE_SCHEMA}:department eq "hr"`)).toEqual(['ana@example.com']);
      expect(await names(`urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:DEPARTMENT eq "engineering"`)).toEqual(['bob@example.com']);
      expect(await names(`${ENTERPRISE_SCHEMA}:manager.value eq "${ids['ana@example.com']}"`)).toEqual(['bob@example.com']);
      expect(await names(`${USER_SCHEMA}:userName eq "bob@example.com"`)).toEqual(['bob@example.com']);
      expect(await names(`USERNAME Eq "bob@example.com"`)).toEqual(['bob@example.com']);
      const twice = await scim('GET', '/Users?filter=title%20pr&filter=title%20pr');
      expect(twice.json()).toMatchObject({ status: '400', scimType: 'invalidValue' });
      const r = await scim('GET', `/Users?filter=${encodeURIComponent('shoeSize eq "9"')}`);
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ scimType: 'invalidFilter' });
    });

    it('refuses malformed filters with invalidFilter', async () => {
      for (const f of ['userName eq', 'userName zz "x"', '(userName eq "x"', 'userName eq "x" and', 'emails[type eq "work"', 'active gt true', 'userName co 3', '"x" eq userName', 'x'.repeat(3000), `${'('.repeat(40)}userName pr${')'.repeat(40)}`]) {
        const r = await scim('GET', `/Users?filter=${encodeURIComponent(f)}`);
        expect(r.statusCode, f).toBe(400);
        expect(r.json(), f).toMatchObject({ status: '400', scimType: 'invalidFilter' });
      }
    });

    it('paginates, sorts and selects attributes', async () => {
      const p1 = await list('sortBy=userName&sortOrder=descending&startIndex=1&count=2');
      expect(p1).toMatchObject({ totalResults: 3, startIndex: 1, itemsPerPage: 2 });
      expect(p1.Resources.map((r) => r.userName)).toEqual(['Carol@Example.com', 'bob@example.com']);
      const p2 = await list('sortBy=userName&sortOrder=descending&startIndex=3&count=2');
      expect(p2.Resources.map((r) => r.userName)).toEqual(['ana@example.com']);
      // Without a filter or a sort the page comes straight from the database, in creation order.
      const second = await list('startIndex=2&count=1');
      expect(second).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
      expect(second.Resources.map((r) => r.userName)).toEqual(['bob@example.com']);
      expect((await list('count=0')).Resources).toEqual([]);
      expect((await list('count=0')).totalResults).toBe(3);
      expect((await list('count=5000')).itemsPerPage).toBe(3);
      const only = await list('attributes=userName,name.givenName&filter=userName%20eq%20%22ana@example.com%22');
      expect(only.Resources[0]).toEqual({ schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], id: ids['ana@example.com'], userName: 'ana@example.com', name: { givenName: 'ana' } });
      const without = await list(`excludedAttributes=emails,meta,${ENTERPRISE_SCHEMA}:department&filter=userName%20eq%20%22ana@example.com%22`);
      expect(without.Resources[0]).not.toHaveProperty('emails');
      expect(without.Resources[0]).not.toHaveProperty('meta');
      expect(without.Resources[0]![ENTERPRISE_SCHEMA]).toEqual({ costCenter: 'CC-10', organization: 'Example', division: 'People' });
      const one = await scim('GET', `/Users/${ids['ana@example.com']}?attributes=title`);
      expect(one.json()).toEqual({ schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], id: ids['ana@example.com'], title: 'HR lead' });
    });

    it('patches with add, replace and remove, through plain, sub-attribute, value-filter and extension paths', async () => {
      const id = ids['carol@example.com']!;
      const r = await scim(
        'PATCH',
        `/Users/${id}`,
        patch(
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'carol.c@example.com' },
          { op: 'add', path: 'emails[type eq "home"].value', value: 'carol@home.example' },
          { op: 'add', path: 'name.middleName', value: 'Q' },
          { op: 'replace', value: { title: 'Auditor', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'Audit' } },
          { op: 'add', path: 'phoneNumbers', value: [{ value: '+351 1', type: 'work' }] },
          { op: 'remove', path: 'displayName' },
        ),
      );
      expect(r.statusCode, r.body).toBe(200);
      const c = r.json();
      expect(c.emails).toEqual([
        { value: 'carol.c@example.com', type: 'work', primary: true },
        { type: 'home', value: 'carol@home.example' },
      ]);
      expect(c).toMatchObject({ title: 'Auditor', name: { middleName: 'Q' }, phoneNumbers: [{ value: '+351 1', type: 'work' }], [ENTERPRISE_SCHEMA]: { department: 'Audit' }, meta: { version: 'W/"2"' } });
      expect(c).not.toHaveProperty('displayName');
      expect(r.headers.etag).toBe('W/"2"');
      const rm = await scim('PATCH', `/Users/${id}`, patch({ op: 'remove', path: 'emails[type eq "home"]' }, { op: 'remove', path: `${ENTERPRISE_SCHEMA}:department` }));
      expect(rm.json().emails).toEqual([{ value: 'carol.c@example.com', type: 'work', primary: true }]);
      expect(rm.json()[ENTERPRISE_SCHEMA]).toEqual({});
      // The person's reference follows the primary e-mail.
      const people = (await t.as('admin', { method: 'GET', url: '/api/v1/people' })).json().items;
      expect(people.map((p: { ref: string }) => p.ref).sort()).toEqual(['user:ana@example.com', 'user:bob@example.com', 'user:carol.c@example.com']);
    });

    it('refuses bad PATCH paths, targets and read-only attributes with their scimType', async () => {
      const id = ids['carol@example.com']!;
      const cases: [unknown, number, string][] = [
        [patch({ op: 'replace', path: 'shoeSize', value: 1 }), 400, 'invalidPath'],
        [patch({ op: 'replace', path: 'emails[type eq', value: 'x' }), 400, 'invalidPath'],
        [patch({ op: 'replace', path: 'title[value eq "x"]', value: 'x' }), 400, 'invalidPath'],
        [patch({ op: 'replace', path: 'emails[type eq "other"].value', value: 'x@y' }), 400, 'noTarget'],
        [patch({ op: 'remove' }), 400, 'noTarget'],
        [patch({ op: 'replace', path: 'id', value: 'x' }), 400, 'mutability'],
        [patch({ op: 'add', path: 'groups', value: [{ value: 'x' }] }), 400, 'mutability'],
        [patch({ op: 'move', path: 'title', value: 'x' }), 400, 'invalidSyntax'],
        [patch({ op: 'replace', path: 'active', value: 'maybe' }), 400, 'invalidValue'],
        [{ schemas: [USER_SCHEMA], Operations: [] }, 400, 'invalidSyntax'],
      ];
      for (const [body, status, scimType] of cases) {
        const r = await scim('PATCH', `/Users/${id}`, body);
        expect(r.statusCode, JSON.stringify(body)).toBe(status);
        expect(r.json(), JSON.stringify(body)).toMatchObject({ scimType });
      }
      // A stale ETag is refused: one IdP push does not undo another.
      const stale = await scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'title', value: 'x' }), { 'if-match': 'W/"1"' });
      expect(stale.statusCode).toBe(412);
    });

    it('replaces a user with PUT (attributes left out are cleared) and keeps the id', async () => {
      const id = ids['bob@example.com']!;
      const r = await scim('PUT', `/Users/${id}`, user('bob@example.com', { title: 'Staff engineer' }, { department: 'Platform', manager: { value: ids['ana@example.com'] } }));
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ id, title: 'Staff engineer', [ENTERPRISE_SCHEMA]: { department: 'Platform' } });
      expect(r.json()).not.toHaveProperty('userType');
      const taken = await scim('PUT', `/Users/${id}`, user('Ana@example.com'));
      expect(taken.statusCode).toBe(409);
      expect(taken.json()).toMatchObject({ scimType: 'uniqueness' });
    });

    it('creates, patches, replaces and deletes groups; members show on users', async () => {
      const g = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'HR Managers', externalId: 'okta-1', members: [{ value: ids['ana@example.com'] }] });
      expect(g.statusCode, g.body).toBe(201);
      const gid = g.json().id as string;
      expect(g.json()).toMatchObject({ displayName: 'HR Managers', externalId: 'okta-1', members: [{ value: ids['ana@example.com'], type: 'User' }] });
      expect((await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'hr managers' })).json()).toMatchObject({ status: '409', scimType: 'uniqueness' });
      const add = await scim('PATCH', `/Groups/${gid}`, patch({ op: 'add', path: 'members', value: [{ value: ids['bob@example.com'] }, { value: ids['carol@example.com'] }] }));
      expect(add.json().members.map((m: { value: string }) => m.value).sort()).toEqual([ids['ana@example.com'], ids['bob@example.com'], ids['carol@example.com']].sort());
      // Okta's rename carries the group's id in the value.
      const rm = await scim('PATCH', `/Groups/${gid}`, patch({ op: 'remove', path: `members[value eq "${ids['carol@example.com']}"]` }, { op: 'replace', value: { id: gid, displayName: 'HR Leads' } }));
      expect(rm.json()).toMatchObject({ displayName: 'HR Leads' });
      expect(rm.json().members).toHaveLength(2);
      // Entra ID's form: remove with the members as the value.
      const rm2 = await scim('PATCH', `/Groups/${gid}`, patch({ op: 'remove', path: 'members', value: [{ value: ids['bob@example.com'] }] }));
      expect(rm2.json().members.map((m: { value: string }) => m.value)).toEqual([ids['ana@example.com']]);
      const unknown = await scim('PATCH', `/Groups/${gid}`, patch({ op: 'add', path: 'members', value: [{ value: 'nobody' }] }));
      expect(unknown.json()).toMatchObject({ status: '400', scimType: 'invalidValue' });
      expect((await scim('GET', `/Users/${ids['ana@example.com']}`)).json().groups).toMatchObject([{ value: gid, display: 'HR Leads' }]);
      const byMember = await scim('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${ids['ana@example.com']}"]`)}`);
      expect(byMember.json().Resources.map((x: { id: string }) => x.id)).toEqual([gid]);
      expect((await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "hr leads"')}&excludedAttributes=members`)).json().Resources).toEqual([
        expect.not.objectContaining({ members: expect.anything() }),
      ]);
      const put = await scim('PUT', `/Groups/${gid}`, { schemas: [GROUP_SCHEMA], displayName: 'HR', members: [] });
      expect(put.json()).toMatchObject({ displayName: 'HR', members: [] });
      expect(put.json()).not.toHaveProperty('externalId');
      expect((await scim('DELETE', `/Groups/${gid}`)).statusCode).toBe(204);
      expect((await scim('GET', `/Groups/${gid}`)).statusCode).toBe(404);
    });

    it('deletes a user: gone from SCIM, kept as history, userName free again', async () => {
      const r = await scim('POST', '/Users', user('temp@example.com'));
      const id = r.json().id as string;
      expect((await scim('DELETE', `/Users/${id}`)).statusCode).toBe(204);
      expect((await scim('GET', `/Users/${id}`)).statusCode).toBe(404);
      expect((await scim('DELETE', `/Users/${id}`)).statusCode).toBe(404);
      expect(await names('userName eq "temp@example.com"')).toEqual([]);
      const row = await t.services.database.db.selectFrom('identity_people').select(['deleted', 'active']).where('id', '=', id).executeTakeFirst();
      expect(row).toEqual({ deleted: 1, active: 0 });
      expect((await scim('POST', '/Users', user('temp@example.com'))).statusCode).toBe(201);
    });

    it('refuses unknown schemas (audited), non-JSON bodies and missing userName', async () => {
      const r = await scim('POST', '/Users', { ...user('x@example.com'), schemas: [USER_SCHEMA, 'urn:example:params:scim:schemas:extension:acme:2.0:User'] });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ scimType: 'invalidSyntax', detail: expect.stringContaining('urn:example') });
      const ext = await scim('POST', '/Users', { ...user('x@example.com'), 'urn:example:acme:User': { badge: 1 } });
      expect(ext.json()).toMatchObject({ scimType: 'invalidSyntax' });
      const refused = await t.services.audit.list({ action: 'scim.refuse', limit: 10 });
      expect(refused.length).toBe(2);
      expect(refused[0]!.event).toMatchObject({ class_uid: 3001, status: 'Failure' });
      const text = await t.as('provisioner', { method: 'POST', url: '/scim/v2/Users', payload: 'userName: x', headers: { 'content-type': 'text/plain' } });
      expect(text.statusCode).toBe(415);
      expect(text.json()).toMatchObject({ status: '415', scimType: 'invalidSyntax' });
      const xml = await t.as('provisioner', { method: 'POST', url: '/scim/v2/Users', payload: '<x/>', headers: { 'content-type': 'application/xml' } });
      expect(xml.statusCode).toBe(415);
      expect(xml.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'] });
      const broken = await t.as('provisioner', { method: 'POST', url: '/scim/v2/Users', payload: '{"schemas": [', headers: { 'content-type': scimJson } });
      expect(broken.json()).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
      const plain = await t.as('provisioner', { method: 'POST', url: '/scim/v2/Users', payload: user('plain@example.com'), headers: { 'content-type': 'application/json' } });
      expect(plain.statusCode).toBe(201);
      // Attributes this server does not serve are ignored, a pushed password above all: it is never stored.
      const withPassword = await scim('POST', '/Users', { ...user('pw@example.com'), password: 'Hunter2!', shoeSize: 9 });
      expect(withPassword.statusCode).toBe(201);
      expect(withPassword.body).not.toContain('Hunter2');
      const stored = await t.services.database.db.selectFrom('identity_people').select('doc').where('id', '=', withPassword.json().id).executeTakeFirstOrThrow();
      expect(stored.doc).not.toContain('Hunter2');
      expect(stored.doc).not.toContain('shoeSize');
      const noName = await scim('POST', '/Users', { schemas: [USER_SCHEMA], emails: [{ value: 'y@example.com' }] });
      expect(noName.json()).toMatchObject({ status: '400', scimType: 'invalidValue' });
    });

    it('answers 401 without a token and 403 to a role without scim:provision, in SCIM format', async () => {
      const none = await t.app.inject({ method: 'GET', url: '/scim/v2/Users' });
      expect(none.statusCode).toBe(401);
      expect(none.headers['content-type']).toContain(scimJson);
      expect(none.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
      for (const role of ['builder', 'reviewer', 'viewer', 'auditor'] as const) {
        const r = await t.as(role, { method: 'GET', url: '/scim/v2/Users' });
        expect(r.statusCode, role).toBe(403);
        expect(r.json()).toMatchObject({ status: '403' });
      }
      expect((await t.as('admin', { method: 'GET', url: '/scim/v2/Users' })).statusCode).toBe(200);
      const nowhere = await t.as('provisioner', { method: 'GET', url: '/scim/v2/Bulk' });
      expect(nowhere.statusCode).toBe(404);
      expect(nowhere.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
      // The provisioner reaches nothing else.
      expect((await t.as('provisioner', { method: 'GET', url: '/api/v1/apps' })).statusCode).toBe(403);
    });

    it('describes itself: ServiceProviderConfig, ResourceTypes and Schemas', async () => {
      const spc = (await scim('GET', '/ServiceProviderConfig')).json();
      expect(spc).toMatchObject({ patch: { supported: true }, filter: { supported: true, maxResults: 1000 }, bulk: { supported: false }, sort: { supported: true }, etag: { supported: true } });
      const types = (await scim('GET', '/ResourceTypes')).json();
      expect(types.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
      expect((await scim('GET', '/ResourceTypes/User')).json()).toMatchObject({ schema: USER_SCHEMA, schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }] });
      const schemas = (await scim('GET', '/Schemas')).json();
      expect(schemas.Resources.map((r: { id: string }) => r.id)).toEqual([USER_SCHEMA, ENTERPRISE_SCHEMA, GROUP_SCHEMA]);
      const u = (await scim('GET', `/Schemas/${USER_SCHEMA}`)).json();
      expect(u.attributes.find((a: { name: string }) => a.name === 'userName')).toMatchObject({ required: true, uniqueness: 'server', caseExact: false });
    });

    it('audits every change as Account Change (3001) or Group Management (3006)', async () => {
      const events = await t.services.audit.list({ limit: 10_000 });
      const classes = new Set(events.filter((e) => /^(person|group)\./.test(e.event.api.operation)).map((e) => `${e.event.api.operation}:${e.event.class_uid}`));
      expect(classes).toContain('person.create:3001');
      expect(classes).toContain('person.patch:3001');
      expect(classes).toContain('person.replace:3001');
      expect(classes).toContain('person.delete:3001');
      expect(classes).toContain('group.create:3006');
      expect(classes).toContain('group.delete:3006');
    });
  });
}
