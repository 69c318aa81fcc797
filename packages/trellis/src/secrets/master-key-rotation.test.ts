/**
 * Rotating the master key without downtime, on SQLite and PostgreSQL: replicas start with the
 * new key and the old one as previous, `rewrap` re-wraps every data key and re-seals the root,
 * and afterwards the old key can go. Throughout, every secret reads, purpose keys (audit MACs,
 * DLP encryption) do not change, and a replica without a needed key refuses to start naming it.
 */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { createServices } from '../services.ts';
import { systemActor } from '../auth/index.ts';
import { dlpEngine } from '../dlp/index.ts';
import { findInstallationKey, loadInstallationKeys } from '../keys/index.ts';
import { checkOf, keyRingFrom } from '../keys/master-key.ts';
import { SecretService } from './service.ts';

const caller = { actor: systemActor };
const b64 = (k: Buffer) => k.toString('base64');
const email = 'rosa.vidal@northwind-mail.com';
const card = '4532 0151 1283 0366';
const plan = { rules: [{ entity: 'EMAIL_ADDRESS', operator: { type: 'encrypt' } }, { entity: 'CREDIT_CARD', operator: { type: 'tokenize' } }] };

async function replica(database: Database, env: Record<string, string>) {
  const keys = await loadInstallationKeys({ database, dev: false, dataDir: mkdtempSync(join(tmpdir(), 'rotation-')), env, warn: () => undefined });
  const services = await createServices(database, keys.ring);
  const secrets = new SecretService(database, services.audit, keys.ring, { rewrapBatchSize: 2 });
  return { keys, services, secrets, close: () => services.audit.stop() };
}

