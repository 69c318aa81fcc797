/**
 * No credential reaches the logs. A server logging at `trace` is given every kind of secret it
 * handles — the bootstrap token, API tokens, secret values, an OAuth client secret, an app's
 * access token, a password in a connector URL, webhook signing secrets, the metrics scrape
 * token — carried in headers, bodies, query strings and requests that fail; every line it writes
 * (pino, console, stdout and stderr) is captured and searched for each value.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InjectOptions } from 'fastify';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { accessToken, approvedApp } from '../../test/gateway-fixture.ts';
import { appYaml, connectorYaml, yaml } from '../../test/leave-requests.ts';
import { systemActor } from '../auth/index.ts';
import { roles } from '../module.ts';

const scrapeToken = 'scrape-token-6b1f0c7d9e2a4f38';
const secretValues = ['secret-value-one-2f9d7c1a', 'secret-value-two-8e4b6a30', 'secret-value-three-5c2e9f17'];
const urlPassword = 'conn-url-pw-4d8a1e6b';
const shortValue = 'pw9f3e1a2b';
const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(testDatabases)('log redaction on $name', (tdb) => {
  const lines: string[] = [];
  const credentials = new Map<string, string>();
  let t: TestApp;
  let bootstrap: string;
  const restore: (() => void)[] = [];

  beforeAll(async () => {
    // Whatever bypasses pino (console, direct writes) is captured too.
    for (const stream of [process.stdout, process.stderr]) {
      const spy = vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      }) as typeof stream.write);
      restore.push(() => spy.mockRestore());
    }
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const spy = vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
      restore.push(() => spy.mockRestore());
    }
    // The webhooks service reads this when it is made: receivers on loopback are allowed.
    const saved = process.env.TRELLIS_WEBHOOK_ALLOW_PRIVATE;
    process.env.TRELLIS_WEBHOOK_ALLOW_PRIVATE = 'true';
    try {
      t = await makeTestApp(tdb, {}, { metricsToken: scrapeToken, publicUrl: 'http://trellis.test' }, { level: 'trace', write: (line) => void lines.push(line) });
      // The token a first start makes (tokens.ensureBootstrapToken, which makes none once the test app's exist).
      bootstrap = (await t.services.tokens.create(systemActor, { name: 'bootstrap-admin', role: 'admin' })).token;
    } finally {
      if (saved === undefined) delete process.env.TRELLIS_WEBHOOK_ALLOW_PRIVATE;
      else process.env.TRELLIS_WEBHOOK_ALLOW_PRIVATE = saved;
    }
  });
  afterAll(async () => {
    await t?.close();
    for (const r of restore) r();
  });

  const bearer = (token: string, opts: InjectOptions) => t.app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${token}` } });

  it('writes none of the credentials it handled to any log line', async () => {
    credentials.set('bootstrap token', bootstrap);
    for (const role of roles) credentials.set(`${role} API token`, t.tokens[role]);

    // The bootstrap token, in the header and (wrongly) in a query string and a cookie.
    expect((await bearer(bootstrap, { method: 'GET', url: `/api/v1/whoami?token=${bootstrap}` })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: { cookie: `trellis_session=${bootstrap}`, 'x-api-key': bootstrap } })).statusCode).toBe(401);

    // An API token made through the API, then used, revoked and used again (refused).
    const made = await t.as('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'ci-robot', role: 'builder' } });
    expect(made.statusCode).toBe(201);
    const robot = made.json<{ token: string; id: string }>();
    credentials.set('API token made through the API', robot.token);
    expect((await bearer(robot.token, { method: 'GET', url: '/api/v1/apps' })).statusCode).toBe(200);
    expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/tokens/${robot.id}` })).statusCode).toBeLessThan(300);
    expect((await bearer(robot.token, { method: 'GET', url: '/api/v1/apps' })).statusCode).toBe(401);
    // A malformed bearer value and a forged one.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/apps', headers: { authorization: `Bearer ${robot.token} extra` } })).statusCode).toBe(401);
    expect((await bearer(`${robot.token.slice(0, -4)}AAAA`, { method: 'GET', url: '/api/v1/apps' })).statusCode).toBe(401);

    // Secret values: stored, rotated, refused in a bad body, and in a body that is not JSON.
    credentials.set('secret value', secretValues[0]!);
    credentials.set('rotated secret value', secretValues[1]!);
    credentials.set('secret value in a refused body', secretValues[2]!);
    expect((await t.as('admin', { method: 'PUT', url: '/api/v1/secrets/crm-key', payload: { value: secretValues[0] } })).statusCode).toBe(201);
    expect((await t.as('admin', { method: 'PUT', url: '/api/v1/secrets/crm-key', payload: { value: secretValues[1] } })).statusCode).toBe(200);
    expect((await t.as('admin', { method: 'PUT', url: '/api/v1/secrets/crm-key', payload: { value: secretValues[2], colour: secretValues[2] } })).statusCode).toBe(400);
    expect((await t.as('admin', { method: 'PUT', url: '/api/v1/secrets/crm-key', headers: { 'content-type': 'application/json' }, payload: `{"value": "${secretValues[2]}", ` })).statusCode).toBe(400);
    // JSON.parse quotes the text around a syntax error in its message: a short value is quoted whole.
    credentials.set('short value sent as a body that is not JSON', shortValue);
    expect((await t.as('admin', { method: 'PUT', url: '/api/v1/secrets/crm-key', headers: { 'content-type': 'application/json' }, payload: shortValue })).statusCode).toBe(400);
    // JSON.parse quotes the text around a syntax error in its message.
    expect((await t.as('admin', { method: 'PUT', url: '/api/v1/secrets/crm-key', headers: { 'content-type': 'application/json' }, payload: `{"value": "${secretValues[2]}" x}` })).statusCode).toBe(400);
    expect((await t.as('viewer', { method: 'PUT', url: '/api/v1/secrets/crm-key', payload: { value: secretValues[2] } })).statusCode).toBe(403);
    expect((await t.as('admin', { method: 'PUT', url: `/api/v1/secrets/${'x'.repeat(300)}`, payload: { value: secretValues[2] } })).statusCode).toBe(400);

    // A password in a connector URL: refused, and the refusal does not repeat it.
    const withPassword = connectorYaml.replace('metadata:\n  name: hr', 'metadata:\n  name: crm-pw').replace('spec:\n', `spec:\n  connection: { baseUrl: 'https://svc:${urlPassword}@crm.example.com/api' }\n`);
    credentials.set('password in a connector URL', urlPassword);
    const refused = await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: withPassword });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).not.toContain(urlPassword);

    // An app's OAuth client secret and its access token, used at every OAuth endpoint and the gateway.
    expect((await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: connectorYaml })).statusCode).toBeLessThan(300);
    const app = await approvedApp(t, appYaml, 'leave-requests');
    credentials.set('OAuth client secret', app.secret);
    const access = await accessToken(t, app);
    credentials.set('app access token', access);
    const post = new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.secret }).toString();
    expect((await t.app.inject({ method: 'POST', url: '/oauth/token', headers: form, payload: post })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/oauth/token?client_secret=${app.secret}`, headers: form, payload: `${post}x` })).statusCode).toBe(401);
    const introspect = `token=${access}&client_id=${app.clientId}&client_secret=${app.secret}`;
    expect((await t.app.inject({ method: 'POST', url: '/oauth/introspect', headers: form, payload: introspect })).statusCode).toBe(200);
    expect((await bearer(access, { method: 'POST', url: '/gw/v1/hr/employees/query', payload: { fields: ['name'] } })).statusCode).toBeGreaterThanOrEqual(400);
    expect((await bearer(access, { method: 'GET', url: `/api/v1/apps?access_token=${access}` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/oauth/revoke', headers: form, payload: introspect })).statusCode).toBe(200);
    expect((await bearer(access, { method: 'POST', url: '/gw/v1/hr/employees/query', payload: { fields: ['name'] } })).statusCode).toBe(401);

    // Webhook signing secrets: made, rotated (a loopback receiver URL: this app allows private addresses).
    const hook = await t.as('admin', { method: 'POST', url: '/api/v1/webhooks', payload: { url: 'http://127.0.0.1:9/trellis', events: ['*'] } });
    expect(hook.statusCode, hook.body).toBe(201);
    const sub = hook.json<{ id: string; secret: string }>();
    credentials.set('webhook secret', sub.secret);
    const rotated = await t.as('admin', { method: 'POST', url: `/api/v1/webhooks/${sub.id}/rotate-secret` });
    expect(rotated.statusCode).toBe(200);
    credentials.set('rotated webhook secret', rotated.json<{ secret: string }>().secret);

    // The metrics scrape token, right and wrong.
    credentials.set('metrics scrape token', scrapeToken);
    expect((await bearer(scrapeToken, { method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect((await bearer(`${scrapeToken}0`, { method: 'GET', url: '/metrics' })).statusCode).toBe(401);

    await t.services.gateway.flushAudit();
    // The server did log: one line per request at least, at trace level.
    expect(lines.filter((l) => l.includes('"request completed"') || l.includes('"request errored"')).length).toBeGreaterThan(30);
    // What was captured is the server's log: its lines name the routes called.
    expect(lines.some((l) => l.includes('"path":"/api/v1/secrets/crm-key"'))).toBe(true);
    for (const [what, value] of credentials) {
      expect(value.length, what).toBeGreaterThanOrEqual(10);
      const leaks = lines.filter((l) => l.includes(value) || l.includes(encodeURIComponent(value)));
      expect(leaks, `${what} in the logs`).toEqual([]);
    }
  });
});
