/**
 * The policy API on SQLite and PostgreSQL: push (and its refusals as problem details), list,
 * show, diff, activate, rollback, the active state, permissions per role, and the playground
 * (queries, decision points, stored and draft bundles, the rules that fired, `app` through the
 * input resolver), and test runs that store nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { testDatabases } from '../../test/databases.ts';

const admission = `package trellis.admission

default allow := true

deny contains msg if {
  some c in input.connectors
  c == "unapproved-db"
  msg := sprintf("connector %s is not approved", [c])
}

deny contains "an app needs an owner" if not input.owner

warn contains "no purpose stated" if not input.purpose
`;
const admissionTest = `package trellis.admission_test

import data.trellis.admission

test_unapproved if admission.deny == {"connector unapproved-db is not approved"} with input as {"connectors": ["unapproved-db"], "owner": "a"}
`;

for (const tdb of testDatabases) {
  describe(`policy routes (${tdb.name})`, () => {
    let t: TestApp;
    /**
     * What the installation held before these tests: the built-in pack when the app was
     * started as a server starts (version 1, active), nothing otherwise. Versions pushed here
     * are counted from it: V(1) is the first one pushed.
     */
    let base = 0;
    let initial: number | null = null;
    const V = (n: number) => base + n;
    beforeAll(async () => {
      t = await makeTestApp(tdb);
      base = (await t.services.policy.list()).items[0]?.version ?? 0;
      initial = (await t.services.policy.activeState()).active?.version ?? null;
    });
    afterAll(() => t.close());

    const push = (payload: unknown, role: 'admin' | 'builder' | 'reviewer' = 'admin') => t.as(role, { method: 'POST', url: '/api/v1/policy/bundles', payload: payload as Record<string, unknown> });

    it('pushes a bundle (201) and refuses bad ones with 422 problem details, storing nothing', async () => {
      const ok = await push({ modules: { 'admission.rego': admission, 'admission_test.rego': admissionTest }, message: 'first' });
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({ bundle: { version: V(1), message: 'first', test_count: 1 }, tests: { passed: 1 }, activated: false });

      const parse = await push({ modules: { 'policies/bad.rego': 'package trellis.admission\n\ndeny contains "x" if {\n  input.a ==\n}\n' } });
      expect(parse.statusCode).toBe(422);
      expect(parse.headers['content-type']).toMatch(/application\/problem\+json/);
      const p = parse.json<{ code: string; detail: string; errors: { path: string; line: number; column: number }[] }>();
      expect(p.code).toBe('bundle_invalid');
      expect(p.detail).toMatch(/policies\/bad\.rego:\d+:\d+: rego_parse_error/);
      expect(p.errors[0]).toMatchObject({ path: 'policies/bad.rego', line: expect.any(Number) as number, column: expect.any(Number) as number });

      const failing = await push({ modules: { 'admission.rego': admission, 'admission_test.rego': admissionTest + '\ntest_no_owner if count(admission.deny) == 0 with input as {}\n' } });
      expect(failing.statusCode).toBe(422);
      expect(failing.json()).toMatchObject({ code: 'bundle_tests_failed', tests: { passed: 1, failed: 1, errored: 0 } });
      expect(failing.json<{ detail: string }>().detail).toContain('data.trellis.admission_test.test_no_owner');

      const unknownField = await push({ modules: { 'a.rego': 'package a' }, extra: true });
      expect(unknownField.statusCode).toBe(400);

      const list = await t.as('auditor', { method: 'GET', url: '/api/v1/policy/bundles' });
      const listed = list.json<{ items: { version: number }[]; active_version: number | null; next_before: number | null }>();
      expect(listed.items.map((b) => b.version)).toEqual([V(1), ...(base > 0 ? [base] : [])]);
      expect(listed).toMatchObject({ active_version: initial, next_before: null });
    });

    it('enforces the permissions: builders may not push, activating in a push needs policy:activate, viewers see nothing', async () => {
      expect((await push({ modules: { 'a.rego': 'package a' } }, 'builder')).statusCode).toBe(403);
      expect((await push({ modules: { 'a.rego': 'package a' } }, 'reviewer')).statusCode).toBe(403);
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/policy/bundles' })).statusCode).toBe(403);
      expect((await t.as('reviewer', { method: 'POST', url: `/api/v1/policy/bundles/${V(1)}/activate` })).statusCode).toBe(403);
      expect((await t.as('auditor', { method: 'POST', url: '/api/v1/policy/eval', payload: { query: '1 == 1' } })).statusCode).toBe(403);
    });

    it('shows, diffs, activates and rolls back; the active state names who and what', async () => {
      const v2 = await push({ modules: { 'admission.rego': admission.replace('is not approved', 'is not on the approved list') }, message: 'reword' }, 'admin');
      expect(v2.statusCode).toBe(201);
      const show = await t.as('reviewer', { method: 'GET', url: `/api/v1/policy/bundles/${V(1)}` });
      expect(show.json()).toMatchObject({ version: V(1), modules: { 'admission.rego': admission, 'admission_test.rego': admissionTest }, data: {} });
      expect((await t.as('reviewer', { method: 'GET', url: `/api/v1/policy/bundles/${V(99)}` })).statusCode).toBe(404);

      const diff = await t.as('reviewer', { method: 'GET', url: `/api/v1/policy/bundles/${V(2)}/diff?against=${V(1)}` });
      expect(diff.statusCode).toBe(200);
      expect(diff.json<{ files: { path: string; status: string; diff: string }[] }>().files.map((f) => [f.path, f.status])).toEqual([
        ['admission.rego', 'changed'],
        ['admission_test.rego', 'removed'],
      ]);
      expect((await t.as('reviewer', { method: 'GET', url: `/api/v1/policy/bundles/${V(2)}/diff` })).statusCode).toBe(400);

      const a1 = await t.as('admin', { method: 'POST', url: `/api/v1/policy/bundles/${V(1)}/activate` });
      expect(a1.statusCode).toBe(200);
      expect(a1.json()).toMatchObject({ active: { version: V(1), action: 'activate', previous_version: initial }, loaded: { version: V(1) } });
      const a2 = await t.as('admin', { method: 'POST', url: `/api/v1/policy/bundles/${V(2)}/activate` });
      expect(a2.json()).toMatchObject({ active: { version: V(2), previous_version: V(1) } });
      expect(t.services.policy.decide('admission', { connectors: ['unapproved-db'], owner: 'x', purpose: 'y' }).deny).toEqual(['connector unapproved-db is not on the approved list']);

      const rb = await t.as('admin', { method: 'POST', url: '/api/v1/policy/rollback' });
      expect(rb.statusCode).toBe(200);
      expect(rb.json()).toMatchObject({ active: { version: V(1), action: 'rollback', previous_version: V(2), activated_by: { name: 'test-admin' } } });
      expect(t.services.policy.active()?.version).toBe(V(1));
      const history = [
        [V(1), 'rollback'],
        [V(2), 'activate'],
        [V(1), 'activate'],
      ];
      if (initial !== null) {
        // Back once more: to the bundle active before these tests.
        const toInitial = await t.as('admin', { method: 'POST', url: '/api/v1/policy/rollback' });
        expect(toInitial.json()).toMatchObject({ active: { version: initial, action: 'rollback', previous_version: V(1) } });
        history.unshift([initial, 'rollback']);
        history.push([initial, 'bootstrap']);
      }
      const again = await t.as('admin', { method: 'POST', url: '/api/v1/policy/rollback' });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'nothing_to_roll_back' });

      const active = await t.as('auditor', { method: 'GET', url: '/api/v1/policy/active' });
      expect(active.json<{ history: { version: number; action: string }[] }>().history.map((h) => [h.version, h.action])).toEqual(history);
      const pushed = await push({ modules: { 'admission.rego': admission }, activate: true });
      expect(pushed.json()).toMatchObject({ bundle: { version: V(3) }, activated: true });
      expect(t.services.policy.active()?.version).toBe(V(3));
    });

    it('playground: a decision point under the active bundle, with the rules that fired', async () => {
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/policy/eval', payload: { point: 'admission', input: { connectors: ['unapproved-db', 'hr'] } } });
      expect(r.statusCode).toBe(200);
      const body = r.json<{ result: Record<string, unknown>; decision: Record<string, unknown>; rules: { file: string; line: number; rule: string; value: unknown }[]; bundle: { version: number } }>();
      expect(body.decision).toMatchObject({ result: 'deny', deny: ['an app needs an owner', 'connector unapproved-db is not approved'], warn: ['no purpose stated'] });
      expect(body.result).toEqual({ allow: true, deny: ['an app needs an owner', 'connector unapproved-db is not approved'], warn: ['no purpose stated'] });
      expect(body.bundle.version).toBe(V(3));
      expect(body.rules.map((x) => [x.file, x.line, x.rule, x.value])).toEqual([
        ['admission.rego', 3, 'allow', true],
        ['admission.rego', 5, 'deny', ['connector unapproved-db is not approved']],
        ['admission.rego', 11, 'deny', ['an app needs an owner']],
        ['admission.rego', 13, 'warn', ['no purpose stated']],
      ]);
    });

    it('playground: queries, a stored version, a draft bundle, and errors', async () => {
      const q = await t.as('reviewer', { method: 'POST', url: '/api/v1/policy/eval', payload: { query: 'data.trellis.admission.deny', input: { owner: 'x', connectors: [] }, bundle: V(2) } });
      expect(q.json()).toMatchObject({ result: [], defined: true, bundle: { version: V(2) }, rules: [] });
      const sets = await t.as('reviewer', { method: 'POST', url: '/api/v1/policy/eval', payload: { query: 'some c in input.cs; c > 1', input: { cs: [1, 2, 3] } } });
      expect(sets.json()).toMatchObject({ result: [{ c: 2 }, { c: 3 }], defined: true });
      const draft = await t.as('builder', {
        method: 'POST',
        url: '/api/v1/policy/eval',
        payload: { point: 'gateway', input: { operation: 'write' }, bundle: { modules: { 'gw.rego': 'package trellis.gateway\n\ndeny[msg] { input.operation == "write"; msg = "read only" }\n' } } },
      });
      expect(draft.json()).toMatchObject({ decision: { result: 'deny', deny: ['read only'], bundle: { version: null } }, rules: [{ file: 'gw.rego', line: 3, rule: 'deny', value: ['read only'] }] });
      const badQuery = await t.as('builder', { method: 'POST', url: '/api/v1/policy/eval', payload: { query: 'x := ' } });
      expect(badQuery.statusCode).toBe(400);
      expect(badQuery.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'query' }] });
      const badDraft = await t.as('builder', { method: 'POST', url: '/api/v1/policy/eval', payload: { point: 'gateway', bundle: { modules: { 'x.rego': 'package x\n\ny if {' } } } });
      expect(badDraft.statusCode).toBe(422);
      expect(badDraft.json()).toMatchObject({ code: 'bundle_invalid', errors: [{ path: 'x.rego' }] });
      const both = await t.as('builder', { method: 'POST', url: '/api/v1/policy/eval', payload: { query: 'true', point: 'admission' } });
      expect(both.statusCode).toBe(400);
      const conflict = await t.as('builder', { method: 'POST', url: '/api/v1/policy/eval', payload: { point: 'export', input: { a: 1 }, bundle: { modules: { 'c.rego': 'package trellis.export\n\nx := 1\nx := 2 if input.a\n\ndeny contains "y" if x\n' } } } });
      expect(conflict.json()).toMatchObject({ decision: { result: 'deny', error: { code: 'eval_conflict_error' } }, error: { code: 'eval_conflict_error' } });
    });

    it('playground: app evaluates each input the registered resolver builds', async () => {
      // Governance registers the real resolver; this one stands in for it with known inputs.
      t.services.policy.setInputResolver(async (app) => [
        { app: { name: app }, owner: 'a', connectors: ['hr'], purpose: 'x' },
        { app: { name: app }, owner: 'a', connectors: ['unapproved-db'], purpose: 'x' },
      ]);
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/policy/eval', payload: { point: 'admission', app: 'leave-requests' } });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ decision: { result: 'deny', deny: ['connector unapproved-db is not approved'] } });
      expect(r.json<{ result: unknown[] }>().result).toHaveLength(2);
      expect(r.json<{ rules: { rule: string; input_index: number }[] }>().rules.filter((x) => x.rule === 'deny')).toEqual([expect.objectContaining({ input_index: 1 })]);
    });

    it('runs the tests of a stored version or a draft, listing passes and failures, storing nothing', async () => {
      const before = (await t.services.policy.list()).items[0]!.version;
      const stored = await t.as('reviewer', { method: 'POST', url: '/api/v1/policy/test', payload: { bundle: V(1) } });
      expect(stored.statusCode).toBe(200);
      expect(stored.json()).toMatchObject({ bundle: { version: V(1) }, passed: 1, failed: 0, errored: 0, results: [{ name: 'data.trellis.admission_test.test_unapproved', file: 'admission_test.rego', line: 5, status: 'pass' }] });

      const failing = admissionTest + '\ntest_no_owner if count(admission.deny) == 0 with input as {}\n';
      const draft = await t.as('builder', { method: 'POST', url: '/api/v1/policy/test', payload: { bundle: { modules: { 'admission.rego': admission, 'admission_test.rego': failing } } } });
      expect(draft.statusCode).toBe(200);
      const run = draft.json<{ bundle: { version: number | null }; passed: number; failed: number; results: { name: string; status: string; line: number }[] }>();
      expect(run).toMatchObject({ bundle: { version: null }, passed: 1, failed: 1 });
      expect(run.results.map((r) => [r.name, r.status, r.line])).toEqual([
        ['data.trellis.admission_test.test_unapproved', 'pass', 5],
        ['data.trellis.admission_test.test_no_owner', 'fail', 7],
      ]);

      const broken = await t.as('builder', { method: 'POST', url: '/api/v1/policy/test', payload: { bundle: { modules: { 'x.rego': 'package x\n\ny if {' } } } });
      expect(broken.statusCode).toBe(422);
      expect(broken.json()).toMatchObject({ code: 'bundle_invalid', errors: [{ path: 'x.rego', line: expect.any(Number) as number }] });
      expect((await t.as('auditor', { method: 'POST', url: '/api/v1/policy/test', payload: {} })).statusCode).toBe(403);
      expect((await t.services.policy.list()).items[0]!.version).toBe(before);
    });

    it('accepts a bundle larger than the general body limit, up to the bundle limit', async () => {
      const comment = '# ' + 'x'.repeat(1000) + '\n';
      const big = { modules: { 'big.rego': `package big\n\n${comment.repeat(1500)}x := 1\n` } };
      expect(JSON.stringify(big).length).toBeGreaterThan(1024 * 1024);
      const r = await push(big);
      expect(r.statusCode).toBe(201);
      expect(r.json<{ bundle: { size_bytes: number } }>().bundle.size_bytes).toBeGreaterThan(1024 * 1024);
      const tooBig = await push({ modules: { 'big.rego': `package big\n\n${comment.repeat(2200)}` } });
      expect(tooBig.statusCode).toBe(422);
      expect(tooBig.json()).toMatchObject({ code: 'bundle_invalid' });
    });
  });
}
