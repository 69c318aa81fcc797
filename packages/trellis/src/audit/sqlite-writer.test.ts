import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../db/database.ts';
import { openTrellisDatabase } from '../modules.ts';
import { keyRingFrom } from '../keys/index.ts';
import { AuditLog } from './service.ts';
import { appendedRow } from './integrity.ts';
import type { AuditInput } from './ocsf.ts';

const input = (i: number, action = 'test.detached'): AuditInput => ({
  class: 'datastore_activity',
  activity: 'read',
  action,
  actor: { type: 'service', id: 'client-7', name: 'leave-requests' },
  resources: [{ type: 'connector', id: 'hr' }],
  outcome: 'success',
  message: `call ${i} — "quoted", ünïcode, \\ back\nslash`,
  details: { i, fields: ['id', 'name'], nested: { z: 1, a: [null, true, 2.5] } },
});

describe('audit events of no change, written by their own thread on SQLite', () => {
  let dir: string;
  let database: Database;
  let audit: AuditLog;
  const keys = keyRingFrom(Buffer.alloc(32, 7));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trellis-audit-writer-'));
    database = await openTrellisDatabase({ dataDir: dir });
    audit = new AuditLog(database, keys);
  });

  afterEach(async () => {
    await audit.stop();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('interleaves with appends in transactions on the server connection: one chain, no gaps, every MAC the one appendedRow makes', async () => {
    expect(database.sqliteFile).toBeDefined();
    const detached = Array.from({ length: 20 }, (_, b) => audit.appendDetached(Array.from({ length: 15 }, (_, i) => input(b * 100 + i))));
    const inTx = Array.from({ length: 40 }, (_, i) => database.db.transaction().execute((tx) => audit.append(tx, input(10_000 + i, 'test.change'))));
    const batches = await Promise.all(detached);
    await Promise.all(inTx);

    const result = await audit.verify();
    expect(result).toMatchObject({ ok: true, count: 340, firstSeq: 1, lastSeq: 340, problems: [] });
    expect(result.macChecked).toBe(true);

    // Each detached batch is contiguous in the chain, in the order given.
    const listed = await audit.list({ limit: 1000 });
    const seqOf = new Map(listed.map((r) => [r.event.metadata.uid, r.seq]));
    for (const batch of batches) {
      const seqs = batch.map((e) => seqOf.get(e.uid)!);
      expect(seqs).toEqual(seqs.map((_s, i) => seqs[0]! + i));
    }

    // The thread's MAC is the one the event loop's definition gives for the same row.
    const conn = new BetterSqlite3(database.sqliteFile!, { readonly: true });
    try {
      const row = conn.prepare("select * from audit_events where action = 'test.detached' order by id limit 1").get() as Record<string, unknown>;
      const event = JSON.parse(row.event as string);
      expect(row.mac).toBe(appendedRow(keys.derive('audit.row-mac'), Number(row.id), event).mac);
    } finally {
      conn.close();
    }
  });

  it('a batch is durable when it resolves: another connection reads it at once', async () => {
    const [first] = await audit.appendDetached([input(1), input(2)]);
    const conn = new BetterSqlite3(database.sqliteFile!, { readonly: true });
    try {
      expect(conn.prepare('select seq, uid from audit_events order by seq').all()).toEqual([
        { seq: 1, uid: first!.uid },
        { seq: 2, uid: expect.any(String) },
      ]);
    } finally {
      conn.close();
    }
  });

  it('a writer in another process (a CLI command) and the thread share the chain', async () => {
    await audit.appendDetached([input(1)]);
    // Another connection holds the write lock for a while, as a CLI command's transaction would.
    const other = new BetterSqlite3(database.sqliteFile!);
    other.exec('begin immediate');
    const pending = audit.appendDetached([input(2), input(3)]);
    await new Promise((r) => setTimeout(r, 100));
    other.exec('commit');
    other.close();
    await pending;
    expect(await audit.verify()).toMatchObject({ ok: true, count: 3, problems: [] });
  });

  it('stop() waits for what was sent; the next write starts the thread again', async () => {
    const sent = audit.appendDetached([input(1)]);
    await audit.stop();
    await sent;
    await audit.appendDetached([input(2)]);
    expect(await audit.verify()).toMatchObject({ ok: true, count: 2 });
  });
});
