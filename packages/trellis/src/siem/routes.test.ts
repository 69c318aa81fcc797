/**
 * The sinks API on both databases: create, list, show, change, test, dead letters, replay and
 * delete through HTTP; validation problems naming the field (the body's and the transport
 * config's); a name taken; who may read and who may manage; every change audited.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { startOcsfReceiver, type OcsfReceiver } from './test-receiver.ts';

const base = '/api/v1/audit/sinks';

for (const tdb of testDatabases) {
  describe(`SIEM sinks API (${tdb.name})`, () => {
    let t: TestApp;
    let receiver: OcsfReceiver;
    const config = () => ({ url: receiver.url, allowPrivateHost: true });

    beforeAll(async () => {
      t = await makeTestApp(tdb);
      receiver = await startOcsfReceiver();
    });
    afterAll(async () => {
      await receiver.close();
      await t.close();
    });
    beforeEach(async () => {
      await t.services.database.db.deleteFrom('siem_sinks').execute();
    });

    const create = (body: Record<string, unknown>) => t.as('admin', { method: 'POST', url: base, payload: body });

    it('creates, lists, shows, changes and deletes a sink, auditing each change', async () => {
      const res = await create({ name: 'siem-main', type: 'ocsf-http', config: { ...config(), authSecret: 'siem-token' }, filter: { class_uids: [3002] }, start: 'beginning' });
      expect(res.statusCode).toBe(201);
      const sink = res.json<{ id: string; cursor: number; config: Record<string, unknown> }>();
      expect(sink).toMatchObject({ name: 'siem-main', type: 'ocsf-http', enabled: true, cursor: 0, filter: { class_uids: [3002] }, dead_letters: 0 });
      // Defaults filled in: what the sink will actually do.
      expect(sink.config).toMatchObject({ url: receiver.url, authHeader: 'authorization', timeoutMs: 10_000, batchSize: 100 });
      expect(sink.id).toMatch(/^snk_[0-9a-f]{20}$/);

      const list = await t.as('auditor', { method: 'GET', url: base });
      expect(list.statusCode).toBe(200);
      expect(list.json<{ items: { id: string }[] }>().items.map((s) => s.id)).toEqual([sink.id]);
      expect((await t.as('reviewer', { method: 'GET', url: `${base}/${sink.id}` })).json()).toMatchObject({ id: sink.id, name: 'siem-main' });

      const patched = await t.as('admin', { method: 'PATCH', url: `${base}/${sink.id}`, payload: { enabled: false, filter: { min_severity_id: 2 } } });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ enabled: false, filter: { min_severity_id: 2 } });

      expect((await t.as('admin', { method: 'DELETE', url: `${base}/${sink.id}` })).statusCode).toBe(204);
      expect((await t.as('admin', { method: 'GET', url: `${base}/${sink.id}` })).statusCode).toBe(404);

      const actions = (await t.services.audit.list({ resourceType: 'siem_sink', limit: 100 })).map((e) => e.event.api.operation);
      expect(actions).toEqual(['siem.sink.create', 'siem.sink.update', 'siem.sink.delete']);
    });

    it('names the field in every validation problem', async () => {
      const problem = async (body: Record<string, unknown>) => {
        const res = await create(body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        return res.json<{ code: string; errors: { path: string; message: string }[] }>();
      };
      const types = (await problem({ name: 'x', type: 'carrier-pigeon', config: {} })).errors;
      expect(types).toEqual([{ path: 'type', message: expect.stringContaining('ocsf-http') }]);
      for (const kind of ['jsonl-file', 'syslog', 'splunk-hec', 'otlp-logs']) expect(types[0]!.message).toContain(kind);
      expect((await problem({ name: 'x', type: 'ocsf-http', config: { url: 'http://siem.example.com/' } })).errors).toEqual([{ path: 'config.url', message: expect.stringContaining('https') }]);
      expect((await problem({ name: 'x', type: 'ocsf-http', config: { ...config(), timeoutMs: 'soon' } })).errors[0]).toMatchObject({ path: 'config.timeoutMs' });
      expect((await problem({ name: 'x', type: 'jsonl-file', config: { path: 'relative.jsonl' } })).errors[0]).toMatchObject({ path: 'config.path' });
      expect((await problem({ name: 'Not OK', type: 'ocsf-http', config: config() })).errors[0]!.path).toContain('name');
      expect((await problem({ name: 'x', type: 'ocsf-http', config: config(), filter: { min_severity_id: 9 } })).errors[0]!.path).toContain('filter.min_severity_id');
      expect((await problem({ name: 'x', type: 'ocsf-http', config: config(), start: 'yesterday' })).errors[0]!.path).toContain('start');
      expect((await problem({ name: 'x', type: 'ocsf-http', config: config(), colour: 'red' })).errors[0]).toMatchObject({ message: 'unknown field' });
      const sink = (await create({ name: 'patchable', type: 'ocsf-http', config: config() })).json<{ id: string }>();
      const bad = await t.as('admin', { method: 'PATCH', url: `${base}/${sink.id}`, payload: { config: { url: 'ftp://siem.example.com/' } } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'config.url' }] });
    });

    it('refuses a second sink of the same name with 409 naming the field', async () => {
      expect((await create({ name: 'twice', type: 'ocsf-http', config: config() })).statusCode).toBe(201);
      const again = await create({ name: 'twice', type: 'jsonl-file', config: { path: '/tmp/x.jsonl' } });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'siem_sink_name_taken', errors: [{ path: 'name' }] });
    });

    it('lets only admins manage: others read, or are refused', async () => {
      expect((await t.as('auditor', { method: 'POST', url: base, payload: { name: 'x', type: 'ocsf-http', config: config() } })).statusCode).toBe(403);
      expect((await t.as('builder', { method: 'GET', url: base })).statusCode).toBe(403);
      const sink = (await create({ name: 'guarded', type: 'ocsf-http', config: config() })).json<{ id: string }>();
      expect((await t.as('reviewer', { method: 'POST', url: `${base}/${sink.id}/test` })).statusCode).toBe(403);
      expect((await t.as('auditor', { method: 'GET', url: `${base}/${sink.id}/dead-letters` })).statusCode).toBe(200);
      expect((await t.as('auditor', { method: 'POST', url: `${base}/${sink.id}/dead-letters/replay` })).statusCode).toBe(403);
    });

    it('tests a sink, lists its dead letters and replays them over HTTP', async () => {
      const sink = (await create({ name: 'http-tested', type: 'ocsf-http', config: config() })).json<{ id: string }>();
      const tested = await t.as('admin', { method: 'POST', url: `${base}/${sink.id}/test` });
      expect(tested.statusCode).toBe(200);
      expect(tested.json()).toMatchObject({ ok: true, error: null });
      const dead = await t.as('admin', { method: 'GET', url: `${base}/${sink.id}/dead-letters?limit=10` });
      expect(dead.json()).toEqual({ items: [], next_cursor: null });
      const replay = await t.as('admin', { method: 'POST', url: `${base}/${sink.id}/dead-letters/replay` });
      expect(replay.json()).toEqual({ replayed: 0, delivered: 0, failed: 0 });
      expect((await t.as('admin', { method: 'GET', url: `${base}/snk_00000000000000000000/dead-letters` })).statusCode).toBe(404);
    });
  });
}
