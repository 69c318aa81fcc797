/**
 * The golden path's second half, on both databases, with real parts only: the machine's
 * PostgreSQL as the HR database, a real HTTP server on loopback standing in for Slack, the
 * person provisioned through SCIM. The approved leave-request app exchanges an HR manager's
 * credential for a token, reads leave balances through the gateway (only approved fields, the
 * e-mails masked, only the manager's department), cannot read `ssn` however it asks, reads
 * through its own leased role that holds no `ssn` grant, has its Slack export carrying an SSN
 * blocked while the same export without it is delivered — and every step is in the audit trail,
 * without the values. Suspending the app stops its token and drops its role.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './databases.ts';
import { makeTestApp, type TestApp } from './app.ts';
import { appYaml, yaml } from './leave-requests.ts';
import { accessToken, approvedApp, connectedHrConnector, hrDatabaseUrl, putSecret } from './gateway-fixture.ts';
import { startReceiver, type Receiver } from '../src/webhooks/test-receiver.ts';
import { systemActor } from '../src/auth/index.ts';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const exchangeGrant = 'urn:ietf:params:oauth:grant-type:token-exchange';
const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';

// Realistic values: the DLP engine treats well-known test values (078-05-1120, @example.com) as samples.
const staff = [
  { id: 1, name: 'Ines Duarte', email: 'ines.duarte@northwind-hr.com', ssn: '431-62-9087', department: 'HR', leave_balance: 21 },
  { id: 2, name: 'Marta Okafor', email: 'marta.okafor@northwind-hr.com', ssn: '512-44-8231', department: 'Finance', leave_balance: 12 },
  { id: 3, name: 'Tomasz Lindqvist', email: 'tomasz.lindqvist@northwind-hr.com', ssn: '268-19-5540', department: 'Finance', leave_balance: 5 },
  { id: 4, name: 'Ravi Mehta', email: 'ravi.mehta@northwind-hr.com', ssn: '603-71-2298', department: 'Engineering', leave_balance: 17 },
];

// The example app, with the row filter an HR manager's tool needs: each manager sees their own department.
const appWithRowFilter = appYaml.replace(
  '          access: read\n',
  '          access: read\n          rowFilters:\n            - { field: department, op: eq, value: "$subject.department" }\n',
);

async function withHrDb<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: hrDatabaseUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

for (const tdb of testDatabases) {
  describe(`golden path, second half, on ${tdb.name}`, () => {
    const schema = `gp_hr_${randomBytes(5).toString('hex')}`;
    let t: TestApp;
    let slack: Receiver;
    let token: string;
    let app: { clientId: string; secret: string };
    const gw = (payload: object, url = '/gw/v1/hr/employees/query') => t.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}` } });

    beforeAll(async () => {
      await withHrDb(async (c) => {
        await c.query(`create schema ${schema}`);
        await c.query(`create table ${schema}.employees (id int primary key, name text, email text, ssn text, date_of_birth date, salary int, department text, manager_id int, leave_balance int)`);
        for (const e of staff) await c.query(`insert into ${schema}.employees (id, name, email, ssn, department, leave_balance) values ($1,$2,$3,$4,$5,$6)`, [e.id, e.name, e.email, e.ssn, e.department, e.leave_balance]);
      });
      t = await makeTestApp(tdb);
      slack = await startReceiver();

      // The admin's part: the database password and the Slack webhook in the secret store, the
      // connector connected on dynamic credentials, the Slack destination.
      await putSecret(t, 'hr-db', 'not-used-under-trust-auth');
      await putSecret(t, 'hr-slack-webhook', slack.url);
      const applied = await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: connectedHrConnector(schema, 'dynamic') });
      expect(applied.statusCode, applied.body).toBeLessThan(300);
      await t.services.gateway.refreshConnectors();
      const dest = await t.as('admin', { method: 'POST', url: '/api/v1/export-destinations', payload: { destination: 'slack', target: '#hr-leave', secret: 'hr-slack-webhook', allowPrivateHost: true } });
      expect(dest.statusCode, dest.body).toBe(201);

      // The IdP provisions the HR manager of the Finance department, in the hr-managers group.
      const scim = await t.as('provisioner', {
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { 'content-type': 'application/scim+json' },
        payload: JSON.stringify({ schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], userName: 'marta.okafor@northwind-hr.com', emails: [{ value: 'marta.okafor@northwind-hr.com', primary: true }], [ENTERPRISE_SCHEMA]: { department: 'Finance' } }),
      });
      expect(scim.statusCode, scim.body).toBe(201);
      const group = await t.as('provisioner', {
        method: 'POST',
        url: '/scim/v2/Groups',
        headers: { 'content-type': 'application/scim+json' },
        payload: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'hr-managers', members: [{ value: scim.json().id }] }),
      });
      expect(group.statusCode, group.body).toBe(201);

      // The first half: registered, reviewed, approved (governance's golden-path test walks it step by step).
      app = await approvedApp(t, appWithRowFilter, 'leave-requests');
    }, 60_000);

    afterAll(async () => {
      await t?.services.leases.revokeApp('leave-requests', 'test over', systemActor).catch(() => {});
      await slack?.close();
      await t?.close();
      await withHrDb((c) => c.query(`drop schema if exists ${schema} cascade`));
    });

    it('the app gets a token for the manager by token exchange', async () => {
      const marta = (await t.services.tokens.create(systemActor, { name: 'marta', role: 'viewer', subject: 'user:marta.okafor@northwind-hr.com' })).token;
      token = await accessToken(t, app, { grant_type: exchangeGrant, subject_token: marta, subject_token_type: accessTokenType });
      // Without a person there is no department to filter by, so a plain client-credentials read is refused.
      const bare = await accessToken(t, app);
      const r = await t.app.inject({ method: 'POST', url: '/gw/v1/hr/employees/query', payload: {}, headers: { authorization: `Bearer ${bare}` } });
      expect(r.statusCode).toBe(403);
      expect(r.json()).toMatchObject({ code: 'query_row_filter_unresolved' });
    });

    // The pack's settings give the hr-managers group confidential clearance: names in clear, e-mails still masked.
    it("reads leave balances: approved fields only, e-mails masked, only the manager's department", async () => {
      const r = await gw({ order: [{ field: 'id', dir: 'asc' }] });
      expect(r.statusCode, r.body).toBe(200);
      const rows = r.json().rows as Record<string, unknown>[];
      expect(rows.map((x) => x.name)).toEqual(['Marta Okafor', 'Tomasz Lindqvist']);
      for (const row of rows) {
        expect(Object.keys(row).sort()).toEqual(['email', 'id', 'leave_balance', 'name']);
        expect(row.email).not.toMatch(/^[a-z.]+@northwind-hr\.com$/);
      }
      expect(rows.map((x) => x.leave_balance)).toEqual([12, 5]);
      expect(r.body).not.toContain('okafor@');
    });

    it('cannot read ssn, whether it asks for it, filters on it or orders by it', async () => {
      for (const payload of [{ fields: ['name', 'ssn'] }, { filter: [{ field: 'ssn', op: 'like', value: '5%' }] }, { order: [{ field: 'ssn' }] }]) {
        const r = await gw(payload);
        expect(r.statusCode, r.body).toBe(403);
        expect(r.json().code).toBe('query_field_not_allowed');
        expect(r.body).not.toMatch(/\d{3}-\d{2}-\d{4}/);
      }
      // A value that tries SQL is a value.
      const sqlish = await gw({ filter: [{ field: 'name', op: 'eq', value: "x' or '1'='1" }] });
      expect(sqlish.statusCode).toBe(200);
      expect(sqlish.json().rows).toEqual([]);
    });

    it("reads through the app's own leased role, which holds no grant on ssn", async () => {
      const [lease] = (await t.services.leases.list({ app: 'leave-requests', state: 'active' })).items;
      expect(lease).toBeDefined();
      const cols = await withHrDb((c) => c.query(`select column_name from information_schema.column_privileges where grantee = $1 and table_schema = $2 and privilege_type = 'SELECT' order by 1`, [lease!.role, schema]));
      const granted = cols.rows.map((x: { column_name: string }) => x.column_name);
      expect(granted).not.toContain('ssn');
      expect(granted).toEqual(expect.arrayContaining(['email', 'id', 'leave_balance', 'name']));
      // The role itself cannot read the column, even with a query of its own.
      const denied = await withHrDb(async (c) => {
        await c.query(`set role "${lease!.role.replaceAll('"', '""')}"`);
        return c.query(`select ssn from ${schema}.employees`).then(
          () => 'read',
          (e: Error) => e.message,
        );
      });
      expect(denied).toMatch(/permission denied/);
    });

    it('blocks the Slack export carrying an SSN and delivers the same export without it', async () => {
      const blocked = await gw({ target: '#hr-leave', text: 'Leave balances', records: [{ name: 'Marta Okafor', leave_balance: 12, note: 'SSN 512-44-8231' }] }, '/gw/v1/exports/slack');
      expect(blocked.statusCode, blocked.body).toBe(403);
      expect(blocked.json()).toMatchObject({ code: 'export_blocked', detected: ['pii.ssn'] });
      expect(blocked.body).not.toContain('512-44-8231');
      expect(slack.requests).toHaveLength(0);

      const sent = await gw({ target: '#hr-leave', text: 'Leave balances', records: [{ name: 'Marta Okafor', leave_balance: 12 }] }, '/gw/v1/exports/slack');
      expect(sent.statusCode, sent.body).toBe(200);
      expect(sent.json()).toMatchObject({ outcome: 'delivered' });
      expect(slack.requests).toHaveLength(1);
      expect(slack.requests[0]!.body).toContain('Marta Okafor');
    });

    it('suspending the app stops its token at once and drops its database role', async () => {
      const [lease] = (await t.services.leases.list({ app: 'leave-requests', state: 'active' })).items;
      const s = await t.as('reviewer', { method: 'POST', url: '/api/v1/apps/leave-requests/transitions', payload: { to: 'suspended', reason: 'incident drill' } });
      expect(s.statusCode, s.body).toBe(200);
      const after = await gw({});
      // Whichever this replica learns first refuses it: the app's status (403) or the voided client (401).
      expect([401, 403]).toContain(after.statusCode);
      expect(['gateway_app_inactive', 'gateway_token_invalid']).toContain(after.json().code);
      // The role is dropped after the suspension commits; the module's job does it without being asked.
      let exists = true;
      for (let i = 0; i < 100 && exists; i++) {
        exists = (await withHrDb((c) => c.query('select 1 from pg_roles where rolname = $1', [lease!.role]))).rowCount === 1;
        if (exists) await new Promise((r) => setTimeout(r, 100));
      }
      expect(exists).toBe(false);
    });

    it('has every step in the audit trail, and no value it protected', async () => {
      await t.services.gateway.flushAudit();
      const trail = await t.services.audit.list({ limit: 5000 });
      const ops = trail.map((r) => r.event.api.operation);
      for (const op of ['connector.create', 'secret.create', 'oauth.token.issue', 'lease.create', 'gateway.query', 'export.blocked', 'export.deliver', 'lease.revoke']) expect(ops, op).toContain(op);
      const reads = trail.filter((r) => r.event.api.operation === 'gateway.query');
      expect(reads.some((r) => r.event.class_uid === 6005 && r.event.status === 'Success')).toBe(true);
      expect(reads.some((r) => r.event.status === 'Failure')).toBe(true);
      expect(trail.find((r) => r.event.api.operation === 'export.blocked')!.event.class_uid).toBe(2006);
      const text = JSON.stringify(trail);
      for (const e of staff) expect(text).not.toContain(e.ssn);
      expect(text).not.toContain(slack.url);
      expect(text).not.toContain('marta.okafor@northwind-hr.com>'); // the masked e-mails never appear clear in a read event
    });
  });
}
