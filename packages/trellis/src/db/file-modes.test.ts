/** The embedded database is readable by its owner only: directory 0700, files 0600. */
import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openTrellisDatabase as openDatabase } from '../modules.ts';

const mode = (f: string) => statSync(f).mode & 0o777;

describe('SQLite files on disk', () => {
  it('creates the data directory 0700 and the database, WAL and shared-memory files 0600', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'db-modes-')), 'data');
    const database = await openDatabase({ dataDir: data });
    try {
      await sql`select count(*) from audit_events`.execute(database.db);
      expect(mode(data)).toBe(0o700);
      for (const f of ['trellis.db', 'trellis.db-wal', 'trellis.db-shm']) {
        expect(existsSync(join(data, f)), f).toBe(true);
        expect(mode(join(data, f)), f).toBe(0o600);
      }
    } finally {
      await database.close();
    }
  });

  it('tightens a database file an older version left readable by others', async () => {
    const data = mkdtempSync(join(tmpdir(), 'db-modes-old-'));
    writeFileSync(join(data, 'trellis.db'), '');
    chmodSync(join(data, 'trellis.db'), 0o644);
    const database = await openDatabase({ dataDir: data });
    await database.close();
    expect(mode(join(data, 'trellis.db'))).toBe(0o600);
  });
});
