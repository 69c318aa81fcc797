/** The catalog service and its store, on SQLite and (when configured) PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import type { AuditLog, Actor } from '../audit/index.ts';
import { createServices, type Services } from '../services.ts';
import type { Principal } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import { CatalogService, type Caller } from './service.ts';
import * as store from './store.ts';
import { appListSchema, appSummarySchema } from './schema.ts';

const jane: Caller = { actor: { type: 'token', id: 'tok_jane', name: 'jane', role: 'builder' } satisfies Actor };
const rita: Caller = { actor: { type: 'token', id: 'tok_rita', name: 'rita', role: 'reviewer' } };

function manifest(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return { apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name, ...metadata }, spec: { owner: 'user:jane@example.com', ...spec } };
}

async function rejects(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

/** A caller as governance sees it: admins may change any app (ownership is governance's own test). */
function askerOf(caller: Caller, role: Principal['role'] = 'admin') {
  return { caller, principal: { kind: 'token', tokenId: caller.actor.id, name: caller.actor.name ?? '', role, subject: null, permissions: new Set<string>(), attributes: {} } satisfies Principal };
}

// The connectors the test manifests bind: new versions are stored through governance, which classifies them.
const testConnectors = [
  { name: 'hr-db', resources: [{ name: 'employees', fields: [{ name: 'id' }, { name: 'email', tags: ['pii.email'] }, { name: 'ssn', tags: ['pii.ssn'] }] }, { name: 'x', fields: [{ name: 'id' }] }] },
  { name: 'crm', resources: [{ name: 'accounts', fields: [{ name: 'id' }] }] },
];

