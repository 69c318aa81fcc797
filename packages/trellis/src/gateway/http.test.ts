/**
 * The gateway in front of an http connector: a real HTTP server on 127.0.0.1 plays the SaaS
 * API. The API key reaches the upstream and never the app — every response, audit event and
 * log line is searched for it — and an upstream that hangs, redirects to a private address or
 * answers too much is a clear problem document, audited, with the gateway unharmed.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { accessToken, approvedApp, putSecret, startGatewayFixture, type GatewayFixture } from '../../test/gateway-fixture.ts';
import { appYaml, yaml } from '../../test/leave-requests.ts';

const apiKey = 'crm-live-key-7f3a9c1e5b2d4f6a8c0e';
const contacts = [
  { id: 1, name: 'Dora Buyer', email: 'dora@customer.example', secret_note: 'owes us', internal_score: 9 },
  { id: 2, name: 'Eli Lead', email: 'eli@lead.example', secret_note: 'hot lead', internal_score: 3 },
];

function crmConnector(port: number): string {
  return `apiVersion: trellis.dev/v1
kind: Connector
metadata:
  name: crm
spec:
  type: http
  owner: group:sales
  connection:
    baseUrl: http://127.0.0.1:${port}/api
    allowPrivateHost: true
    timeoutMs: 1000
    maxResponseBytes: 65536
    pagination: { style: link }
    auth: { type: header, name: X-Api-Key, secret: crm-key }
  resources:
    - name: contacts
      path: /v1/contacts
      methods: [GET, POST]
      fields:
        - name: id
        - name: name
          tags: [pii.name]
        - name: email
          tags: [pii.email]
        - name: secret_note
          tags: [confidential]
    - name: vault
      path: /vault
      fields: [{ name: id }, { name: api_token, tags: [secret] }]
    - name: contact
      path: /v1/contacts/{id}
      methods: [GET]
      fields: [{ name: id }, { name: name, tags: [pii.name] }]
    - name: hang
      path: /hang
      fields: [{ name: id }]
    - name: redirect
      path: /redirect
      fields: [{ name: id }]
    - name: huge
      path: /huge
      fields: [{ name: id }]
    - name: echo
      path: /echo
      fields: [{ name: id }, { name: message }]
`;
}

/** Connectors whose upstream is an address the gateway must never reach. */
const forbiddenConnector = (name: string, baseUrl: string, allowPrivateHost: boolean) => `apiVersion: trellis.dev/v1
kind: Connector
metadata:
  name: ${name}
spec:
  type: http
  owner: group:sales
  connection: { baseUrl: '${baseUrl}', allowPrivateHost: ${allowPrivateHost}, timeoutMs: 1000 }
  resources:
    - name: things
      path: /things
      fields: [{ name: id }]
`;

const crmApp = appYaml
  .replace('name: leave-requests', 'name: crm-dashboard')
  .replace(/ {2}connectors:[\s\S]*? {2}exports:[\s\S]*?(?= {2}egress:)/, `  connectors:
    - name: crm
      resources:
        - { name: contacts, fields: [id, name, email, secret_note], access: read }
        - { name: contact, fields: [id, name], access: read }
        - { name: hang, fields: [id], access: read }
        - { name: redirect, fields: [id], access: read }
        - { name: huge, fields: [id], access: read }
        - { name: echo, fields: [id, message], access: read }
        - { name: vault, fields: [id, api_token], access: read }
    - name: metadata
      resources:
        - { name: things, fields: [id], access: read }
    - name: loopback
      resources:
        - { name: things, fields: [id], access: read }
`);

