/**
 * Impact analysis decided in worker threads gives the same answer as in this thread: a catalog
 * read in pages of two (so the decision pool is used and pages overlap with the workers) is
 * compared with the same analysis in one page, on SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteTestDb } from '../../test/databases.ts';
import { createServices, startModules, stopModules, type Services } from '../services.ts';
import type { Database } from '../db/database.ts';
import { systemActor } from '../auth/index.ts';
import { analyseImpact } from './impact.ts';

const asker = { caller: { actor: systemActor }, principal: { kind: 'token' as const, tokenId: 'tok_t', name: 't', role: 'admin' as const, subject: null, permissions: new Set<string>(), attributes: {} } };

describe('impact analysis in worker threads', () => {
  let database: Database;
  let s: Services;
  beforeAll(async () => {
    database = await openSqliteTestDb();
    s = await createServices(database);
    await startModules(s);
    for (const name of ['crm', 'erp']) {
      await s.connectors.apply({ actor: systemActor }, { value: { apiVersion: 'trellis.dev/v1', kind: 'Connector', metadata: { name }, spec: { type: 'postgres', owner: 'group:platform', resources: [{ name: 'records', fields: [{ name: 'id' }, { name: 'email', tags: ['pii.email'] }] }] } } });
    }
    for (let i = 0; i < 7; i++) {
      const connector = i % 2 === 0 ? 'crm' : 'erp';
      const manifest = { apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name: `app-${i}` }, spec: { owner: 'user:ana@example.com', classification: 'internal', connectors: [{ name: connector, resources: [{ name: 'records', fields: i % 3 === 0 ? ['id', 'email'] : ['id'], access: 'read' }] }] } };
      // Some decided (a stored decision stands for the active bundle), some drafts (decided anew).
      await s.governance.register(asker, { manifest: { value: manifest } }, { draft: i >= 5 });
    }
  }, 60_000);
  afterAll(async () => {
    await stopModules(s);
    await s.audit.stop();
    await database.close();
  });

  it('flips the same apps, with the same messages, as the analysis in one page', { timeout: 60_000 }, async () => {
    const active = s.policy.active()!;
    const { modules, data } = await s.policy.get(active.version!);
    const candidate = await s.policy.compile({ modules: { ...modules, 'team/erp.rego': 'package trellis.admission\n\ndeny[msg] { input.connector == "erp"; msg := "erp is being retired" }\n' }, data });
    const ctx = { catalogs: await s.connectors.allCatalogs(), settings: await s.governance.settings(), now: new Date().toISOString() };
    const deps = { catalog: s.catalog, policy: s.policy, ctx };
    const whole = await analyseImpact(deps, candidate, { limit: 100 });
    const paged = await analyseImpact(deps, candidate, { limit: 100, pageSize: 2, workers: 2 });
    expect(whole).toMatchObject({ apps: 7, flips: { to_deny: 3, to_allow: 0 } });
    expect(whole.items.map((i) => i.app).sort()).toEqual(['app-1', 'app-3', 'app-5']);
    expect({ ...paged, duration_ms: 0 }).toEqual({ ...whole, duration_ms: 0 });
  });
});
