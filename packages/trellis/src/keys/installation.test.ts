/**
 * Every server of an installation must hold the same master key: the database records a key
 * check on first start and a server under another key refuses to start. Where the key lives:
 * the key file on SQLite, the database in development mode on PostgreSQL, TRELLIS_MASTER_KEY
 * otherwise. Also the key file's permissions.
 */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from '../../test/databases.ts';
import { AppError } from '../errors.ts';
import { loadInstallationKeys, findInstallationKey } from './installation.ts';
import { keyCheck, keyRingFrom } from './master-key.ts';

const dir = (name: string) => mkdtempSync(join(tmpdir(), `keys-${name}-`));
const envWith = (key: Buffer) => ({ TRELLIS_MASTER_KEY: key.toString('base64') });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

for (const tdb of testDatabases) {
  describe(`installation key on ${tdb.name}`, () => {
    it('is recorded on first start; the same key starts again, another key is refused naming both key ids', async () => {
      const database = await tdb.open();
      try {
        const key = randomBytes(32);
        const first = await loadInstallationKeys({ database, dev: false, dataDir: dir('a'), env: envWith(key), warn: () => undefined });
        // A new installation's root is random: its id is not the master key's.
        expect(first.masterKeyId).toBe(keyCheck(keyRingFrom(key)).keyId);
        expect(first.keyId).not.toBe(first.masterKeyId);
        const again = await loadInstallationKeys({ database, dev: false, dataDir: dir('b'), env: envWith(key), warn: () => undefined });
        expect(again.ring.derive('dlp.encrypt')).toEqual(first.ring.derive('dlp.encrypt'));
        const other = randomBytes(32);
        const err = await refusal(loadInstallationKeys({ database, dev: true, dataDir: dir('c'), env: envWith(other), warn: () => undefined }));
        expect(err.code).toBe('key_mismatch');
        expect(err.message).toContain(`key id ${keyCheck(keyRingFrom(other)).keyId}`);
        expect(err.message).toContain(`first used with (key id ${first.masterKeyId})`);
        expect(err.message).not.toContain(other.toString('base64'));
        // Without TRELLIS_MASTER_KEY a server's own key is not the installation's either.
        const own = loadInstallationKeys({ database, dev: true, dataDir: dir('d'), env: {}, warn: () => undefined });
        expect((await refusal(own)).code).toBe('key_mismatch');
      } finally {
        await database.close();
      }
    });
  });
}

const pg = testDatabases.find((t) => t.name === 'postgres');
describe.runIf(pg)('master key on PostgreSQL without TRELLIS_MASTER_KEY', () => {
  it('development mode: replicas with their own data directories share the key kept in the database, with a warning', async () => {
    const database = await pg!.open();
    try {
      const warnings: string[] = [];
      const a = await loadInstallationKeys({ database, dev: true, dataDir: dir('a'), env: {}, warn: (l) => warnings.push(l) });
      const b = await loadInstallationKeys({ database, dev: true, dataDir: dir('b'), env: {}, warn: (l) => warnings.push(l) });
      expect(b.keyId).toBe(a.keyId);
      expect(b.ring.derive('dlp.tokenize')).toEqual(a.ring.derive('dlp.tokenize'));
      expect(a.source).toBe('database');
      expect(warnings.join('\n')).toMatch(/kept in the database.*set TRELLIS_MASTER_KEY/);
      expect(await findInstallationKey({ database, env: {} })).toBeDefined();
    } finally {
      await database.close();
    }
  });

  it('development mode adopts an existing key file, so values made before stay revealable', async () => {
    const database = await pg!.open();
    try {
      const data = dir('legacy');
      const legacy = randomBytes(32);
      writeFileSync(join(data, 'master.key'), legacy.toString('base64') + '\n', { mode: 0o600 });
      const k = await loadInstallationKeys({ database, dev: true, dataDir: data, env: {}, warn: () => undefined });
      expect(k.keyId).toBe(keyCheck(keyRingFrom(legacy)).keyId);
    } finally {
      await database.close();
    }
  });

  it('outside development mode it refuses to start', async () => {
    const database = await pg!.open();
    try {
      const err = await refusal(loadInstallationKeys({ database, dev: false, dataDir: dir('prod'), env: {}, warn: () => undefined }));
      expect(err).toMatchObject({ code: 'validation_failed' });
      expect(err.message).toContain('needs TRELLIS_MASTER_KEY');
    } finally {
      await database.close();
    }
  });
});

describe('the key file on SQLite', () => {
  const sqlite = testDatabases.find((t) => t.name === 'sqlite')!;

  it('is created 0600 in a 0700 directory and is what the database records', async () => {
    const database = await sqlite.open();
    try {
      const data = join(dir('file'), 'data');
      const k = await loadInstallationKeys({ database, dev: true, dataDir: data, env: {}, warn: () => undefined });
      expect(k.source).toBe('file');
      expect(statSync(data).mode & 0o777).toBe(0o700);
      expect(statSync(join(data, 'master.key')).mode & 0o777).toBe(0o600);
      expect((await loadInstallationKeys({ database, dev: false, dataDir: data, env: {}, warn: () => undefined })).keyId).toBe(k.keyId);
    } finally {
      await database.close();
    }
  });

  it('readable by others is used, with a warning naming the file and the fix', async () => {
    const database = await sqlite.open();
    try {
      const data = dir('open');
      writeFileSync(join(data, 'master.key'), randomBytes(32).toString('base64') + '\n');
      chmodSync(join(data, 'master.key'), 0o644);
      const warnings: string[] = [];
      await loadInstallationKeys({ database, dev: true, dataDir: data, env: {}, warn: (l) => warnings.push(l) });
      expect(warnings).toEqual([expect.stringMatching(/master\.key has mode 0644.*chmod 600/)]);
      chmodSync(join(data, 'master.key'), 0o600);
      const quiet: string[] = [];
      await loadInstallationKeys({ database, dev: true, dataDir: data, env: {}, warn: (l) => quiet.push(l) });
      expect(quiet).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
