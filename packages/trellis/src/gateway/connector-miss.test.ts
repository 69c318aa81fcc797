/**
 * A connector applied moments after the gateway's last poll must serve the first call that
 * names it: the call reads the connectors again rather than answer that the app binds no such
 * connector until the next poll (a browser test met that under load).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { accessToken, approvedApp, connectedHrConnector, createHrSchema, putSecret } from '../../test/gateway-fixture.ts';
import { appYaml } from '../../test/leave-requests.ts';

for (const tdb of testDatabases) {
  describe(`a connector applied after the gateway's last poll, on ${tdb.name}`, () => {
    let t: TestApp;
    let hr: { schema: string; drop: () => Promise<void> };
    beforeAll(async () => {
      hr = await createHrSchema();
      t = await makeTestApp(tdb);
      await putSecret(t, 'hr-db', 'hr-db-password-not-needed-with-trust');
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await hr?.drop();
    });

    it('serves the first call that names it, without waiting for the next poll', async () => {
      // The poll reads the connectors just before the connector exists.
      await t.services.gateway.refreshConnectors();
      const applied = await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: { 'content-type': 'application/yaml' }, payload: connectedHrConnector(hr.schema) });
      expect(applied.statusCode, applied.body).toBeLessThan(300);
      const token = await accessToken(t, await approvedApp(t, appYaml, 'leave-requests'));
      const call = () => t.app.inject({ method: 'POST', url: '/gw/v1/hr/employees/query', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: { fields: ['id', 'name'] } });
      // Calls at once, together: they share one read.
      const answers = await Promise.all([call(), call(), call()]);
      for (const r of answers) expect(r.statusCode, r.body).toBe(200);
      expect((await call()).json().rows.length).toBeGreaterThan(0);
    });
  });
}
