/**
 * The gateway's test world: the HR schema in the real PostgreSQL (the "HR database"), the
 * example HR connector connected to it, an app approved through governance, and its OAuth
 * access token. The golden-path test reuses it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { systemActor } from '../src/auth/index.ts';
import { makeTestApp, type TestApp } from './app.ts';
import type { TestDatabase } from './databases.ts';
import type { Config } from '../src/config.ts';
import { allChecked, appYaml, connectorYaml, yaml } from './leave-requests.ts';

/** The HR database the tests read: PostgreSQL on loopback (trust authentication). */
export const hrDatabaseUrl = process.env.TRELLIS_TEST_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';

export const employees = [
  { id: 1, name: 'Ana Hr', email: 'ana.hr@example.com', ssn: '123-45-6789', date_of_birth: '1980-02-01', salary: 91000, department: 'HR', manager_id: null, leave_balance: 21 },
  { id: 2, name: 'Ben Finance', email: 'ben.fin@example.com', ssn: '987-65-4321', date_of_birth: '1985-07-12', salary: 82000, department: 'Finance', manager_id: 1, leave_balance: 12 },
  { id: 3, name: 'Cleo Finance', email: 'cleo.fin@example.com', ssn: '555-12-3456', date_of_birth: '1990-11-30', salary: 78000, department: 'Finance', manager_id: 2, leave_balance: 5 },
];

/** A schema of its own with the employees table and its rows; dropped by the returned function. */
export async function createHrSchema(): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `gw_hr_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: hrDatabaseUrl });
  await client.connect();
  try {
    await client.query(`create schema ${schema}`);
    await client.query(`create table ${schema}.employees (id int primary key, name text, email text, ssn text, date_of_birth date, salary int, department text, manager_id int, leave_balance int)`);
    for (const e of employees) await client.query(`insert into ${schema}.employees values ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, [e.id, e.name, e.email, e.ssn, e.date_of_birth, e.salary, e.department, e.manager_id, e.leave_balance]);
  } finally {
    await client.end();
  }
  return {
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: hrDatabaseUrl });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`).finally(() => c.end());
    },
  };
}

/** The example HR connector, connected to `schema` of the HR database as its static user. */
export function connectedHrConnector(schema: string, mode: 'static' | 'dynamic' = 'static'): string {
  const u = new URL(hrDatabaseUrl);
  return connectorYaml.replace(
    '  resources:\n',
    [
      '  connection:',
      `    host: ${u.hostname}`,
      `    port: ${u.port || 5432}`,
      `    database: ${u.pathname.slice(1)}`,
      `    schema: ${schema}`,
      '    tls: disable',
      '    allowPrivateHost: true',
      `    credentials: { mode: ${mode}, username: ${decodeURIComponent(u.username) || 'root'}, secret: hr-db }`,
      '  resources:\n',
    ].join('\n'),
  );
}

/** Register, approve and give a client secret to an app (as its owner ana and reviewer rick); returns its client id and secret. */
export async function approvedApp(t: TestApp, manifestYaml: string, name: string): Promise<{ clientId: string; secret: string }> {
  const ana = (await t.services.tokens.create(systemActor, { name: `ana-${name}`, role: 'builder', subject: 'user:ana.hr@example.com' })).token;
  const rick = (await t.services.tokens.create(systemActor, { name: `rick-${name}`, role: 'reviewer', subject: 'user:rick.sec@example.com' })).token;
  const as = (tok: string, o: InjectOptions) => t.app.inject({ ...o, headers: { ...(o.headers ?? {}), authorization: `Bearer ${tok}` } });
  const reg = await as(ana, { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: manifestYaml });
  if (reg.statusCode >= 300) throw new Error(`registering ${name}: ${reg.body}`);
  if (reg.json().status !== 'approved') {
    const review = (await t.as('reviewer', { method: 'GET', url: '/api/v1/reviews?status=open' })).json().items.find((r: { app: string }) => r.app === name);
    const ok = await as(rick, { method: 'POST', url: `/api/v1/reviews/${review.id}/approve`, payload: { checklist: allChecked } });
    if (ok.statusCode !== 200) throw new Error(`approving ${name}: ${ok.body}`);
  }
  const cred = await as(ana, { method: 'POST', url: `/api/v1/apps/${name}/credentials`, payload: { type: 'client_secret' } });
  if (cred.statusCode !== 201) throw new Error(`credential for ${name}: ${cred.body}`);
  const list = await t.as('admin', { method: 'GET', url: `/api/v1/apps/${name}/credentials` });
  return { clientId: list.json().client_id, secret: cred.json().client_secret };
}

/** Store a secret value (the secret store's service, as an admin would through the API). */
export async function putSecret(t: TestApp, name: string, value: string): Promise<void> {
  await (t.services as unknown as { secrets: { put(c: unknown, n: string, b: { value: string }): Promise<unknown> } }).secrets.put({ actor: systemActor }, name, { value });
}

/** An access token for the app by client credentials. */
export async function accessToken(t: TestApp, app: { clientId: string; secret: string }, params: Record<string, string> = {}): Promise<string> {
  const r = await t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.secret)}`).toString('base64')}` },
    payload: new URLSearchParams({ grant_type: 'client_credentials', ...params }).toString(),
  });
  if (r.statusCode !== 200) throw new Error(`token: ${r.body}`);
  return r.json().access_token as string;
}

export interface GatewayFixture {
  t: TestApp;
  schema: string;
  /** The leave-requests app's token (audience trellis:connector:hr, scope hr:read). */
  token: string;
  app: { clientId: string; secret: string };
  /** A gateway call with the app's token. */
  call(opts: InjectOptions, token?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Trellis on `tdb` with the HR connector connected, the leave-requests app approved and its token. */
export async function startGatewayFixture(tdb: TestDatabase, opts: { mode?: 'static' | 'dynamic'; settings?: Partial<Config> } = {}): Promise<GatewayFixture> {
  const hr = await createHrSchema();
  const t = await makeTestApp(tdb, {}, opts.settings);
  try {
    await putSecret(t, 'hr-db', 'hr-db-password-not-needed-with-trust');
    const applied = await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: connectedHrConnector(hr.schema, opts.mode) });
    if (applied.statusCode >= 300) throw new Error(`connector: ${applied.body}`);
    await t.services.gateway.refreshConnectors();
    const app = await approvedApp(t, appYaml, 'leave-requests');
    const token = await accessToken(t, app);
    return {
      t,
      schema: hr.schema,
      token,
      app,
      call: (o, tok = token) => t.app.inject({ ...o, headers: { ...(o.headers ?? {}), authorization: `Bearer ${tok}` } }),
      close: async () => {
        await t.close();
        await hr.drop();
      },
    };
  } catch (err) {
    await t.close();
    await hr.drop();
    throw err;
  }
}