for (const tdb of testDatabases) {
  describe(`master-key rotation on ${tdb.name}`, () => {
    it('re-wraps every data key and re-seals the root; secrets, audit MACs and DLP values survive; the old key becomes removable', async () => {
      const database = await tdb.open();
      const oldKey = randomBytes(32);
      const newKey = randomBytes(32);
      try {
        const before = await replica(database, { TRELLIS_MASTER_KEY: b64(oldKey) });
        const values = new Map<string, string>();
        for (let i = 0; i < 5; i++) {
          const value = `value-${i}-${randomBytes(8).toString('hex')}`;
          values.set(`app-key-${i}`, value);
          await before.secrets.put(caller, `app-key-${i}`, { value });
        }
        const dlp = await dlpEngine();
        const made = dlp.transform(`${email} ${card}`, plan, { keys: { encrypt: before.keys.ring.derive('dlp.encrypt'), tokenize: before.keys.ring.derive('dlp.tokenize') } }).value;
        const [sealed = '', token = ''] = [made.split(' ')[0], made.slice(made.indexOf(' ') + 1)];
        expect(sealed).not.toBe(email);
        expect(token).not.toBe(card);
        const oldId = before.keys.masterKeyId;
        await before.close();

        // Every replica restarts with the new key, the old one as previous: nothing derived changes.
        const during = await replica(database, { TRELLIS_MASTER_KEY: b64(newKey), TRELLIS_PREVIOUS_MASTER_KEYS: ` ${b64(oldKey)} ` });
        const newId = during.keys.masterKeyId;
        expect(during.keys.keyId).toBe(before.keys.keyId);
        expect(during.keys.ring.derive('audit.row-mac')).toEqual(before.keys.ring.derive('audit.row-mac'));
        for (const [name, value] of values) expect((await during.secrets.resolve(name, { purpose: 'gateway' })).value).toBe(value);
        // A value stored now is wrapped under the new key.
        await during.secrets.put(caller, 'fresh', { value: 'fresh-value' });
        values.set('fresh', 'fresh-value');
        const mid = await during.secrets.keyStatus();
        expect(mid.current_master_key_id).toBe(newId);
        expect(mid.held_master_key_ids).toEqual([newId, oldId]);
        expect(mid.data_keys).toEqual(expect.arrayContaining([{ master_key_id: oldId, count: 5 }, { master_key_id: newId, count: 1 }]));
        expect(mid.previous_keys_removable).toBe(false);

        const r = await during.secrets.rewrap(caller);
        expect(r.rewrapped).toBe(5);
        expect(r.root_resealed).toBe(true);
        expect(r.status).toMatchObject({ root_master_key_id: newId, data_keys: [{ master_key_id: newId, count: 6 }], previous_keys_removable: true });
        // Again: nothing left to do.
        expect(await during.secrets.rewrap(caller)).toMatchObject({ rewrapped: 0, root_resealed: false });
        const events = await during.services.audit.list({ action: 'keys.rewrap', limit: 10 });
        expect(events.length).toBeGreaterThanOrEqual(1);
        await during.close();

        // A replica still on the old key alone is refused, naming the key it lacks.
        const stale = loadInstallationKeys({ database, dev: false, dataDir: mkdtempSync(join(tmpdir(), 'stale-')), env: { TRELLIS_MASTER_KEY: b64(oldKey) }, warn: () => undefined });
        await expect(stale).rejects.toMatchObject({ code: 'key_mismatch', message: expect.stringContaining(`(key id ${newId}) or last re-wrapped under`) as string });
        await expect(stale).rejects.not.toMatchObject({ message: expect.stringContaining(b64(oldKey)) as string });

        // The old key removed: everything still opens.
        const after = await replica(database, { TRELLIS_MASTER_KEY: b64(newKey) });
        expect(after.keys.keyId).toBe(before.keys.keyId);
        for (const [name, value] of values) expect((await after.secrets.resolve(name, { purpose: 'gateway' })).value).toBe(value);
        expect(dlp.decrypt(sealed, after.keys.ring.derive('dlp.encrypt'), 'EMAIL_ADDRESS')).toBe(email);
        expect(dlp.detokenize(token, after.keys.ring.derive('dlp.tokenize'), 'CREDIT_CARD')).toBe(card);
        const verdict = await after.services.audit.verify();
        expect(verdict.ok).toBe(true);
        // Offline tools (audit verify without a server) open the root the same way.
        const offline = await findInstallationKey({ database, env: { TRELLIS_MASTER_KEY: b64(newKey) } });
        expect(offline?.derive('audit.row-mac')).toEqual(before.keys.ring.derive('audit.row-mac'));
        await after.close();
      } finally {
        await database.close();
      }
    });

    it('an installation from before root keys keeps its master key as the root through a rotation', async () => {
      const database = await tdb.open();
      const legacy = randomBytes(32);
      const next = randomBytes(32);
      try {
        // What a server recorded before root keys: the master key's own check, nothing sealed.
        const check = checkOf(legacy);
        await database.db.insertInto('installation_keys').values({ id: 'master', key_id: check.keyId, key_check: check.check, dev_root_key: null, created_at: new Date().toISOString(), root_sealed: null, root_master_id: null }).execute();
        const old = keyRingFrom(legacy);
        const first = await replica(database, { TRELLIS_MASTER_KEY: b64(legacy) });
        expect(first.keys.ring.derive('dlp.tokenize')).toEqual(old.derive('dlp.tokenize'));
        await first.secrets.put(caller, 'legacy-secret', { value: 'kept' });
        await first.close();

        const rotating = await replica(database, { TRELLIS_MASTER_KEY: b64(next), TRELLIS_PREVIOUS_MASTER_KEYS: b64(legacy) });
        expect((await rotating.secrets.keyStatus()).root_master_key_id).toBe(check.keyId);
        expect((await rotating.secrets.rewrap(caller)).status.previous_keys_removable).toBe(true);
        await rotating.close();

        const done = await replica(database, { TRELLIS_MASTER_KEY: b64(next) });
        expect(done.keys.keyId).toBe(check.keyId);
        expect(done.keys.ring.derive('dlp.tokenize')).toEqual(old.derive('dlp.tokenize'));
        expect(done.keys.ring.derive('audit.row-mac')).toEqual(old.derive('audit.row-mac'));
        expect((await done.secrets.resolve('legacy-secret', { purpose: 'lease' })).value).toBe('kept');
        await done.close();
      } finally {
        await database.close();
      }
    });

    it('a replica without the key a data key is wrapped under says which key id it needs', async () => {
      const database = await tdb.open();
      const a = randomBytes(32);
      const b = randomBytes(32);
      try {
        const one = await replica(database, { TRELLIS_MASTER_KEY: b64(a) });
        await one.close();
        // Started with the new key before rewrap: the root opens through the previous key…
        const two = await replica(database, { TRELLIS_MASTER_KEY: b64(b), TRELLIS_PREVIOUS_MASTER_KEYS: b64(a) });
        await two.secrets.put(caller, 'made-under-b', { value: 'bbb' });
        // …but a ring holding only the old key cannot unwrap a data key made under the new one.
        const onlyA = new SecretService(database, two.services.audit, keyRingFrom(randomBytes(32), [a]));
        await expect(onlyA.resolve('made-under-b', { purpose: 'gateway' })).rejects.toMatchObject({ code: 'key_missing', message: expect.stringContaining(two.keys.masterKeyId) as string });
        await two.close();
      } finally {
        await database.close();
      }
    });
  });
}
