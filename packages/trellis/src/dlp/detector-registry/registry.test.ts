/**
 * The custom detector registry through its REST routes, on both databases: a detector runs in
 * scans only once it passes its samples and is activated; bad definitions and stale versions
 * change nothing; every change is audited without the samples; another server sees the change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../../test/app.ts';
import { DetectorRegistry } from './service.ts';

const employeeId = { id: 'employee-id', entity: 'EMPLOYEE_ID', pattern: '\\bEMP-[0-9]{6}\\b', keywords: ['emp-'], context: ['employee'] };
const samples = { positive: ['badge EMP-204518 issued', 'EMP-000001'], negative: ['EMP-12', 'TEMP-123456'] };

for (const tdb of testDatabases) {
  describe(`custom detector registry on ${tdb.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb);
    });
    afterAll(() => t.close());

    const scanFor = async (text: string) => {
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/dlp/scan', payload: { text } });
      expect(r.statusCode).toBe(200);
      return (r.json() as { findings: { detector: string; entity: string }[] }).findings;
    };
    const events = async (action: string) => t.services.audit.list({ action, resourceId: 'employee-id', limit: 50 });

    it('adds a detector as a draft that does not run yet', async () => {
      const r = await t.as('admin', { method: 'POST', url: '/api/v1/dlp/detectors', payload: { detector: employeeId, ...samples } });
      expect(r.statusCode).toBe(201);
      expect(r.json()).toMatchObject({ id: 'employee-id', detector: 'custom:employee-id', status: 'draft', version: 1, sample_counts: { positive: 2, negative: 2 }, last_test: { ok: true } });
      // Who made it, by name as well as id (the token's name, not only its id).
      expect(r.json()).toMatchObject({ created_by: { id: expect.stringMatching(/^[0-9a-f]{16}$/), name: 'test-admin' }, updated_by: { name: 'test-admin' } });
      expect(await scanFor('employee EMP-204518')).toEqual([]);
      expect((await events('dlp.detector.create')).length).toBe(1);
    });

    it('rejects a bad definition with the field named, and stores nothing', async () => {
      const lookBehind = await t.as('admin', { method: 'POST', url: '/api/v1/dlp/detectors', payload: { detector: { ...employeeId, id: 'bad-one', pattern: '(?<=x)EMP' } } });
      expect(lookBehind.statusCode).toBe(400);
      expect(lookBehind.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'detector.pattern' }] });
      const badEntity = await t.as('admin', { method: 'POST', url: '/api/v1/dlp/detectors', payload: { detector: { ...employeeId, id: 'bad-two', entity: 'lower case' } } });
      expect(badEntity.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'detector.entity' }] });
      const taken = await t.as('admin', { method: 'POST', url: '/api/v1/dlp/detectors', payload: { detector: employeeId } });
      expect(taken.statusCode).toBe(409);
      const list = await t.as('admin', { method: 'GET', url: '/api/v1/dlp/detectors' });
      expect((list.json() as { items: { id: string }[] }).items.map((d) => d.id)).toEqual(['employee-id']);
    });

    it('refuses activation while a sample fails, naming the sample', async () => {
      const loose = { ...employeeId, pattern: 'EMP-[0-9]{2,6}' };
      const put = await t.as('admin', { method: 'PUT', url: '/api/v1/dlp/detectors/employee-id', payload: { version: 1, detector: loose, ...samples } });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toMatchObject({ status: 'draft', version: 2, last_test: { ok: false, falseMatches: [0, 1] } });
      const r = await t.as('admin', { method: 'POST', url: '/api/v1/dlp/detectors/employee-id/activate', payload: {} });
      expect(r.statusCode).toBe(422);
      expect(r.json()).toMatchObject({ code: 'detector_test_failed', errors: [{ path: 'negative[0]' }, { path: 'negative[1]' }] });
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/dlp/detectors/employee-id' })).json()).toMatchObject({ status: 'draft', version: 2 });
    });

    it('activates a passing detector; scans and transforms then use it', async () => {
      const fixed = await t.as('admin', { method: 'PUT', url: '/api/v1/dlp/detectors/employee-id', payload: { version: 2, detector: employeeId, ...samples } });
      expect(fixed.json()).toMatchObject({ version: 3, last_test: { ok: true } });
      const r = await t.as('admin', { method: 'POST', url: '/api/v1/dlp/detectors/employee-id/activate' });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ status: 'active', version: 4 });
      expect(await scanFor('employee EMP-204518')).toMatchObject([{ detector: 'custom:employee-id', entity: 'EMPLOYEE_ID' }]);
      const masked = await t.as('builder', { method: 'POST', url: '/api/v1/dlp/transform', payload: { text: 'employee EMP-204518', plan: { rules: [{ entity: 'EMPLOYEE_ID', operator: { type: 'redact' } }] } } });
      expect(masked.statusCode).toBe(200);
      expect(masked.json().value).not.toContain('204518');
    });

    it('keeps an active detector tested: an edit that fails its samples changes nothing', async () => {
      const stale = await t.as('admin', { method: 'PUT', url: '/api/v1/dlp/detectors/employee-id', payload: { version: 3, detector: employeeId, ...samples } });
      expect(stale.statusCode).toBe(409);
      const failing = await t.as('admin', { method: 'PUT', url: '/api/v1/dlp/detectors/employee-id', payload: { version: 4, detector: { ...employeeId, pattern: 'EMP-[0-9]{7}' }, ...samples } });
      expect(failing.statusCode).toBe(422);
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/dlp/detectors/employee-id' })).json()).toMatchObject({ status: 'active', version: 4, definition: { pattern: employeeId.pattern } });
      expect(await scanFor('employee EMP-204518')).toHaveLength(1);
    });

    it('shows samples only to callers who may manage detectors', async () => {
      const admin = await t.as('admin', { method: 'GET', url: '/api/v1/dlp/detectors/employee-id' });
      expect(admin.json().samples).toEqual(samples);
      const reviewer = await t.as('reviewer', { method: 'GET', url: '/api/v1/dlp/detectors/employee-id' });
      expect(reviewer.statusCode).toBe(200);
      expect(reviewer.json().samples).toBeUndefined();
      expect((await t.as('builder', { method: 'GET', url: '/api/v1/dlp/detectors' })).statusCode).toBe(403);
      expect((await t.as('reviewer', { method: 'POST', url: '/api/v1/dlp/detectors/employee-id/deactivate' })).statusCode).toBe(403);
    });

    it('another server sharing the database picks the change up on refresh', async () => {
      const other = new DetectorRegistry(t.services.database, t.services.audit);
      await other.refresh();
      expect(other.activeDetectors().map((d) => d.id)).toEqual(['custom:employee-id']);
      const before = other.activeDetectors();
      await other.refresh();
      expect(other.activeDetectors()).toBe(before); // unchanged set, same array: scan caches stay warm
      const off = await t.as('admin', { method: 'POST', url: '/api/v1/dlp/detectors/employee-id/deactivate', payload: { version: 4 } });
      expect(off.json()).toMatchObject({ status: 'disabled', version: 5 });
      expect(await scanFor('employee EMP-204518')).toEqual([]);
      await other.refresh();
      expect(other.activeDetectors()).toEqual([]);
    });

    it('deletes, and audits every change without the samples', async () => {
      expect((await t.as('admin', { method: 'DELETE', url: '/api/v1/dlp/detectors/employee-id?version=4' })).statusCode).toBe(409);
      expect((await t.as('admin', { method: 'DELETE', url: '/api/v1/dlp/detectors/employee-id' })).statusCode).toBe(204);
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/dlp/detectors/employee-id' })).statusCode).toBe(404);
      const actions = ['create', 'update', 'activate', 'deactivate', 'delete'];
      for (const a of actions) expect((await events(`dlp.detector.${a}`)).length, a).toBeGreaterThan(0);
      const all = await t.services.audit.list({ resourceId: 'employee-id', limit: 50 });
      const text = JSON.stringify(all);
      expect(text).not.toContain('204518');
      expect(text).toContain('definition_sha256');
    });
  });
}
