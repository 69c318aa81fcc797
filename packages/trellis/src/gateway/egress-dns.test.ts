/**
 * The gateway and DNS: an http connector whose host name resolves to a loopback or cloud-metadata
 * address is refused at the call — a problem document naming the rule, an audited failure — and
 * the gateway keeps serving. Names are answered by a real DNS server on loopback, which the
 * installation's `egressDnsServers` setting points outbound resolution at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { accessToken, approvedApp, putSecret } from '../../test/gateway-fixture.ts';
import { appYaml, yaml } from '../../test/leave-requests.ts';
import { startTestDns, type TestDns } from '../egress/test-dns.ts';

const apiKey = 'crm-live-key-2b8e61d04c9f7a35e1d0';

const connector = (name: string, host: string) => `apiVersion: trellis.dev/v1
kind: Connector
metadata:
  name: ${name}
spec:
  type: http
  owner: group:sales
  connection:
    baseUrl: https://${host}/api
    timeoutMs: 1000
    auth: { type: header, name: X-Api-Key, secret: crm-key }
  resources:
    - name: contacts
      path: /v1/contacts
      fields: [{ name: id }, { name: name, tags: [pii.name] }]
`;

const app = appYaml.replace('name: leave-requests', 'name: crm-lookup').replace(
  / {2}connectors:[\s\S]*? {2}exports:[\s\S]*?(?= {2}egress:)/,
  `  connectors:
    - name: crm-rebound
      resources:
        - { name: contacts, fields: [id, name], access: read }
    - name: crm-metadata
      resources:
        - { name: contacts, fields: [id, name], access: read }
`,
);

for (const tdb of testDatabases) {
  describe(`gateway: names that resolve to refused addresses (${tdb.name})`, () => {
    let dns: TestDns;
    let t: TestApp;
    let creds: { clientId: string; secret: string };

    beforeAll(async () => {
      dns = await startTestDns();
      // A public-looking name that answers loopback (a rebinding attacker's zone), and one that answers the metadata service.
      dns.answer('crm.rebound.test', 'A', ['127.0.0.1']);
      dns.answer('crm.metadata.test', 'A', ['169.254.169.254']);
      const server = dns.resolver.getServers()[0]!;
      t = await makeTestApp(tdb, {}, { egressDnsServers: [server] });
      await putSecret(t, 'crm-key', apiKey);
      for (const manifest of [connector('crm-rebound', 'crm.rebound.test'), connector('crm-metadata', 'crm.metadata.test')]) {
        const applied = await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: manifest });
        expect(applied.statusCode, applied.body).toBeLessThan(300);
      }
      await t.services.gateway.refreshConnectors();
      creds = await approvedApp(t, app, 'crm-lookup');
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await dns?.close();
    });

    it('refuses each with a problem naming the rule, audits it, and goes on serving', async () => {
      for (const [name, address] of [
        ['crm-rebound', '127.0.0.1'],
        ['crm-metadata', '169.254.169.254'],
      ] as const) {
        const token = await accessToken(t, creds, { audience: `trellis:connector:${name}` });
        for (let i = 0; i < 2; i++) {
          const r = await t.app.inject({ method: 'GET', url: `/gw/v1/${name}/http/v1/contacts`, headers: { authorization: `Bearer ${token}` } });
          expect(r.statusCode, r.body).toBe(502);
          // The app learns the rule, not the network's addresses; the audit event has the detail.
          expect(r.json(), r.body).toMatchObject({ code: 'gateway_upstream_failed', upstream_error: 'egress_address_refused' });
          expect(r.json().detail).not.toContain(address);
          expect(r.body).not.toContain(apiKey);
        }
      }
      expect(dns.queries.some((q) => q.name === 'crm.rebound.test')).toBe(true);
      await t.services.gateway.flushAudit();
      const failures = (await t.services.audit.list({ action: 'gateway.http', limit: 50 })).filter((e) => e.event.status === 'Failure');
      expect(failures.length).toBeGreaterThanOrEqual(4);
      expect(JSON.stringify(failures)).toContain('egress_address_refused');
      expect(JSON.stringify(failures)).toContain('169.254.169.254');
      expect(JSON.stringify(failures)).not.toContain(apiKey);
      // Unharmed: the API answers and the gateway still checks tokens.
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/crm-lookup' })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/gw/v1/crm-rebound/http/v1/contacts' })).statusCode).toBe(401);
    });
  });
}
