/** The catalog's REST routes through app.inject(), with tokens of each role, on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { manifestJsonSchema } from './schema.ts';

const yamlManifest = (name: string, extra = '') => `apiVersion: trellis.dev/v1
kind: MicroApp
metadata:
  name: ${name}
  title: ${name} title
spec:
  owner: user:jane@example.com
  team: hr
  classification: internal
${extra}`;

const yaml = { 'content-type': 'application/yaml' };

for (const tdb of testDatabases) {
  describe(`catalog routes on ${tdb.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb, { bodyLimit: 1024 * 1024 });
    });
    afterAll(() => t.close());

    it('registers from raw YAML, from {manifest: text} and from a JSON object', async () => {
      const a = await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: yamlManifest('from-yaml') });
      expect(a.statusCode).toBe(201);
      // Internal data, no warning, low risk: approved as it is registered.
      expect(a.json()).toMatchObject({ name: 'from-yaml', status: 'approved', version: 1, approved_version: 1, owner: 'user:jane@example.com', manifest: { spec: { team: 'hr' } }, risk: { tier: 'low' }, decision: { outcome: 'approved' } });
      const b = await t.as('builder', { method: 'POST', url: '/api/v1/apps', payload: { manifest: yamlManifest('from-text') } });
      expect(b.statusCode).toBe(201);
      const c = await t.as('admin', { method: 'POST', url: '/api/v1/apps', payload: { apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name: 'from-json' }, spec: { owner: 'ann@example.com' } } });
      expect(c.statusCode).toBe(201);
      // Nothing declared and nothing detected: the built-in pack requires a classification.
      expect(c.json()).toMatchObject({ owner: 'user:ann@example.com', connectors: [], status: 'rejected', classification: { effective: null }, decision: { result: 'deny', outcome: 'rejected' } });
      expect(c.json().decision.deny.join(' ')).toMatch(/classification/);
      // ?draft=true keeps it as an assessed draft, decided when submitted.
      const d = await t.as('builder', { method: 'POST', url: '/api/v1/apps?draft=true', headers: yaml, payload: yamlManifest('move-me').replace('classification: internal', 'classification: restricted') });
      expect(d.json()).toMatchObject({ status: 'draft', decision: { outcome: 'draft' }, risk: { tier: 'medium' } });
    });

    it('answers 409 problem details for a taken name', async () => {
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: yamlManifest('from-yaml') });
      expect(r.statusCode).toBe(409);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json()).toMatchObject({ code: 'conflict', status: 409, type: 'https://trellis.dev/problems/conflict' });
    });

    it('answers 422 with every located error, and stores nothing', async () => {
      const before = (await t.as('viewer', { method: 'GET', url: '/api/v1/apps?limit=200' })).json().items.length;
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: 'apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: ../../etc/passwd\nspec:\n  owner: user:jane@example.com\n  connectors:\n    - name: hr\n      resources: [{ name: t, fields: [a], access: all }]\n  colour: red\n' });
      expect(r.statusCode).toBe(422);
      expect(r.json()).toMatchObject({
        code: 'manifest_invalid',
        errors: [
          { path: 'metadata.name', line: 4, column: 9 },
          { path: 'spec.connectors[0].resources[0].access', line: 9, column: 51, message: 'must be one of "read", "write", "read-write"' },
          { path: 'spec.colour', line: 10, column: 3, message: 'unknown field "colour"' },
        ],
      });
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps?limit=200' })).json().items.length).toBe(before);
    });

    it('locates YAML syntax errors in the problem', async () => {
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: 'apiVersion: trellis.dev/v1\nkind: [MicroApp\n' });
      expect(r.statusCode).toBe(422);
      expect(r.json().errors[0]).toMatchObject({ path: '', line: expect.any(Number), column: expect.any(Number) });
    });

    it('rejects a 10 MB manifest with 413 before reading it', async () => {
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: yamlManifest('huge') + '# ' + 'x'.repeat(10 * 1024 * 1024) });
      expect(r.statusCode).toBe(413);
      expect(r.json()).toMatchObject({ code: 'payload_too_large' });
    });

    it('rejects a manifest over 256 KiB that fits the body limit with a clear 422', async () => {
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: yamlManifest('big') + '# ' + 'x'.repeat(300 * 1024) });
      expect(r.statusCode).toBe(422);
      expect(r.json().errors[0].message).toContain('the limit is 256 KiB');
    });

    it('validates without storing (dry run)', async () => {
      const ok = await t.as('viewer', { method: 'POST', url: '/api/v1/apps/validate', headers: yaml, payload: yamlManifest('dry-run') });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ valid: true, errors: [], manifest: { metadata: { name: 'dry-run' } } });
      const bad = await t.as('viewer', { method: 'POST', url: '/api/v1/apps/validate', payload: { manifest: 'kind: MicroApp\n' } });
      expect(bad.json()).toMatchObject({ valid: false, manifest: null, errors: [{ path: 'apiVersion' }, { path: 'metadata' }, { path: 'spec' }] });
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/dry-run' })).statusCode).toBe(404);
    });

    it('shows, updates, lists versions and diffs', async () => {
      const show = await t.as('viewer', { method: 'GET', url: '/api/v1/apps/from-yaml' });
      expect(show.statusCode).toBe(200);
      expect(show.json()).toMatchObject({ name: 'from-yaml', version: 1, created_by: { id: expect.stringMatching(/^[0-9a-f]{16}$/), name: 'test-builder' } });
      const put = await t.as('builder', { method: 'PUT', url: '/api/v1/apps/from-yaml', headers: yaml, payload: yamlManifest('from-yaml', '  egress: [api.example.com]\n') });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toMatchObject({ version: 2 });
      const versions = await t.as('auditor', { method: 'GET', url: '/api/v1/apps/from-yaml/versions' });
      expect(versions.json().items.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      expect(versions.json().items[1].created_by).toMatchObject({ name: 'test-builder' });
      const v1 = await t.as('auditor', { method: 'GET', url: '/api/v1/apps/from-yaml/versions/1' });
      expect(v1.json()).toMatchObject({ version: 1, manifest: { metadata: { name: 'from-yaml' } } });
      const diff = await t.as('viewer', { method: 'GET', url: '/api/v1/apps/from-yaml/diff?from=1&to=2' });
      expect(diff.json()).toEqual({ name: 'from-yaml', from: 1, to: 2, added: [{ op: 'add', path: '/spec/egress', to: ['api.example.com'] }], removed: [], changed: [] });
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/from-yaml/diff?from=1&to=7' })).statusCode).toBe(404);
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/from-yaml/diff?from=1' })).statusCode).toBe(400);
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/nope' })).json()).toMatchObject({ code: 'not_found', status: 404 });
    });

    it('lists with filters, search and cursor pages', async () => {
      const r = await t.as('viewer', { method: 'GET', url: '/api/v1/apps?team=hr&limit=1' });
      expect(r.statusCode).toBe(200);
      const first = r.json();
      expect(first.items).toHaveLength(1);
      expect(first.next_cursor).toEqual(expect.any(String));
      const second = (await t.as('viewer', { method: 'GET', url: `/api/v1/apps?team=hr&limit=1&cursor=${encodeURIComponent(first.next_cursor)}` })).json();
      expect(second.items[0].name > first.items[0].name).toBe(true);
      const search = (await t.as('viewer', { method: 'GET', url: '/api/v1/apps?q=from%20text' })).json();
      expect(search.items.map((a: { name: string }) => a.name)).toEqual(['from-text']);
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps?limit=201' })).statusCode).toBe(400);
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps?status=bogus' })).statusCode).toBe(400);
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps?cursor=zzz' })).json()).toMatchObject({ code: 'validation_failed' });
    });

    it('sorts by other keys, pages within a sort, and names the field of a bad sort or cursor', async () => {
      const names = (r: { json(): { items: { name: string }[] } }) => r.json().items.map((a) => a.name);
      const all = await t.as('viewer', { method: 'GET', url: '/api/v1/apps?limit=200' });
      const desc = await t.as('viewer', { method: 'GET', url: '/api/v1/apps?limit=200&sort=-name' });
      expect(desc.statusCode).toBe(200);
      expect(names(desc)).toEqual([...names(all)].reverse());
      const first = (await t.as('viewer', { method: 'GET', url: '/api/v1/apps?limit=1&sort=-updated_at' })).json();
      const second = await t.as('viewer', { method: 'GET', url: `/api/v1/apps?limit=1&sort=-updated_at&cursor=${encodeURIComponent(first.next_cursor)}` });
      expect(second.statusCode).toBe(200);
      expect(second.json().items[0].updated_at <= first.items[0].updated_at).toBe(true);
      const bad = await t.as('viewer', { method: 'GET', url: '/api/v1/apps?sort=riskiest' });
      expect(bad.statusCode).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      const problem = bad.json();
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors).toEqual([{ path: 'querystring.sort', message: 'must be one of name, -name, updated_at, -updated_at, created_at, -created_at, risk_score, -risk_score' }]);
      expect(problem.detail).toContain('querystring.sort must be one of name, -name,');
      const other = await t.as('viewer', { method: 'GET', url: `/api/v1/apps?limit=1&sort=created_at&cursor=${encodeURIComponent(first.next_cursor)}` });
      expect(other.statusCode).toBe(400);
      expect(other.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'cursor', message: 'was issued for sort=-updated_at, not sort=created_at' }] });
    });

    it('enforces who may make which status move', async () => {
      const move = (role: 'builder' | 'reviewer' | 'viewer', to: string) => t.as(role, { method: 'POST', url: '/api/v1/apps/move-me/transitions', payload: { to, reason: 'test' } });
      expect((await move('viewer', 'pending_review')).statusCode).toBe(403);
      expect((await move('reviewer', 'pending_review')).statusCode).toBe(403);
      const submit = await move('builder', 'pending_review');
      expect(submit.statusCode).toBe(200);
      expect(submit.json()).toMatchObject({ name: 'move-me', from: 'draft', to: 'pending_review', by: { name: 'test-builder' }, app: { status: 'pending_review' } });
      const selfApprove = await move('builder', 'approved');
      expect(selfApprove.statusCode).toBe(403);
      expect(selfApprove.json().detail).toContain('apps:review');
      // Approving is the review's, where the checklist and separation of duties apply.
      const direct = await move('reviewer', 'approved');
      expect(direct.statusCode).toBe(409);
      expect(direct.json().review).toMatch(/^rev_/);
      expect((await t.as('reviewer', { method: 'POST', url: `/api/v1/reviews/${direct.json().review}/approve`, payload: { checklist: { classification: true, retention: true, connectors: true, isolation: true, monitoring: true } } })).statusCode).toBe(200);
      const bad = await move('reviewer', 'rejected');
      expect(bad.statusCode).toBe(409);
      expect(bad.json()).toMatchObject({ code: 'invalid_transition', from: 'approved', to: 'rejected', allowed: ['suspended', 'retired'] });
      expect(bad.json().detail).toBe('an app cannot move from approved to rejected; from approved an app may move to suspended, retired');
      const history = await t.as('auditor', { method: 'GET', url: '/api/v1/apps/move-me/transitions' });
      expect(history.json().items.map((h: { to: string; by: { id: string; name: string } }) => [h.to, h.by.name])).toEqual([['pending_review', 'test-builder'], ['approved', 'test-reviewer']]);
      expect(history.json().items[0].by.id).toMatch(/^[0-9a-f]{16}$/);
      const denials = await t.services.audit.list({ action: 'authz.deny', resourceId: 'move-me', limit: 10 });
      expect(denials.length).toBeGreaterThanOrEqual(1);
    });

    it('imports a Backstage catalog-info.yaml', async () => {
      const r = await t.as('builder', {
        method: 'POST',
        url: '/api/v1/apps/import',
        headers: yaml,
        payload: 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: payroll-viewer, description: Shows payslips }\nspec: { owner: user:default/pat, type: website }\n---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: { name: payroll }\nspec: { owner: team-pay }\n',
      });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ imported: 1, skipped: 1, failed: 0, entities: [{ status: 'imported', app: 'payroll-viewer' }, { status: 'skipped', kind: 'System' }] });
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/payroll-viewer' })).json()).toMatchObject({ owner: 'user:pat', description: 'Shows payslips', status: 'draft' });
      const json = await t.as('builder', { method: 'POST', url: '/api/v1/apps/import', payload: { catalog: 'kind: Component\n' } });
      expect(json.json()).toMatchObject({ imported: 0, skipped: 1 });
      expect((await t.as('viewer', { method: 'POST', url: '/api/v1/apps/import', headers: yaml, payload: 'kind: Component\n' })).statusCode).toBe(403);
    });

    it('serves the manifest JSON Schema', async () => {
      const r = await t.as('viewer', { method: 'GET', url: '/api/v1/schemas/manifest.json' });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain('application/schema+json');
      expect(r.json()).toEqual(manifestJsonSchema());
    });

    it('requires a token and the right role for writes', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/apps' })).statusCode).toBe(401);
      expect((await t.as('viewer', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: yamlManifest('nope') })).statusCode).toBe(403);
      expect((await t.as('auditor', { method: 'PUT', url: '/api/v1/apps/from-yaml', headers: yaml, payload: yamlManifest('from-yaml') })).statusCode).toBe(403);
    });
  });
}
