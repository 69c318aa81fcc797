/**
 * Two replicas on one database — two service containers, each with its own connections, as two
 * servers have — on SQLite (one file, polled) and PostgreSQL (LISTEN/NOTIFY): a bundle
 * activated, and rolled back, on one is the one the other decides with within a second.
 * The test polls with a deadline; it never sleeps a fixed time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Database } from '../db/database.ts';
import { keyRingFrom } from '../keys/index.ts';
import { openTrellisDatabase } from '../modules.ts';
import { createServices, type Services } from '../services.ts';
import { postgresUrl } from '../../test/databases.ts';
import { systemActor } from '../auth/index.ts';

interface Pair {
  open(): Promise<Database>;
  cleanup(): Promise<void>;
}

function sqlitePair(): Pair {
  const dir = mkdtempSync(join(tmpdir(), 'policy-replicas-'));
  return { open: () => openTrellisDatabase({ sqliteFile: join(dir, 'trellis.db') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

function postgresPair(): Pair {
  const schema = 't_' + randomBytes(6).toString('hex');
  return {
    open: () => openTrellisDatabase({ url: postgresUrl, schema }),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** Resolves with how long it took for `check` to hold, or rejects past `deadlineMs`. */
async function within(deadlineMs: number, check: () => boolean): Promise<number> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > deadlineMs) throw new Error(`not within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - start;
}

const bundle = (message: string) => ({ modules: { 'gateway.rego': `package trellis.gateway\n\ndeny contains ${JSON.stringify(message)} if input.operation == "write"\n` } });

const pairs: [string, () => Pair][] = [['sqlite', sqlitePair], ...(postgresUrl ? [['postgres', postgresPair] as [string, () => Pair]] : [])];

for (const [name, makePair] of pairs) {
  describe(`two replicas on one ${name} database`, () => {
    const pair = makePair();
    const dbs: Database[] = [];
    const replicas: Services[] = [];
    const key = keyRingFrom(randomBytes(32));

    beforeAll(async () => {
      for (let i = 0; i < 2; i++) {
        const db = await pair.open();
        dbs.push(db);
        const services = await createServices(db, key);
        await services.policy.start();
        replicas.push(services);
      }
    });
    afterAll(async () => {
      for (const s of replicas) {
        await s.policy.stop();
        await s.audit.stop();
      }
      for (const db of dbs) await db.close();
      await pair.cleanup();
    });

    it('an activation on one replica reaches the other within a second, and so does a rollback', async () => {
      const [a, b] = [replicas[0]!.policy, replicas[1]!.policy];
      const caller = { actor: systemActor };
      const v1 = (await a.push(caller, bundle('one'), { activate: true })).bundle.version;
      expect(a.active()?.version).toBe(v1);
      const first = await within(1_000, () => b.active()?.version === v1);
      expect(b.decide('gateway', { operation: 'write' }).deny).toEqual(['one']);

      const v2 = (await b.push(caller, bundle('two'))).bundle.version;
      await b.activate(caller, v2);
      const second = await within(1_000, () => a.active()?.version === v2);
      expect(a.decide('gateway', { operation: 'write' }).deny).toEqual(['two']);

      await a.rollback(caller);
      const third = await within(1_000, () => b.active()?.version === v1);
      expect(b.decide('gateway', { operation: 'write' }).deny).toEqual(['one']);
      expect(Math.max(first, second, third)).toBeLessThan(1_000);
    });

    // PostgreSQL only: SQLite replicas poll and hold no connection to lose.
    if (name === 'postgres') it('a replica whose listening connection is killed reconnects and still follows activations', async () => {
      const [a, b] = [replicas[0]!.policy, replicas[1]!.policy];
      const following = b.following();
      expect(following).toMatchObject({ mode: 'listen', connected: true });
      const pid = following?.mode === 'listen' ? following.pid : undefined;
      expect(pid).toBeGreaterThan(0);
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      try {
        await admin.query('select pg_terminate_backend($1)', [pid]);
      } finally {
        await admin.end();
      }
      // Activated while b may still be reconnecting: b re-reads the active version once it listens again.
      const v = (await a.push({ actor: systemActor }, bundle('after reconnect'), { activate: true })).bundle.version;
      await within(5_000, () => b.active()?.version === v);
      const now = b.following();
      expect(now).toMatchObject({ mode: 'listen', connected: true });
      expect(now?.mode === 'listen' ? now.pid : pid).not.toBe(pid);
    });
  });
}
