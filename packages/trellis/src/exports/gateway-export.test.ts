/**
 * The golden path's export end to end on both databases: the approved leave-request app, with its
 * own access token, posts its Slack export to `POST /gw/v1/exports/slack`; without an SSN it
 * reaches a real HTTP receiver on loopback standing in for Slack (200 with a delivery id), with
 * one it is refused as a 403 problem carrying the policy's message, a date of birth is held (202),
 * and every step is in the audit trail without the values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { putSecret, startGatewayFixture, type GatewayFixture } from '../../test/gateway-fixture.ts';
import { startReceiver, type Receiver } from '../webhooks/test-receiver.ts';

const ssn = '512-44-8231';

for (const tdb of testDatabases) {
  describe(`the golden path's Slack export through the gateway (${tdb.name})`, () => {
    let f: GatewayFixture;
    let slack: Receiver;
    const exportToSlack = (payload: Record<string, unknown>) => f.call({ method: 'POST', url: '/gw/v1/exports/slack', payload: { target: '#hr-leave', ...payload } });

    beforeAll(async () => {
      f = await startGatewayFixture(tdb);
      slack = await startReceiver();
      await putSecret(f.t, 'hr-slack-webhook', slack.url);
      const added = await f.t.as('admin', { method: 'POST', url: '/api/v1/export-destinations', payload: { destination: 'slack', target: '#hr-leave', secret: 'hr-slack-webhook', allowPrivateHost: true } });
      expect(added.statusCode, added.body).toBe(201);
    });
    afterAll(async () => {
      await slack.close();
      await f.close();
    });

    it('delivers the export without an SSN and blocks the same export with one, all audited', async () => {
      const records = [{ name: 'Marta Okafor', leave_balance: 12 }];
      const ok = await exportToSlack({ records, text: 'Leave balances' });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ outcome: 'delivered', delivery_id: expect.stringMatching(/^exp_/) as unknown });
      expect(JSON.parse(slack.requests[0]!.body)).toEqual({ text: 'Leave balances\nname: Marta Okafor · leave_balance: 12' });

      const blocked = await exportToSlack({ records, text: `SSN on file: ${ssn}` });
      expect(blocked.statusCode).toBe(403);
      expect(blocked.json()).toMatchObject({ code: 'export_blocked', messages: ['export to slack #hr-leave includes fields tagged pii.ssn (text), which never leave through an export'], detected: ['pii.ssn'] });
      expect(slack.requests).toHaveLength(1);

      const held = await exportToSlack({ text: 'Marta Okafor, date of birth: 1990-03-14' });
      expect(held.statusCode).toBe(202);
      expect(held.json()).toMatchObject({ outcome: 'quarantined', quarantine_id: expect.stringMatching(/^exq_/) as unknown });

      const trail = await f.t.services.audit.list({ limit: 2000 });
      const actions = trail.map((r) => r.event.api.operation);
      expect(actions).toEqual(expect.arrayContaining(['export.deliver', 'export.blocked', 'export.quarantined']));
      const finding = trail.find((r) => r.event.api.operation === 'export.blocked')!.event;
      expect(finding).toMatchObject({ class_uid: 2006, actor: { user: { uid: 'leave-requests', type: 'service' } } });
      const text = JSON.stringify(trail);
      expect(text).not.toContain(ssn);
      expect(text).not.toContain('1990-03-14');
      expect(text).not.toContain(slack.url);
    });
  });
}