for (const tdb of testDatabases) {
  describe(`gateway (http connector) on ${tdb.name}`, () => {
    let f: GatewayFixture;
    let upstream: Server;
    let port: number;
    let token: string;
    let app: { clientId: string; secret: string };
    const seen: { url: string; headers: IncomingMessage['headers'] }[] = [];
    const logs: string[] = [];
    const original: Partial<Pick<Console, 'warn' | 'log' | 'error'>> = {};
    const hanging = new Set<import('node:http').ServerResponse>();

    beforeAll(async () => {
      upstream = createServer((req, res) => {
        seen.push({ url: req.url ?? '', headers: req.headers });
        if (req.headers['x-api-key'] !== apiKey) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad key"}');
        const u = new URL(req.url ?? '/', 'http://x');
        if (u.pathname === '/api/v1/contacts') {
          res.writeHead(200, { 'content-type': 'application/json', 'x-api-key': apiKey, 'set-cookie': 'sid=1', link: `<http://127.0.0.1:${port}/api/v1/contacts?page=2>; rel="next"` });
          return void res.end(JSON.stringify({ total: 2, data: contacts }));
        }
        // Raw text: a member named __proto__ that JSON.stringify of an object literal would not write.
        if (u.pathname === '/api/v1/contacts/3') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":3,"__proto__":{"admin":true},"name":"Proto Pete","internal_score":1}');
        if (u.pathname === '/api/v1/contacts/2') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(contacts[1]));
        if (u.pathname === '/api/hang') return void hanging.add(res);
        if (u.pathname === '/api/redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
        if (u.pathname === '/api/huge') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ id: 'x'.repeat(200_000) }]));
        if (u.pathname === '/api/echo') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 1, message: `your key ${apiKey} is fine` }));
        res.writeHead(404).end();
      });
      await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
      port = (upstream.address() as AddressInfo).port;
      f = await startGatewayFixture(tdb);
      // Whatever the gateway writes to the console (its warnings) is kept to be searched.
      for (const k of ['warn', 'log', 'error'] as const) {
        original[k] = console[k];
        console[k] = (...a: unknown[]) => void logs.push(a.map(String).join(' '));
      }
      await putSecret(f.t, 'crm-key', apiKey);
      for (const manifest of [crmConnector(port), forbiddenConnector('metadata', 'http://169.254.169.254/latest', true), forbiddenConnector('loopback', `https://localhost:${port}`, false)]) {
        const applied = await f.t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: manifest });
        expect(applied.statusCode, applied.body).toBeLessThan(300);
      }
      await f.t.services.gateway.refreshConnectors();
      app = await approvedApp(f.t, crmApp, 'crm-dashboard');
      token = await accessToken(f.t, app, { audience: 'trellis:connector:crm' });
    }, 60_000);
    afterAll(async () => {
      Object.assign(console, original);
      for (const r of hanging) r.destroy();
      await f?.close();
      await new Promise((r) => upstream.close(r));
    });

    const get = (path: string) => f.call({ method: 'GET', url: `/gw/v1/crm/http${path}` }, token);

    it("injects the API key upstream, returns only approved fields with the policy's transform, and no upstream header", async () => {
      const r = await get('/v1/contacts');
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json();
      expect(body.total).toBe(2);
      expect(body.data).toHaveLength(2);
      expect(Object.keys(body.data[0]).sort()).toEqual(['email', 'id', 'name', 'secret_note']);
      expect(r.headers['x-api-key']).toBeUndefined();
      expect(r.headers['set-cookie']).toBeUndefined();
      expect(r.headers.link).toBe('</gw/v1/crm/http/v1/contacts?page=2>; rel="next"');
      const call = seen.at(-1)!;
      expect(call.headers['x-api-key']).toBe(apiKey);
      expect(call.headers.authorization).toBeUndefined();
      const one = await get('/v1/contacts/2');
      expect(one.json()).toEqual({ id: 2, name: 'Eli Lead' });
      // An unapproved member named __proto__ is dropped like any other, and sets no prototype on the way.
      const proto = await get('/v1/contacts/3');
      expect(proto.statusCode, proto.body).toBe(200);
      expect(proto.body).not.toContain('admin');
      expect(proto.json()).toEqual({ id: 3, name: 'Proto Pete' });
    });

    it("refuses what policy refuses with its messages, before calling the upstream", async () => {
      const before = seen.length;
      const r = await get('/vault');
      expect(r.statusCode).toBe(403);
      expect(r.json()).toMatchObject({ code: 'gateway_policy_denied', messages: [expect.stringContaining('tagged secret')] });
      expect(seen.length).toBe(before);
    });

    it('refuses paths, methods and parameters outside the approved templates', async () => {
      expect((await get('/v1/contacts/2/notes')).statusCode).toBe(404);
      expect((await get('/v1/contacts/..%2f..%2fadmin')).statusCode).toBe(404);
      expect((await get('/admin')).json().code).toBe('gateway_resource_unknown');
      const del = await f.call({ method: 'DELETE', url: '/gw/v1/crm/http/v1/contacts/2' }, token);
      expect(del.statusCode).toBe(403);
      expect(del.json().code).toBe('gateway_scope_insufficient');
    });

    it('answers 504 for an upstream that hangs, 502 for a redirect to a metadata address and for a body over the cap', async () => {
      const hang = await get('/hang');
      expect(hang.statusCode).toBe(504);
      expect(hang.json()).toMatchObject({ code: 'gateway_upstream_timeout', upstream_error: 'egress_timeout' });
      const redirect = await get('/redirect');
      expect(redirect.statusCode).toBe(502);
      expect(redirect.json()).toMatchObject({ code: 'gateway_upstream_failed', upstream_error: 'egress_redirect_refused' });
      const huge = await get('/huge');
      expect(huge.statusCode).toBe(502);
      expect(huge.json()).toMatchObject({ code: 'gateway_upstream_failed', upstream_error: 'egress_too_large' });
      // Unharmed: the next call works.
      expect((await get('/v1/contacts/2')).statusCode).toBe(200);
    });

    it('never reaches a cloud metadata address (even with private hosts allowed) nor loopback without the opt-in', async () => {
      const tokenFor = async (connector: string) => accessToken(f.t, app, { audience: `trellis:connector:${connector}` });
      const meta = await f.call({ method: 'GET', url: '/gw/v1/metadata/http/things' }, await tokenFor('metadata'));
      expect(meta.statusCode).toBe(502);
      expect(meta.json()).toMatchObject({ code: 'gateway_upstream_failed', upstream_error: expect.stringMatching(/^egress_(address_refused|host_not_allowed)$/) });
      const loop = await f.call({ method: 'GET', url: '/gw/v1/loopback/http/things' }, await tokenFor('loopback'));
      expect(loop.statusCode).toBe(502);
      expect(loop.json()).toMatchObject({ code: 'gateway_upstream_failed', upstream_error: expect.stringMatching(/^egress_(address_refused|host_not_allowed|bad_url)$/) });
      expect(JSON.stringify([meta.json(), loop.json()])).not.toContain('169.254.169.254/latest');
    });

    it('never lets the API key reach the app: responses, audit events and logs are searched for it', async () => {
      const echo = await get('/echo');
      expect(echo.statusCode).toBe(200);
      expect(echo.json().message).toBe('your key [redacted] is fine');
      const responses = [echo, await get('/v1/contacts'), await get('/hang'), await get('/redirect')];
      for (const r of responses) {
        expect(r.body).not.toContain(apiKey);
        expect(JSON.stringify(r.headers)).not.toContain(apiKey);
      }
      await f.t.services.gateway.flushAudit();
      const events = await f.t.services.audit.list({ limit: 1000 });
      expect(JSON.stringify(events)).not.toContain(apiKey);
      const http = await f.t.services.audit.list({ action: 'gateway.http', limit: 1000 });
      expect(http.length).toBeGreaterThan(5);
      expect(logs.join('\n')).not.toContain(apiKey);
      const ok = events.find((e) => (e.event.unmapped as { resource?: string })?.resource === 'contacts' && e.event.status === 'Success');
      expect(ok!.event).toMatchObject({ class_uid: 6003 });
      expect(ok!.event.unmapped).toMatchObject({ app: 'crm-dashboard', connector: 'crm', secrets: [{ name: 'crm-key', version: 1 }], upstream_status: 200, records: 2 });
    });
  });
}
