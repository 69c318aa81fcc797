/**
 * The trail failing under the gateway (a full disk, the database away): call events are kept
 * and retried, never dropped, and once too many wait, calls are refused rather than served
 * unaudited. The failure is injected at the audit service's boundary; the rest is real.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startGatewayFixture, type GatewayFixture } from '../../test/gateway-fixture.ts';
import { testDatabases } from '../../test/databases.ts';

describe('gateway call events while the audit trail fails', () => {
  let f: GatewayFixture;
  beforeAll(async () => {
    f = await startGatewayFixture(testDatabases[0]!);
  });
  afterAll(() => f.close());

  const query = () => f.call({ method: 'POST', url: '/gw/v1/hr/employees/query', payload: { fields: ['name'], limit: 1 } });
  const callEvents = async () => Number((await sql<{ n: number }>`select count(*) as n from audit_events where action = 'gateway.query'`.execute(f.t.services.database.db)).rows[0]!.n);

  it('keeps every event through an outage, writes them once it ends, and refuses calls when too many wait', async () => {
    const audit = f.t.services.audit;
    const real = audit.appendDetached.bind(audit);
    await f.t.services.gateway.flushAudit();
    const before = await callEvents();
    let failing = true;
    audit.appendDetached = (inputs) => (failing ? Promise.reject(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })) : real(inputs));
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      for (let i = 0; i < 40; i++) expect((await query()).statusCode).toBe(200);
      await f.t.services.gateway.flushAudit();
      expect(await callEvents()).toBe(before);
      expect(f.t.services.gateway.queuedAuditEvents).toBe(40);
      failing = false;
      // The retry timer writes what waited, in order, without another call.
      for (let i = 0; i < 100 && f.t.services.gateway.queuedAuditEvents > 0; i++) await new Promise((r) => setTimeout(r, 50));
      await f.t.services.gateway.flushAudit();
      expect(await callEvents()).toBe(before + 40);
    } finally {
      audit.appendDetached = real;
      console.warn = warn;
    }
    const verify = (await f.t.as('auditor', { method: 'GET', url: '/api/v1/audit/verify' })).json<{ ok: boolean }>();
    expect(verify.ok).toBe(true);
  });

  it('refuses calls with 503 once ten thousand events wait unwritten', async () => {
    const gw = f.t.services.gateway as unknown as { auditQueue: unknown[]; auditFailure: unknown };
    const audit = f.t.services.audit;
    const real = audit.appendDetached.bind(audit);
    audit.appendDetached = () => Promise.reject(new Error('database or disk is full'));
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      expect((await query()).statusCode).toBe(200);
      await f.t.services.gateway.flushAudit();
      // Stand in for a long outage under load: the queue holds ten thousand waiting events.
      const one = gw.auditQueue[0];
      gw.auditQueue.push(...Array.from({ length: 10_000 }, () => one));
      const r = await query();
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ code: 'gateway_unavailable', detail: expect.stringContaining('cannot write its audit trail') });
    } finally {
      audit.appendDetached = real;
      console.warn = warn;
      gw.auditQueue.length = 0;
      gw.auditFailure = undefined;
    }
    expect((await query()).statusCode).toBe(200);
  });
});
