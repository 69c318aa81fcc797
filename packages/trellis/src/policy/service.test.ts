/**
 * PolicyService on SQLite and PostgreSQL: bundles pushed (and refused with their reasons,
 * storing nothing), activation, rollback and diff with their audit events, decisions with v1
 * and unchanged v0 modules, failing closed, the decision event without input values, and the
 * built-in pack on first start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../audit/service.ts';
import type { Actor } from '../audit/index.ts';
import type { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { ephemeralKeyRing } from '../keys/index.ts';
import { testDatabases } from '../../test/databases.ts';
import { PolicyService } from './service.ts';

const admin: Actor = { type: 'token', id: 'tok_admin', name: 'Ada Admin', role: 'admin' };
const caller = { actor: admin };

const admission = `package trellis.admission

import rego.v1

deny contains msg if {
  some c in input.connectors
  c.tier == "restricted"
  not input.approved
  msg := sprintf("connector %s holds restricted data", [c.name])
}

warn contains "no purpose stated" if not input.purpose
`;
const admissionTest = `package trellis.admission_test

import data.trellis.admission

test_restricted_denied if {
  count(admission.deny) == 1 with input as {"connectors": [{"name": "hr", "tier": "restricted"}], "purpose": "x"}
}

test_public_allowed if {
  count(admission.deny) == 0 with input as {"connectors": [{"name": "web", "tier": "public"}], "purpose": "x"}
}
`;
/** Exactly the module the issue quotes: a team's existing Rego v0, loaded unchanged. */
const legacyV0 = `package trellis.admission

deny[msg] { input.connector == "unapproved-db"; msg = sprintf("Connector %s is restricted", [input.connector]) }
`;

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the promise to be refused');
}