for (const tdb of testDatabases) {
  describe(`catalog service on ${tdb.name}`, () => {
    let database: Database;
    let services: Services;
    let audit: AuditLog;
    let catalog: CatalogService;
    const auditCount = async () => (await audit.head()).seq;
    /** A new version, stored the one way versions are stored: through governance's decision. */
    const update = (caller: Caller, name: string, input: { value: unknown } | { text: string }) => services.governance.update(askerOf(caller), name, { manifest: input });

    beforeAll(async () => {
      database = await tdb.open();
      services = await createServices(database);
      audit = services.audit;
      catalog = services.catalog;
      await services.policy.start();
      for (const c of testConnectors) {
        await services.connectors.apply(jane, { value: { apiVersion: 'trellis.dev/v1', kind: 'Connector', metadata: { name: c.name }, spec: { type: 'postgres', owner: 'group:platform', resources: c.resources } } });
      }
    });
    afterAll(async () => {
      await services.policy.stop();
      await services.audit.stop();
      await database.close();
    });

    describe('change stamp (what the gateway polls)', () => {
      it('moves when an app is added and when one changes, and is read from indexes, not by scanning every app', async () => {
        const before = await catalog.appsStamp();
        await catalog.register(jane, { value: manifest('stamp-app') });
        const added = await catalog.appsStamp();
        expect(added).not.toBe(before);
        // A later updated_at: the row's change lands in a new millisecond.
        await new Promise((r) => setTimeout(r, 5));
        await update(jane, 'stamp-app', { value: manifest('stamp-app', { team: 'hr' }) });
        expect(await catalog.appsStamp()).not.toBe(added);
        if (tdb.name === 'sqlite') {
          const plan = await sql<{ detail: string }>`explain query plan select (select max(id) from catalog_apps) as n, (select max(updated_at) from catalog_apps) as latest`.execute(database.db);
          const details = plan.rows.map((r) => r.detail).join('\n');
          expect(details).toContain('catalog_apps_updated_at');
          expect(details).not.toMatch(/SCAN catalog_apps(?! USING)/);
        }
      });
    });

    describe('register', () => {
      it('creates a draft at version 1 and audits it in the same transaction', async () => {
        const before = await auditCount();
        const app = await catalog.register(jane, {
          text: 'apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: leave-requests\n  title: Leave requests\nspec:\n  owner: Jane@Example.com\n  team: hr\n  classification: confidential\n  connectors:\n    - name: hr-db\n      resources: [{ name: employees, fields: [id, email], access: read }]\n',
        });
        expect(app).toMatchObject({ name: 'leave-requests', status: 'draft', version: 1, owner: 'user:jane@example.com', team: 'hr', classification: { declared: 'confidential', effective: 'confidential' }, connectors: ['hr-db'], runtime: 'external', risk_tier: null, created_by: { id: 'tok_jane', name: 'jane' }, updated_by: { id: 'tok_jane', name: 'jane' } });
        expect(app.manifest).toMatchObject({ metadata: { name: 'leave-requests' } });
        expect(await auditCount()).toBe(before + 1);
        const [event] = await audit.list({ action: 'app.register', resourceId: 'leave-requests', limit: 5 });
        expect(event!.event).toMatchObject({ class_uid: 6002, actor: { user: { uid: 'tok_jane' } }, resources: [{ type: 'app', uid: 'leave-requests' }], unmapped: { version: 1, status: 'draft' } });
        expect((await audit.verify()).ok).toBe(true);
      });

      it('refuses an existing name with 409 and writes nothing', async () => {
        const before = await auditCount();
        const err = await rejects(catalog.register(jane, { value: manifest('leave-requests') }));
        expect(err.code).toBe('conflict');
        expect(err.status).toBe(409);
        expect(await auditCount()).toBe(before);
      });

      it('refuses an invalid manifest with every located error and writes nothing', async () => {
        const before = await auditCount();
        const err = await rejects(catalog.register(jane, { text: 'apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: a/b\nspec:\n  owner: nobody\n  bogus: 1\n' }));
        expect(err.code).toBe('manifest_invalid');
        expect(err.status).toBe(422);
        expect(err.errors).toEqual([
          { path: 'metadata.name', message: expect.any(String), line: 4, column: 9 },
          { path: 'spec.owner', message: expect.any(String), line: 6, column: 10 },
          { path: 'spec.bogus', message: 'unknown field "bogus"', line: 7, column: 3 },
        ]);
        expect(await auditCount()).toBe(before);
        expect(await store.findAppByName(database.db, 'a-b')).toBeUndefined();
      });

      it('rolls back the app when the audit append fails', async () => {
        const failing = new CatalogService(database, { append: async () => Promise.reject(new Error('audit store down')) } as unknown as AuditLog);
        await expect(failing.register(jane, { value: manifest('doomed-app') })).rejects.toThrow('audit store down');
        expect(await store.findAppByName(database.db, 'doomed-app')).toBeUndefined();
      });

      it('lets only one of two concurrent registrations of a name win', async () => {
        const results = await Promise.allSettled([catalog.register(jane, { value: manifest('race-app') }), catalog.register(rita, { value: manifest('race-app') })]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect((failed.reason as AppError).code).toBe('conflict');
      });
    });

    describe('update, history and diff', () => {
      it('stores every version and diffs any two', async () => {
        const v2 = manifest('leave-requests', { team: 'hr', connectors: [{ name: 'hr-db', resources: [{ name: 'employees', fields: ['id', 'email', 'ssn'], access: 'read' }] }], egress: ['hooks.slack.com'] }, { title: 'Leave' });
        const before = await auditCount();
        const updated = await update(jane, 'leave-requests', { value: v2 });
        // A draft stays a draft; its new version is assessed (restricted from the ssn field's tag).
        expect(updated).toMatchObject({ version: 2, title: 'Leave', classification: { declared: null, detected: 'restricted', effective: 'restricted' }, status: 'draft', decision: { outcome: 'draft' } });
        // The version and its decision, in the same transaction.
        expect(await auditCount()).toBe(before + 2);
        const versions = await catalog.versions('leave-requests');
        expect(versions.map((v) => v.version)).toEqual([1, 2]);
        expect(versions[0]!.digest).not.toBe(versions[1]!.digest);
        expect((await catalog.version('leave-requests', 1)).manifest).toMatchObject({ spec: { classification: 'confidential' } });
        const d = await catalog.diff('leave-requests', 1, 2);
        expect(d.added).toEqual([
          { op: 'add', path: '/spec/connectors/0/resources/0/fields/2', to: 'ssn' },
          { op: 'add', path: '/spec/egress', to: ['hooks.slack.com'] },
        ]);
        expect(d.removed).toEqual([{ op: 'remove', path: '/spec/classification', from: 'confidential' }]);
        expect(d.changed).toEqual([
          { op: 'change', path: '/metadata/title', from: 'Leave requests', to: 'Leave' },
          { op: 'change', path: '/spec/owner', from: 'Jane@Example.com', to: 'user:jane@example.com' },
        ]);
      });

      it('does not store an identical manifest twice', async () => {
        const current = await catalog.get('leave-requests');
        const before = await auditCount();
        const again = await update(jane, 'leave-requests', { value: current.manifest });
        expect(again.version).toBe(current.version);
        expect(await auditCount()).toBe(before);
      });

      it('refuses renames, unknown apps, unknown versions and invalid manifests', async () => {
        const rename = await rejects(update(jane, 'leave-requests', { text: 'apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: other\nspec:\n  owner: a@b.io\n' }));
        expect(rename).toMatchObject({ code: 'validation_failed', errors: [{ path: 'metadata.name', line: 4, column: 9, message: expect.stringContaining('cannot be renamed') }] });
        expect((await rejects(update(jane, 'nope', { value: manifest('nope') }))).code).toBe('not_found');
        expect((await rejects(catalog.version('leave-requests', 9))).code).toBe('not_found');
        expect((await rejects(catalog.diff('leave-requests', 1, 9))).message).toContain('no version 9');
        const before = await catalog.versions('leave-requests');
        expect((await rejects(update(jane, 'leave-requests', { value: { ...manifest('leave-requests'), spec: { owner: 'x' } } }))).code).toBe('manifest_invalid');
        expect(await catalog.versions('leave-requests')).toEqual(before);
      });

      it('serialises concurrent updates into consecutive versions', async () => {
        await catalog.register(jane, { value: manifest('busy-app') });
        await Promise.all(Array.from({ length: 8 }, (_, i) => update(jane, 'busy-app', { value: manifest('busy-app', { purpose: `p${i}` }) })));
        expect((await catalog.versions('busy-app')).map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      });
    });

    describe('transitions', () => {
      it('moves along allowed transitions, audited with from and to', async () => {
        // Restricted data scores medium: submitting queues it for a person's review.
        await catalog.register(jane, { value: manifest('flow-app', { classification: 'restricted' }) });
        expect(await services.governance.submit(askerOf(jane, 'builder'), 'flow-app')).toMatchObject({ from: 'draft', to: 'pending_review' });
        const review = (await services.governance.reviews.openOf('flow-app'))!;
        await services.governance.reviews.decide(askerOf(rita, 'reviewer'), review.id, 'approve', { checklist: { classification: true, retention: true, connectors: true, isolation: true, monitoring: true } });
        const steps: [Caller, 'suspended' | 'approved' | 'retired'][] = [
          [rita, 'suspended'],
          [rita, 'approved'],
          [rita, 'retired'],
        ];
        let from = 'approved';
        for (const [who, to] of steps) {
          const r = await catalog.transition(who, 'flow-app', to, `to ${to}`);
          expect(r).toMatchObject({ name: 'flow-app', from, to, by: { id: who.actor.id, name: who.actor.name }, app: { status: to } });
          from = to;
        }
        const events = await audit.list({ action: 'app.transition', resourceId: 'flow-app', limit: 10 });
        expect(events.map((e) => [e.event.unmapped?.from, e.event.unmapped?.to])).toEqual([
          ['draft', 'pending_review'],
          ['pending_review', 'approved'],
          ['approved', 'suspended'],
          ['suspended', 'approved'],
          ['approved', 'retired'],
        ]);
        expect((await catalog.statusHistory('flow-app')).map((h) => h.to)).toEqual(['pending_review', 'approved', 'suspended', 'approved', 'retired']);
        // Who decided, by id and by name, as stored with each change.
        expect((await catalog.statusHistory('flow-app')).map((h) => h.by)).toEqual([{ id: 'tok_jane', name: 'jane' }, ...Array(4).fill({ id: 'tok_rita', name: 'rita' })]);
        expect((await catalog.get('flow-app')).updated_by).toEqual({ id: 'tok_rita', name: 'rita' });
      });

      it('names the actor of each version and change; rows stored before names were kept have a null name', async () => {
        await catalog.register(jane, { value: manifest('named-app') });
        await update(rita, 'named-app', { value: manifest('named-app', { team: 'ops' }) });
        expect((await catalog.versions('named-app')).map((v) => v.created_by)).toEqual([{ id: 'tok_jane', name: 'jane' }, { id: 'tok_rita', name: 'rita' }]);
        expect(await catalog.get('named-app')).toMatchObject({ created_by: { id: 'tok_jane', name: 'jane' }, updated_by: { id: 'tok_rita', name: 'rita' } });
        // As a row written before the name columns existed reads.
        const app = (await store.findAppByName(database.db, 'named-app'))!;
        await database.db.updateTable('catalog_apps').set({ created_by_name: null }).where('id', '=', app.id).execute();
        expect((await catalog.get('named-app')).created_by).toEqual({ id: 'tok_jane', name: null });
      });

      it('refuses forbidden moves with 409 naming from and to, changing nothing', async () => {
        await catalog.register(jane, { value: manifest('stuck-app') });
        const before = await auditCount();
        const err = await rejects(catalog.transition(rita, 'stuck-app', 'approved'));
        expect(err).toMatchObject({ code: 'invalid_transition', extra: { from: 'draft', to: 'approved', allowed: ['pending_review'] } });
        expect(err.status).toBe(409);
        expect(err.message).toContain('draft');
        expect((await catalog.get('stuck-app')).status).toBe('draft');
        expect(await auditCount()).toBe(before);
        expect((await rejects(catalog.transition(rita, 'flow-app', 'approved'))).message).toContain('retired is final');
        expect((await rejects(update(jane, 'flow-app', { value: manifest('flow-app', { team: 'x' }) }))).code).toBe('conflict');
      });

      it('lets only one of two racing transitions from the same status win', async () => {
        await catalog.register(jane, { value: manifest('racy-review', { classification: 'restricted' }) });
        await services.governance.submit(askerOf(jane, 'builder'), 'racy-review');
        const review = (await services.governance.reviews.openOf('racy-review'))!;
        const rita2: Caller = { actor: { type: 'token', id: 'tok_rita2', name: 'rita2', role: 'reviewer' } };
        const results = await Promise.allSettled([
          services.governance.reviews.decide(askerOf(rita, 'reviewer'), review.id, 'approve', { checklist: { classification: true, retention: true, connectors: true, isolation: true, monitoring: true } }),
          services.governance.reviews.decide(askerOf(rita2, 'reviewer'), review.id, 'reject', { comment: 'not needed' }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(['review_closed', 'conflict']).toContain(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as AppError).code);
        // Deciding is governance's: the catalog refuses to approve directly.
        await catalog.register(jane, { value: manifest('direct-app') });
        expect((await rejects(catalog.transition(jane, 'direct-app', 'pending_review'))).message).toContain('is a decision');
      });
    });

    describe('Backstage import', () => {
      it('imports components as drafts and reports the rest', async () => {
        const text = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: expense-bot, description: Files expenses }
spec: { type: service, owner: group:finance-tools, lifecycle: production }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: finance-tools }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: leave-requests }
spec: { type: service, owner: team-hr }
`;
        const before = await auditCount();
        const r = await catalog.importBackstage(jane, text);
        expect(r).toMatchObject({ imported: 1, skipped: 2, failed: 0 });
        expect(r.entities).toEqual([
          { index: 0, kind: 'Component', name: 'expense-bot', status: 'imported', app: 'expense-bot' },
          { index: 1, kind: 'Group', name: 'finance-tools', status: 'skipped', reason: expect.stringContaining('only Component') },
          { index: 2, kind: 'Component', name: 'leave-requests', status: 'skipped', app: 'leave-requests', reason: 'an app named leave-requests already exists' },
        ]);
        expect(await catalog.get('expense-bot')).toMatchObject({ status: 'draft', owner: 'group:finance-tools', team: 'finance-tools', description: 'Files expenses' });
        expect(await auditCount()).toBe(before + 1);
      });
    });

    it('writes a page whose items are exactly the apps summaries, whatever their text holds', async () => {
      const hostile = [
        ['json-quotes', 'He said "no" \\ then left', 'C:\\temp\\new "folder" \\u0041 not an escape'],
        ['json-unicode', 'Zürich — ünïcode 🚀 𝔘 中文', 'line one\nline two\ttabbed\r\nand </script><!-- -->'],
        ['json-nulls', null, null],
      ] as const;
      for (const [name, title, description] of hostile) {
        await catalog.register(jane, {
          value: manifest(name, { team: 'édition "spéciale"', classification: 'internal', connectors: [{ name: 'hostile-crm', resources: [{ name: 'accounts', fields: ['id'], access: 'read' }] }, { name: 'hostile-db', resources: [{ name: 'people', fields: ['id'], access: 'read' }] }] }, { ...(title ? { title } : {}), ...(description ? { description } : {}) }),
        });
      }
      const text = await catalog.listPage({ q: 'json', limit: 10 });
      const page = JSON.parse(text) as { items: Record<string, unknown>[]; next_cursor: string | null };
      expect(page.next_cursor).toBeNull();
      const expected = await Promise.all(['json-nulls', 'json-quotes', 'json-unicode'].map(async (n) => {
        const { manifest: _m, created_by: _c, updated_by: _u, risk: _r, decision: _d, approved_version: _a, classification, ...summary } = await catalog.get(n);
        // A list shows the effective tier where the detail shows how it was reached.
        return { ...summary, classification: classification.effective };
      }));
      expect(page.items).toEqual(expected);
      // Key order follows the schema, as the serializer wrote it before.
      expect(Object.keys(page.items[0]!)).toEqual(Object.keys(appSummarySchema.shape));
      expect(appListSchema.strict().parse(page)).toBeTruthy();
      // A cursor on the next page is a JSON string.
      const first = JSON.parse(await catalog.listPage({ q: 'json', limit: 1 })) as { next_cursor: string };
      expect((JSON.parse(await catalog.listPage({ q: 'json', limit: 5, cursor: first.next_cursor })) as { items: { name: string }[] }).items.map((i) => i.name)).toEqual(['json-quotes', 'json-unicode']);
    });

    describe('list, filter, search and pagination', () => {
      beforeAll(async () => {
        const teams = ['hr', 'finance', 'sales'];
        const classes = ['public', 'internal', 'confidential', 'restricted'] as const;
        for (let i = 0; i < 45; i++) {
          await catalog.register(jane, {
            value: manifest(
              `bulk-${String(i).padStart(2, '0')}`,
              { owner: i % 2 ? 'user:ann@example.com' : 'bob@example.com', team: teams[i % 3], classification: classes[i % 4], connectors: i % 5 === 0 ? [{ name: 'crm', resources: [{ name: 'accounts', fields: ['id'], access: 'read' }] }] : [] },
              { title: i === 7 ? 'Quarterly forecast' : `Bulk app ${i}`, description: i === 8 ? 'Tracks café expenses and forecasting' : 'A generated app' },
            ),
          });
        }
        await database.db.updateTable('catalog_apps').set({ risk_tier: 'high' }).where('name', '=', 'bulk-03').execute();
      });

      it('filters by owner (canonical), team, status, classification, risk and connector', async () => {
        const names = async (q: Parameters<CatalogService['list']>[0]) => (await catalog.list({ ...q, limit: 200 })).items.map((a) => a.name).filter((n) => n.startsWith('bulk-'));
        expect(await names({ owner: 'Ann@Example.com' })).toHaveLength(22);
        expect(await names({ owner: 'user:bob@example.com', team: 'hr' })).toEqual(['bulk-00', 'bulk-06', 'bulk-12', 'bulk-18', 'bulk-24', 'bulk-30', 'bulk-36', 'bulk-42']);
        expect(await names({ classification: 'restricted', team: 'finance' })).toEqual(['bulk-07', 'bulk-19', 'bulk-31', 'bulk-43']);
        expect(await names({ risk: 'high' })).toEqual(['bulk-03']);
        expect(await names({ connector: 'crm' })).toEqual(['bulk-00', 'bulk-05', 'bulk-10', 'bulk-15', 'bulk-20', 'bulk-25', 'bulk-30', 'bulk-35', 'bulk-40']);
        expect(await names({ connector: 'crm', team: 'sales' })).toEqual(['bulk-05', 'bulk-20', 'bulk-35']);
        expect(await names({ status: 'approved' })).toEqual([]);
        expect((await catalog.list({ status: 'draft', limit: 200 })).items.every((a) => a.status === 'draft')).toBe(true);
      });

      it('searches name, title and description by word prefix', async () => {
        const names = async (q: string) => (await catalog.list({ q })).items.map((a) => a.name);
        expect(await names('forecast')).toEqual(['bulk-07', 'bulk-08']);
        expect(await names('QUARTER')).toEqual(['bulk-07']);
        expect(await names('expen')).toEqual(['bulk-08', 'expense-bot']);
        expect(await names('leave requests')).toEqual(['leave-requests']);
        expect(await names('bulk 4')).toEqual(['bulk-04', 'bulk-40', 'bulk-41', 'bulk-42', 'bulk-43', 'bulk-44']);
        expect(await names('"*) OR name:')).toEqual([]);
        expect(await names('---')).toEqual([]);
        expect((await catalog.list({ q: 'forecast', classification: 'restricted' })).items.map((a) => a.name)).toEqual(['bulk-07']);
      });

      it('walks every page exactly once, in name order', async () => {
        const all = (await catalog.list({ limit: 200 })).items.map((a) => a.name);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await catalog.list({ limit: 7, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((a) => a.name));
          cursor = page.next_cursor ?? undefined;
          pages++;
        } while (cursor);
        expect(seen).toEqual(all);
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).toEqual([...seen].sort());
        expect(pages).toBe(Math.ceil(all.length / 7));
      });

      it('pages filtered and searched lists too', async () => {
        const first = await catalog.list({ team: 'hr', limit: 5 });
        const second = await catalog.list({ team: 'hr', limit: 5, cursor: first.next_cursor! });
        expect(second.items[0]!.name > first.items[4]!.name).toBe(true);
        const byConnector = await catalog.list({ connector: 'crm', limit: 4 });
        const rest = await catalog.list({ connector: 'crm', limit: 10, cursor: byConnector.next_cursor! });
        expect([...byConnector.items, ...rest.items].map((a) => a.name)).toHaveLength(9);
        expect(rest.next_cursor).toBeNull();
      });

      it('keeps the word index in step with the current version', async () => {
        await update(jane, 'bulk-07', { value: manifest('bulk-07', { owner: 'user:ann@example.com', team: 'finance', classification: 'restricted' }, { title: 'Annual budget' }) });
        expect((await catalog.list({ q: 'quarterly' })).items.map((a) => a.name)).toEqual([]);
        expect((await catalog.list({ q: 'annual budg' })).items.map((a) => a.name)).toEqual(['bulk-07']);
      });

      it('pages searches with other filters through several candidate rounds', async () => {
        for (const extra of [{ team: 'hr' }, { connector: 'crm' }, { classification: 'restricted' as const }, { owner: 'user:nobody@example.com' }]) {
          const whole = await store.listApps(database.db, database.dialect, { words: ['bulk'], limit: 100, ...extra });
          const rounds = await store.listApps(database.db, database.dialect, { words: ['bulk'], limit: 100, searchBatch: 1, ...extra });
          expect(rounds.map((a) => a.name), JSON.stringify(extra)).toEqual(whole.map((a) => a.name));
          const unfiltered = await store.listApps(database.db, database.dialect, { words: ['bulk'], limit: 100 });
          expect(whole.map((a) => a.name)).toEqual(unfiltered.map((a) => a.name).filter((n) => whole.some((w) => w.name === n)));
        }
      });

      it('rejects a forged cursor', async () => {
        expect((await rejects(catalog.list({ cursor: 'not-a-cursor' }))).code).toBe('validation_failed');
      });

      it('keeps the connector index in step with the current version', async () => {
        await update(jane, 'bulk-00', { value: manifest('bulk-00', { owner: 'bob@example.com', connectors: [{ name: 'hr-db', resources: [{ name: 'x', fields: ['id'], access: 'read' }] }] }) });
        expect((await catalog.list({ connector: 'crm' })).items.map((a) => a.name)).not.toContain('bulk-00');
        expect((await catalog.list({ connector: 'hr-db' })).items.map((a) => a.name)).toContain('bulk-00');
      });
    });

    describe('other orders (sort)', () => {
      // Twelve apps whose keys tie in threes and pairs, four of them with no risk score.
      const srt = (i: number) => `srt-${String(i).padStart(2, '0')}`;
      const scores = [40, null, 40, 90, null, 0, 40, 90, 7, null, 0, 40];
      beforeAll(async () => {
        for (let i = 0; i < 12; i++) {
          await catalog.register(jane, { value: manifest(srt(i), { team: i % 2 ? 'odd' : 'even', classification: 'internal' }, { title: `sortable ${i % 3 === 0 ? 'alpha' : 'beta'}` }) });
          await database.db
            .updateTable('catalog_apps')
            .set({ risk_score: scores[i]!, updated_at: `2030-01-0${1 + (i % 3)}T00:00:00.000Z`, created_at: `2029-0${1 + (i % 4)}-01T00:00:00.000Z` })
            .where('name', '=', srt(i))
            .execute();
        }
      });

      const sorts = ['name', '-name', 'updated_at', '-updated_at', 'created_at', '-created_at', 'risk_score', '-risk_score'] as const;
      type Sort = (typeof sorts)[number];
      type Query = Omit<Parameters<CatalogService['list']>[0], 'limit' | 'sort' | 'cursor'>;

      /** Every app of every test above, in `sort`'s order as the rule says: key, then name ascending; no score below any. */
      async function expectedOrder(sort: Sort): Promise<string[]> {
        const rows = await database.db.selectFrom('catalog_apps').select(['name', 'updated_at', 'created_at', 'risk_score']).execute();
        const key = sort.replace(/^-/, '') as 'name' | 'updated_at' | 'created_at' | 'risk_score';
        const dir = sort.startsWith('-') ? -1 : 1;
        const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
        return rows
          .sort((a, b) => {
            if (key === 'name') return dir * cmp(a.name, b.name);
            const ka = key === 'risk_score' ? (a.risk_score ?? -1) : a[key];
            const kb = key === 'risk_score' ? (b.risk_score ?? -1) : b[key];
            return dir * cmp(ka, kb) || cmp(a.name, b.name);
          })
          .map((r) => r.name);
      }

      /** Every name, page by page in `sort`, checking each page's size and that no app comes twice. */
      async function walkSorted(sort: Sort, q: Query, limit: number): Promise<string[]> {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await catalog.list({ ...q, sort, limit, ...(cursor ? { cursor } : {}) });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items.map((a) => a.name));
          cursor = page.next_cursor ?? undefined;
          pages++;
        } while (cursor);
        expect(new Set(seen).size).toBe(seen.length);
        expect(pages).toBe(Math.max(1, Math.ceil(seen.length / limit)));
        return seen;
      }

      it('walks every page exactly once in each order, ties by name ascending', async () => {
        for (const sort of sorts) {
          const expected = await expectedOrder(sort);
          for (const limit of [1, 5, 200]) expect(await walkSorted(sort, {}, limit), `${sort} ${limit}`).toEqual(expected);
        }
      });

      it('puts apps with no risk score below every score, and breaks ties A→Z in both directions', async () => {
        const mine = async (sort: Sort) => (await walkSorted(sort, { q: 'sortable' }, 3)).filter((n) => n.startsWith('srt-'));
        expect(await mine('-risk_score')).toEqual([3, 7, 0, 2, 6, 11, 8, 5, 10, 1, 4, 9].map(srt));
        expect(await mine('risk_score')).toEqual([1, 4, 9, 5, 10, 8, 0, 2, 6, 11, 3, 7].map(srt));
        expect(await mine('-updated_at')).toEqual([2, 5, 8, 11, 1, 4, 7, 10, 0, 3, 6, 9].map(srt));
        expect(await mine('created_at')).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11].map(srt));
        expect(await mine('-name')).toEqual(Array.from({ length: 12 }, (_, i) => srt(11 - i)));
      });

      it('combines every order with filters and search, paging the same apps as name order', async () => {
        const queries: Query[] = [{ team: 'odd' }, { q: 'beta' }, { q: 'sortable', team: 'even' }, { q: 'sort bet' }, { classification: 'internal' }, { connector: 'crm' }, { q: 'bulk', team: 'hr' }, { q: 'zzz' }];
        for (const q of queries) {
          const members = new Set((await catalog.list({ ...q, limit: 200 })).items.map((a) => a.name));
          for (const sort of sorts) {
            const expected = (await expectedOrder(sort)).filter((n) => members.has(n));
            expect(await walkSorted(sort, q, 2), `${sort} ${JSON.stringify(q)}`).toEqual(expected);
          }
        }
      });

      it('reads the same pages by walking the sort index (SQLite, many matches) as by sorting the matches', async () => {
        const filters = [{ team: 'odd' }, { words: ['sortable'] }, { words: ['sort', 'beta'], team: 'even' }, { connector: 'crm' }, { classification: 'internal', owner: 'user:jane@example.com' }, { words: ['zzz'] }];
        for (const extra of filters) {
          for (const sort of sorts.filter((s) => s !== 'name')) {
            for (const after of [{}, { afterName: 'srt-05', ...(sort === '-name' ? {} : { afterKey: sort.endsWith('risk_score') ? 40 : '2030-01-02T00:00:00.000Z' }) }]) {
              const f = { ...extra, ...after, sort, limit: 6 };
              const label = JSON.stringify(f);
              const sorted = await store.listApps(database.db, database.dialect, { ...f, walkFrom: 1_000_000 });
              expect(await store.listApps(database.db, database.dialect, { ...f, walkFrom: 1 }), label).toEqual(sorted);
            }
          }
        }
      });

      it('refuses a cursor issued for another order, or forged, naming the cursor', async () => {
        const byRisk = await catalog.list({ sort: '-risk_score', limit: 2 });
        const byName = await catalog.list({ limit: 2 });
        const cursorError = async (p: Promise<unknown>) => {
          const err = await rejects(p);
          expect(err.code).toBe('validation_failed');
          return err.errors;
        };
        expect(await cursorError(catalog.list({ sort: 'risk_score', cursor: byRisk.next_cursor! }))).toEqual([{ path: 'cursor', message: 'was issued for sort=-risk_score, not sort=risk_score' }]);
        expect(await cursorError(catalog.list({ cursor: byRisk.next_cursor! }))).toEqual([{ path: 'cursor', message: 'was issued for sort=-risk_score, not sort=name' }]);
        // A name-order cursor (version 1, as issued before other orders) continues only name order.
        expect((await catalog.list({ sort: 'name', limit: 2, cursor: byName.next_cursor! })).items).toHaveLength(2);
        expect(await cursorError(catalog.list({ sort: '-name', cursor: byName.next_cursor! }))).toEqual([{ path: 'cursor', message: 'was issued for sort=name, not sort=-name' }]);
        const forge = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const forged: [Sort, string][] = [
          ['risk_score', forge({ v: 2, s: 'risk_score', k: 'high', n: 'srt-01' })],
          ['risk_score', forge({ v: 2, s: 'risk_score', k: 1.5, n: 'srt-01' })],
          ['risk_score', forge({ v: 2, s: 'risk_score', n: 'srt-01' })],
          ['updated_at', forge({ v: 2, s: 'updated_at', k: 5, n: 'srt-01' })],
          ['-name', forge({ v: 2, s: '-name', k: 'x', n: 'srt-01' })],
          ['name', forge({ v: 2, s: 'name', n: 'srt-01' })],
          ['risk_score', forge({ v: 2, s: 'shoe_size', k: 1, n: 'srt-01' })],
          ['risk_score', forge({ v: 3, s: 'risk_score', k: 1, n: 'srt-01' })],
          ['risk_score', forge({ v: 2, s: 'risk_score', k: 1, n: 'x'.repeat(64) })],
          ['risk_score', 'garbled!'],
        ];
        for (const [sort, cursor] of forged) expect(await cursorError(catalog.list({ sort, cursor })), cursor).toEqual([{ path: 'cursor', message: 'is not a cursor this server issued' }]);
      });
    });

    describe('search by merging the word index in name order', () => {
      // 30 apps whose words interleave: prefix `mw` expands to three index words (mwa, mwb,
      // mwc) whose apps alternate in name order, `mx` to one word per app, and every app has
      // one of two shared words so that two-word searches filter candidates.
      const mrg = (i: number) => `mrg-${String(i).padStart(2, '0')}`;
      beforeAll(async () => {
        for (let i = 0; i < 30; i++) {
          await catalog.register(jane, {
            value: manifest(mrg(i), { team: i % 2 ? 'red' : 'blue', classification: i % 4 === 0 ? 'restricted' : 'internal' }, { title: `mw${'abc'[i % 3]} mx${i} ${i % 5 === 0 ? 'gamma' : 'delta'}` }),
          });
        }
      });

      /** Every name the search gives, page by page through `list`, checking order and no repeats. */
      async function walk(q: Omit<Parameters<CatalogService['list']>[0], 'limit'>, limit: number): Promise<string[]> {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await catalog.list({ ...q, limit, ...(cursor ? { cursor } : {}) });
          expect(page.items.length, JSON.stringify(q)).toBeLessThanOrEqual(limit);
          seen.push(...page.items.map((a) => a.name));
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        expect(seen, JSON.stringify(q)).toEqual([...new Set(seen)].sort());
        return seen;
      }

      it('finds what one range query finds, for prefixes, several words and cursors', async () => {
        const searches = [['mw'], ['mwb'], ['mx'], ['mx1'], ['m'], ['b'], ['1'], ['bulk'], ['a'], ['gamma'], ['mw', 'gamma'], ['gamma', 'mw'], ['mx', 'mwc'], ['delta', 'mx2'], ['bulk', '4'], ['mwa', 'mwb'], ['zz'], ['mw', 'zz']];
        const cursors = [undefined, 'bulk-10', 'mrg-', 'mrg-07', 'mrg-28', 'zzz'];
        for (const words of searches) {
          for (const after of cursors) {
            for (const limit of [1, 2, 5, 51]) {
              const range = await store.searchNames(database.db, words, after, limit, 0);
              const label = JSON.stringify({ words, after, limit });
              expect(await store.searchNames(database.db, words, after, limit), label).toEqual(range);
              // One index word per search word at most: the other words drive, or the range query answers.
              expect(await store.searchNames(database.db, words, after, limit, 1), label).toEqual(range);
            }
          }
        }
        expect(await store.searchNames(database.db, ['mw'], undefined, 100)).toEqual(Array.from({ length: 30 }, (_, i) => mrg(i)));
        expect(await store.searchNames(database.db, ['mwb'], undefined, 100)).toEqual([1, 4, 7, 10, 13, 16, 19, 22, 25, 28].map(mrg));
        expect(await store.searchNames(database.db, ['mx2'], 'mrg-02', 3)).toEqual(['mrg-20', 'mrg-21', 'mrg-22']);
        expect(await store.searchNames(database.db, ['gamma', 'mwa'], undefined, 100)).toEqual(['mrg-00', 'mrg-15']);
      });

      it('lists the same apps through the merge and the range query, with and without filters', async () => {
        const filters = [{}, { team: 'red' }, { classification: 'restricted' }, { team: 'blue', classification: 'restricted' }, { owner: 'user:nobody@example.com' }];
        for (const words of [['mw'], ['mx1'], ['m'], ['mw', 'delta'], ['delta', 'mx']]) {
          for (const extra of filters) {
            for (const searchBatch of [undefined, 1]) {
              const f = { words, limit: 7, afterName: 'mrg-03', ...extra, ...(searchBatch ? { searchBatch } : {}) };
              const label = JSON.stringify(f);
              const range = await store.listApps(database.db, database.dialect, { ...f, mergeWords: 0 });
              expect(await store.listApps(database.db, database.dialect, f), label).toEqual(range);
              // Only the summary's fields reach a page, in the schema's order.
              for (const row of range) {
                expect(Object.keys(row), label).toEqual(['name', 'summary']);
                expect(Object.keys(JSON.parse(row.summary) as object), label).toEqual(['name', 'title', 'description', 'owner', 'team', 'status', 'classification', 'risk_tier', 'risk_score', 'runtime', 'connectors', 'version', 'created_at', 'updated_at']);
              }
            }
          }
        }
      });

      it('pages prefix, several-word and filtered searches with no skips or repeats', async () => {
        const all = Array.from({ length: 30 }, (_, i) => mrg(i));
        expect(await walk({ q: 'mw' }, 4)).toEqual(all);
        expect(await walk({ q: 'MX' }, 7)).toEqual(all);
        expect(await walk({ q: 'mx1' }, 3)).toEqual(['mrg-01', ...[10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map(mrg)]);
        expect(await walk({ q: 'mwc delta' }, 2)).toEqual([2, 8, 11, 14, 17, 23, 26, 29].map(mrg));
        expect(await walk({ q: 'mw', team: 'red' }, 4)).toEqual(all.filter((_, i) => i % 2 === 1));
        expect(await walk({ q: 'gam mw', classification: 'restricted' }, 1)).toEqual(['mrg-00', 'mrg-20']);
        expect(await walk({ q: 'm' }, 9)).toEqual((await catalog.list({ q: 'm', limit: 200 })).items.map((a) => a.name));
      });
    });
  });
}
