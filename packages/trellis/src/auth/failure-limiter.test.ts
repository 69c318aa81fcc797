import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { FailureLimiter, WINDOW_MS, windowOf } from './failure-limiter.ts';

describe('failure limiter on one replica', () => {
  const t0 = windowOf(Date.now()) + 1000;

  it('blocks a key at the limit until its window ends, and no other key', () => {
    const l = new FailureLimiter(3);
    for (let i = 0; i < 2; i++) l.fail(['ip:a'], t0);
    expect(l.blocked(['ip:a'], t0)).toBeUndefined();
    l.fail(['ip:a', 'token:x'], t0);
    expect(l.blocked(['ip:a'], t0)).toBe(59);
    expect(l.blocked(['ip:b', 'token:y'], t0)).toBeUndefined();
    expect(l.blocked(['ip:b', 'token:x'], t0)).toBeUndefined();
    expect(l.blocked(['ip:a'], t0 + WINDOW_MS)).toBeUndefined();
  });

  it('counts a token id across addresses', () => {
    const l = new FailureLimiter(3);
    for (const ip of ['ip:1', 'ip:2', 'ip:3']) l.fail([ip, 'token:t1'], t0);
    expect(l.blocked(['ip:4', 'token:t1'], t0)).toBeGreaterThan(0);
    expect(l.blocked(['ip:4'], t0)).toBeUndefined();
  });

  it('keeps memory bounded under a spray of addresses: the overflow blocks as one', () => {
    const l = new FailureLimiter(5);
    for (let i = 0; i < 50_010; i++) l.fail([`ip:${i}`], t0);
    // The first 50,000 keys each failed once; the rest share one bucket that reached 10.
    expect(l.blocked(['ip:1'], t0)).toBeUndefined();
    expect(l.blocked(['ip:new-address'], t0)).toBeGreaterThan(0);
  });
});

for (const tdb of testDatabases) {
  describe(`failure limiter across replicas (${tdb.name})`, () => {
    let database: Database;
    beforeAll(async () => {
      database = await tdb.open();
    });
    afterAll(() => database.close());

    it('blocks a guesser who spreads attempts over replicas once the cluster reaches the limit', async () => {
      const now = windowOf(Date.now()) + 500;
      const a = new FailureLimiter(10, database);
      const b = new FailureLimiter(10, database);
      for (let i = 0; i < 6; i++) a.fail(['ip:203.0.113.9'], now);
      for (let i = 0; i < 4; i++) b.fail(['ip:203.0.113.9'], now);
      expect(a.blocked(['ip:203.0.113.9'], now)).toBeUndefined();
      expect(b.blocked(['ip:203.0.113.9'], now)).toBeUndefined();
      await a.sync(now);
      await b.sync(now);
      expect(b.blocked(['ip:203.0.113.9'], now)).toBeGreaterThan(0);
      await a.sync(now);
      expect(a.blocked(['ip:203.0.113.9'], now)).toBeGreaterThan(0);
      // A fresh replica learns the block on its first sync, and the next window starts clean.
      const c = new FailureLimiter(10, database);
      await c.sync(now);
      expect(c.blocked(['ip:203.0.113.9'], now)).toBeGreaterThan(0);
      expect(c.blocked(['ip:203.0.113.10'], now)).toBeUndefined();
      await c.sync(now + WINDOW_MS);
      expect(c.blocked(['ip:203.0.113.9'], now + WINDOW_MS)).toBeUndefined();
    });
  });
}