for (const tdb of testDatabases) {
  describe(`PolicyService (${tdb.name})`, () => {
    let database: Database;
    let audit: AuditLog;
    let policy: PolicyService;
    const count = async () => (await policy.list()).items.length;

    beforeAll(async () => {
      database = await tdb.open();
      audit = new AuditLog(database);
      policy = new PolicyService(database, audit, ephemeralKeyRing(), { builtinPackDir: null, testLimits: { testTimeoutMs: 200, totalTimeoutMs: 2_000 } });
    });
    afterAll(async () => {
      await policy.stop();
      await audit.stop();
      await database.close();
    });

    it('with no bundle every decision denies, saying why', () => {
      const d = policy.decide('admission', { connectors: [] });
      expect(d).toMatchObject({ point: 'admission', result: 'deny', allow: false, bundle: { version: null, digest: null }, error: { code: 'no_active_bundle' } });
      expect(d.deny[0]).toMatch(/no policy bundle is active/);
    });

    it('pushes a bundle whose tests pass: version 1, digest, tests counted, audited in the same transaction', async () => {
      const r = await policy.push(caller, { modules: { 'admission.rego': admission, 'admission_test.rego': admissionTest }, message: 'first' });
      expect(r.bundle).toMatchObject({ version: 1, module_count: 2, test_count: 2, message: 'first', rego_version: 'v1', v0_modules: [], created_by: { id: 'tok_admin', name: 'Ada Admin' } });
      expect(r.bundle.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(r.tests.results.map((t) => [t.name, t.status])).toEqual([
        ['data.trellis.admission_test.test_restricted_denied', 'pass'],
        ['data.trellis.admission_test.test_public_allowed', 'pass'],
      ]);
      expect(r.activated).toBe(false);
      expect(policy.active()).toBeNull();
      const [event] = await audit.list({ action: 'policy.bundle.push', limit: 5 });
      expect(event?.event.unmapped).toMatchObject({ version: 1, digest: r.bundle.digest, tests_passed: 2 });
      // The same content has the same digest, whatever the order of the files.
      const again = await policy.push(caller, { modules: { 'admission_test.rego': admissionTest, 'admission.rego': admission } });
      expect(again.bundle).toMatchObject({ version: 2, digest: r.bundle.digest });
    });

    it('refuses a module that does not parse, naming path:line:column, and stores nothing', async () => {
      const before = await count();
      const err = await refusal(policy.push(caller, { modules: { 'rules/broken.rego': 'package trellis.admission\n\ndeny contains msg if {\n  input.x ==\n}\n' } }));
      expect(err.code).toBe('bundle_invalid');
      expect(err.status).toBe(422);
      expect(err.message).toMatch(/^the bundle does not compile: rules\/broken\.rego:\d+:\d+: rego_parse_error/);
      expect(err.errors?.[0]).toMatchObject({ path: 'rules/broken.rego', line: expect.any(Number) as number, column: expect.any(Number) as number });
      expect(await count()).toBe(before);
    });

    it('refuses bad shapes and sizes together, each naming its field', async () => {
      const err = await refusal(policy.push(caller, { modules: { '../escape.rego': 'package x', 'notes.txt': 'x' }, data: { 'roles.json': {} } }));
      expect(err.code).toBe('bundle_invalid');
      expect(err.errors?.map((e) => e.path)).toEqual(['modules["../escape.rego"]', 'modules["notes.txt"]', 'data["roles.json"]']);
      const big = await refusal(policy.push(caller, { modules: { 'a.rego': `package a\n# ${'x'.repeat(2 * 1024 * 1024)}\n` } }));
      expect(big.message).toMatch(/at most 2097152 bytes/);
      const conflict = await refusal(policy.push(caller, { modules: { 'a.rego': 'package a' }, data: { 'data.json': { tiers: 1 }, 'tiers/data.json': { a: 1 } } }));
      expect(conflict.errors?.[0]?.path).toBe('data["tiers/data.json"]');
    });

    it('refuses a bundle whose test fails, naming the test', async () => {
      const before = await count();
      const err = await refusal(policy.push(caller, { modules: { 'admission.rego': admission, 'admission_test.rego': admissionTest + '\ntest_wrong if {\n  count(admission.deny) == 5 with input as {"connectors": []}\n}\n' } }));
      expect(err.code).toBe('bundle_tests_failed');
      expect(err.message).toContain('data.trellis.admission_test.test_wrong');
      expect(err.errors).toEqual([{ path: 'admission_test.rego', line: 13, message: 'data.trellis.admission_test.test_wrong: FAIL' }]);
      expect(await count()).toBe(before);
      // The refusal is on the trail, without the modules' text.
      const [event] = await audit.list({ action: 'policy.bundle.push', outcome: 'failure', desc: true, limit: 1 });
      expect(event?.event.unmapped).toEqual({ code: 'bundle_tests_failed', problems: [{ path: 'admission_test.rego', line: 13 }] });
      expect(JSON.stringify(event)).not.toContain('count(admission.deny)');
    });

    it('refuses a bundle whose test loops, within the limits, leaving the active bundle untouched', async () => {
      await policy.activate(caller, 1);
      const active = policy.active();
      const before = await count();
      const loop = 'package loop_test\n\ntest_forever if {\n  n := count([x | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); x := i * j])\n  n > 0\n}\n';
      const started = Date.now();
      const err = await refusal(policy.push(caller, { modules: { 'admission.rego': admission, 'loop_test.rego': loop } }, { activate: true }));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(err.code).toBe('bundle_tests_failed');
      expect(err.errors?.[0]?.message).toMatch(/^data\.loop_test\.test_forever: ERROR \(eval_limit_error/);
      expect(await count()).toBe(before);
      expect(policy.active()).toBe(active);
      expect((await policy.activeState()).active?.version).toBe(1);
    });

    it('decides with a v1 bundle: deny and warn as sets, allow when nothing denies', () => {
      const deny = policy.decide('admission', { connectors: [{ name: 'hr', tier: 'restricted' }] });
      expect(deny).toMatchObject({ result: 'deny', allow: false, deny: ['connector hr holds restricted data'], warn: ['no purpose stated'], bundle: { version: 1 } });
      expect(deny.error).toBeUndefined();
      const allow = policy.decide('admission', { connectors: [], purpose: 'leave' });
      expect(allow).toMatchObject({ result: 'allow', allow: true, deny: [], warn: [] });
      // A point the bundle has no rules for: nothing denies.
      expect(policy.decide('token', {}).allow).toBe(true);
    });

    it("loads a team's v0 module unchanged beside v1 modules, and decideAll evaluates it once per connector", async () => {
      const r = await policy.push(caller, { modules: { 'legacy/unapproved.rego': legacyV0, 'admission.rego': admission } }, { activate: true });
      expect(r.bundle.v0_modules).toEqual(['legacy/unapproved.rego']);
      expect(policy.active()?.version).toBe(r.bundle.version);
      const one = policy.decide('admission', { connector: 'unapproved-db', purpose: 'x' });
      expect(one.deny).toEqual(['Connector unapproved-db is restricted']);
      const all = policy.decideAll('admission', [
        { connector: 'hr', purpose: 'x' },
        { connector: 'unapproved-db', purpose: 'x' },
        { connector: 'unapproved-db' },
      ]);
      expect(all).toMatchObject({ result: 'deny', allow: false, deny: ['Connector unapproved-db is restricted'], warn: ['no purpose stated'] });
      expect(policy.decideAll('admission', [{ connector: 'hr', purpose: 'x' }]).allow).toBe(true);
      expect(policy.decideAll('admission', [])).toMatchObject({ allow: false, error: { code: 'no_input' } });
      // The whole bundle in v0 when it says so.
      const v0 = await policy.compile({ modules: { 'a.rego': 'package trellis.gateway\n\ndefault allow = false\n\nallow { input.ok }\n' }, regoVersion: 'v0' });
      expect(policy.decide('gateway', { ok: true }, v0).allow).toBe(true);
      expect(policy.decide('gateway', { ok: false }, v0)).toMatchObject({ allow: false, deny: ['data.trellis.gateway.allow is false'] });
    });

    it('fails closed on an evaluation error (conflicting values) and on an evaluation that loops', async () => {
      const conflict = await policy.compile({ modules: { 'c.rego': 'package trellis.export\n\nlevel := 1 if input.a\nlevel := 2 if input.b\n\ndeny contains "high" if level > 1\n' } });
      const d = policy.decide('export', { a: true, b: true }, conflict);
      expect(d).toMatchObject({ result: 'deny', allow: false, error: { code: 'eval_conflict_error' }, bundle: { version: null } });
      expect(d.deny[0]).toMatch(/policy evaluation failed \(eval_conflict_error\)/);
      const loop = await policy.compile({ modules: { 'l.rego': 'package trellis.gateway\n\ndeny contains "x" if {\n  count([x | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); x := i * j]) > 0\n}\n' } });
      const started = Date.now();
      const l = policy.decide('gateway', {}, loop);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(l).toMatchObject({ result: 'deny', allow: false, error: { code: 'eval_limit_error' } });
      // A rule of the wrong shape is an error too, never read as "no messages".
      const shape = await policy.compile({ modules: { 's.rego': 'package trellis.token\n\ndeny := true\n' } });
      expect(policy.decide('token', {}, shape)).toMatchObject({ allow: false, error: { code: 'decision_invalid' } });
    });

    it("a decision's audit event holds the input's HMAC digest, never its values", async () => {
      const secret = 'sk_live_51Hq9QmZr8VtW3kPx';
      const input = { connector: 'unapproved-db', purpose: 'x', credentials: { api_key: secret } };
      const d = await policy.decideAndLog('admission', input, admin, [{ type: 'app', id: 'leave-requests' }]);
      expect(d.result).toBe('deny');
      const [event] = await audit.list({ action: 'policy.decision', limit: 5, desc: true });
      const text = JSON.stringify(event);
      expect(text).not.toContain(secret);
      expect(text).not.toContain('api_key');
      expect(event?.event.unmapped).toMatchObject({ point: 'admission', result: 'deny', bundle_version: policy.active()?.version, deny: ['Connector unapproved-db is restricted'], input_digest: `hmac-sha256:${policy.inputDigest(input)}` });
      expect(event?.event.resources).toEqual([{ type: 'app', uid: 'leave-requests' }]);
      // The digest is keyed, and the same for the same content whatever the key order.
      expect(policy.inputDigest({ b: 1, a: 2 })).toBe(policy.inputDigest({ a: 2, b: 1 }));
      expect(policy.inputDigest({ a: 1 })).not.toBe(new PolicyService(database, audit, ephemeralKeyRing()).inputDigest({ a: 1 }));
    });

    it('diffs two versions file by file, and activation and rollback walk the history', async () => {
      const base = (await policy.push(caller, { modules: { 'admission.rego': admission, 'old.rego': 'package old\n\nx := 1\n' }, data: { 'tiers/data.json': { restricted: ['hr'] } } })).bundle.version;
      const next = (await policy.push(caller, { modules: { 'admission.rego': admission.replace('holds restricted data', 'holds RESTRICTED data'), 'new.rego': 'package new\n\ny := 2\n' }, data: { 'tiers/data.json': { restricted: ['hr', 'payroll'] } } })).bundle.version;
      const diff = await policy.diff(next, base);
      expect(diff.files.map((f) => [f.kind, f.path, f.status])).toEqual([
        ['module', 'admission.rego', 'changed'],
        ['module', 'new.rego', 'added'],
        ['module', 'old.rego', 'removed'],
        ['data', 'tiers/data.json', 'changed'],
      ]);
      expect(diff.files[0]!.diff).toContain('-  msg := sprintf("connector %s holds restricted data", [c.name])\n+  msg := sprintf("connector %s holds RESTRICTED data", [c.name])\n');
      expect(diff.files[3]!.diff).toContain('+    "payroll"');
      await expect(policy.diff(next, 999)).rejects.toMatchObject({ code: 'not_found' });

      const start = (await policy.activeState()).active!.version;
      await policy.activate(caller, base);
      await policy.activate(caller, next);
      expect(policy.active()?.version).toBe(next);
      expect(policy.decide('admission', { connectors: [{ name: 'hr', tier: 'restricted' }] }).deny).toEqual(['connector hr holds RESTRICTED data']);
      let state = await policy.rollback(caller);
      expect(state.active).toMatchObject({ version: base, action: 'rollback', previous_version: next });
      expect(policy.active()?.version).toBe(base);
      state = await policy.rollback(caller);
      expect(state.active?.version).toBe(start);
      expect(state.loaded?.version).toBe(start);
      const events = await audit.list({ action: 'policy.bundle.rollback', limit: 5 });
      expect(events.map((e) => e.event.unmapped?.version)).toEqual([base, start]);
      // Activating the version already in force changes nothing.
      const n = state.history.length;
      expect((await policy.activate(caller, start)).history.length).toBe(n);
      await expect(policy.activate(caller, 999)).rejects.toMatchObject({ code: 'not_found' });
    });

    it("the playground's app form needs an input resolver: 400 without one", async () => {
      const bare = new PolicyService(database, audit, ephemeralKeyRing(), { builtinPackDir: null });
      const err = await refusal(bare.evaluate({ point: 'admission', app: 'leave-requests', bundle: { modules: { 'a.rego': 'package trellis.admission\n' } } }));
      expect(err).toMatchObject({ code: 'bad_request', status: 400 });
      expect(err.message).toMatch(/no input resolver is registered/);
      bare.setInputResolver(async (app) => [{ connector: 'unapproved-db', app }]);
      const r = await bare.evaluate({ point: 'admission', app: 'leave-requests', bundle: { modules: { 'legacy.rego': legacyV0 } } });
      expect(r.decision).toMatchObject({ result: 'deny', deny: ['Connector unapproved-db is restricted'] });
      expect(r.rules).toEqual([{ file: 'legacy.rego', line: 3, rule: 'deny', default: false, value: ['Connector unapproved-db is restricted'], input_index: 0 }]);
    });

    it('rolls back until the first activation, then refuses', async () => {
      for (let i = 0; i < 20; i++) {
        const err = await policy.rollback(caller).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (err) {
          expect(err).toMatchObject({ code: 'nothing_to_roll_back', status: 409 });
          return;
        }
      }
      throw new Error('rollback never reached the first activation');
    });
  });
}

describe('the built-in pack on first start', () => {
  const tdb = testDatabases[0]!;
  const pack = () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-pack-'));
    mkdirSync(join(dir, 'tiers'));
    writeFileSync(join(dir, 'admission.rego'), 'package trellis.admission\n\ndeny contains "restricted" if input.classification.effective in data.tiers.blocked\n');
    writeFileSync(join(dir, 'tiers', 'data.json'), JSON.stringify({ blocked: ['restricted'] }));
    writeFileSync(join(dir, 'admission_test.rego'), 'package trellis.admission_test\n\nimport data.trellis.admission\n\ntest_blocked if admission.deny == {"restricted"} with input as {"classification": {"effective": "restricted"}}\n');
    return dir;
  };

  it('is stored and activated by the system when no bundle exists, and only then', async () => {
    const database = await tdb.open();
    const audit = new AuditLog(database);
    const dir = pack();
    const a = new PolicyService(database, audit, ephemeralKeyRing(), { builtinPackDir: dir });
    try {
      await a.start();
      expect(a.active()?.version).toBe(1);
      expect(a.decide('admission', { classification: { effective: 'restricted' } }).deny).toEqual(['restricted']);
      const state = await a.activeState();
      expect(state.active).toMatchObject({ version: 1, action: 'bootstrap', activated_by: { id: 'system' } });
      expect((await a.get(1)).data).toEqual({ 'tiers/data.json': { blocked: ['restricted'] } });
      // A second replica starting later finds the bundle and loads it.
      const b = new PolicyService(database, audit, ephemeralKeyRing(), { builtinPackDir: dir });
      await b.start();
      await b.stop();
      expect((await a.list()).items).toHaveLength(1);
    } finally {
      await a.stop();
      await audit.stop();
      await database.close();
    }
  });

  it('when the pack is missing: a warning, no active bundle, every decision denies', async () => {
    const database = await tdb.open();
    const audit = new AuditLog(database);
    const warnings: string[] = [];
    const p = new PolicyService(database, audit, ephemeralKeyRing(), { builtinPackDir: join(tmpdir(), 'no-such-policies-dir'), warn: (m) => warnings.push(m) });
    try {
      await p.start();
      expect(p.active()).toBeNull();
      expect(warnings[0]).toMatch(/built-in pack .*no-such-policies-dir.* is missing/);
      expect(p.decide('gateway', {}).result).toBe('deny');
    } finally {
      await p.stop();
      await audit.stop();
      await database.close();
    }
  });
});
