import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical-json.ts';
import { MAC_VERSION, MAC_VERSION_V1, MAC_VERSION_V2, RowChecker, appendedRow, columnMismatches, rowMac, type StoredRow } from './integrity.ts';
import { activities, ocsfClasses, toOcsf, type Activity, type AuditInput, type OcsfClass } from './ocsf.ts';

const key = Buffer.alloc(32, 9);
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)) }));
const nonEmpty = text.filter((s) => s.length > 0);
const inputs: fc.Arbitrary<AuditInput> = fc.record({
  class: fc.constantFrom(...(Object.keys(ocsfClasses) as OcsfClass[])),
  activity: fc.constantFrom(...(Object.keys(activities) as Activity[])),
  action: nonEmpty,
  actor: fc.record({ type: fc.constantFrom('user' as const, 'token' as const, 'service' as const, 'system' as const), id: nonEmpty }),
  resources: fc.array(fc.record({ type: nonEmpty, id: nonEmpty }), { maxLength: 3 }),
  outcome: fc.constantFrom('success' as const, 'failure' as const),
  details: fc.dictionary(text, fc.jsonValue()),
});

describe('row MACs', () => {
  it('are HMAC-SHA-256 over the canonical JSON array of the columns but the event, a line feed, and the event, as integrity.ts defines them', () => {
    fc.assert(
      fc.property(fc.nat(), text, text, fc.integer(), text, text, fc.option(text), fc.option(text), fc.option(text), text, text, (id, uid, time, classUid, action, actor, rtype, rid, app, outcome, event) => {
        const row = { id, uid, time, class_uid: classUid, action, actor_id: actor, resource_type: rtype, resource_id: rid, app, outcome, event };
        const plain = createHmac('sha256', key)
          .update(`${canonicalJson([MAC_VERSION, id, uid, time, classUid, action, actor, rtype, rid, app, outcome])}\n${event}`, 'utf8')
          .digest('hex');
        expect(rowMac(key, row)).toBe(plain);
      }),
      { numRuns: 300 },
    );
  });

  it("vouch for a row's columns: every row as written agrees with its event, so a row whose MAC holds needs no parse", () => {
    fc.assert(
      fc.property(inputs, fc.nat(), (input, id) => {
        const row = appendedRow(key, id + 1, toOcsf(input, { uid: randomUUID(), time: new Date(1_700_000_000_000 + id) }));
        const stored: StoredRow = { ...row, seq: 1, prev_hash: null, hash: null, quarantined_at: null, pruned_at: null, prune_mac: null };
        expect(columnMismatches(stored)).toEqual([]);
        const checker = new RowChecker(key);
        checker.sealed(stored);
        expect(checker.result().problemCount).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('still name the columns of an edited row, beside its failed MAC', () => {
    const row = appendedRow(key, 7, toOcsf({ class: 'api_activity', activity: 'update', action: 'app.update', actor: { type: 'user', id: 'u1' }, resources: [{ type: 'app', id: 'a1' }], outcome: 'success' }, { uid: randomUUID(), time: new Date() }));
    const checker = new RowChecker(key);
    checker.sealed({ ...row, actor_id: 'someone-else', seq: 3, prev_hash: null, hash: null, quarantined_at: null, pruned_at: null, prune_mac: null });
    expect(checker.result().problems.map((p) => [p.reason, p.columns])).toEqual([
      ['column_mismatch', ['actor_id']],
      ['mac_mismatch', undefined],
    ]);
  });

  it("name the app an event is about: its first app resource, not its first resource", () => {
    const event = toOcsf(
      { class: 'datastore_activity', activity: 'read', action: 'gateway.query', actor: { type: 'service', id: 'c1' }, resources: [{ type: 'connector', id: 'hr' }, { type: 'resource', id: 'hr.employees' }, { type: 'app', id: 'leave' }, { type: 'app', id: 'other' }], outcome: 'success' },
      { uid: randomUUID(), time: new Date() },
    );
    expect(appendedRow(key, 1, event)).toMatchObject({ resource_type: 'connector', resource_id: 'hr', app: 'leave' });
    expect(appendedRow(key, 2, toOcsf({ class: 'api_activity', activity: 'read', action: 'x', actor: { type: 'system', id: 's' }, outcome: 'success' }, { uid: randomUUID(), time: new Date() })).app).toBeNull();
  });

  it('cannot be moved between columns and event: text shifted across the line feed changes the MAC', () => {
    const row = { id: 1, uid: 'u', time: 't', class_uid: 6003, action: 'a', actor_id: 'x', resource_type: null, resource_id: null, app: null, outcome: 'success', event: '{"a":1}' };
    const macs = new Set([rowMac(key, row), rowMac(key, { ...row, outcome: 'success"]\n{"a":1}', event: '' }), rowMac(key, { ...row, outcome: 'success\n', event: '{"a":1}' })]);
    expect(macs.size).toBe(3);
  });

  describe('written before v3 (MAC v2: the event inside the array)', () => {
    const v2Row = (edit: Partial<StoredRow> = {}): StoredRow => {
      const event = toOcsf({ class: 'api_activity', activity: 'update', action: 'app.update', actor: { type: 'user', id: 'u1' }, resources: [{ type: 'app', id: 'leave' }], outcome: 'success' }, { uid: randomUUID(), time: new Date() });
      const { mac: _v3, ...row } = appendedRow(key, 12, event);
      const mac = createHmac('sha256', key)
        .update(JSON.stringify([MAC_VERSION_V2, row.id, row.uid, row.time, row.class_uid, row.action, row.actor_id, row.resource_type, row.resource_id, row.app, row.outcome, row.event]), 'utf8')
        .digest('hex');
      return { ...row, mac, seq: 5, prev_hash: null, hash: null, quarantined_at: null, pruned_at: null, prune_mac: null, ...edit };
    };

    it('verify as they were written', () => {
      const checker = new RowChecker(key);
      checker.sealed(v2Row());
      expect(checker.result().problemCount).toBe(0);
    });

    it('are reported when a column was edited, app included (v2 covers it)', () => {
      for (const edit of [{ app: 'other' }, { actor_id: 'someone-else' }]) {
        const checker = new RowChecker(key);
        checker.sealed(v2Row(edit));
        expect(checker.result().problems.map((p) => p.reason)).toEqual(['column_mismatch', 'mac_mismatch']);
      }
    });
  });

  describe('written before app (MAC v1)', () => {
    /** A row as the writer made it before MAC v2: the same columns, its MAC over all but app. */
    const v1Row = (app: string | null): StoredRow => {
      const event = toOcsf({ class: 'api_activity', activity: 'update', action: 'client.rotate', actor: { type: 'user', id: 'u1' }, resources: [{ type: 'oauth_client', id: 'c1' }, { type: 'app', id: 'leave' }], outcome: 'success' }, { uid: randomUUID(), time: new Date() });
      const { mac: _v3, ...row } = appendedRow(key, 11, event);
      const mac = createHmac('sha256', key)
        .update(JSON.stringify([MAC_VERSION_V1, row.id, row.uid, row.time, row.class_uid, row.action, row.actor_id, row.resource_type, row.resource_id, row.outcome, row.event]), 'utf8')
        .digest('hex');
      return { ...row, app, mac, seq: 4, prev_hash: null, hash: null, quarantined_at: null, pruned_at: null, prune_mac: null };
    };

    it('verify while their app is the one their event names (the migration fills it in)', () => {
      const checker = new RowChecker(key);
      checker.sealed(v1Row('leave'));
      expect(checker.result().problemCount).toBe(0);
    });

    it('are reported when their app was edited (or left empty): v1 does not cover it, the event does', () => {
      for (const app of ['other', null]) {
        const checker = new RowChecker(key);
        checker.sealed(v1Row(app));
        expect(checker.result().problems.map((p) => [p.reason, p.columns])).toEqual([
          ['column_mismatch', ['app']],
          ['mac_mismatch', undefined],
        ]);
      }
    });

    it('cannot pass as v1 once written as v3: a v3 row with its app edited fails', () => {
      const event = toOcsf({ class: 'api_activity', activity: 'update', action: 'app.update', actor: { type: 'user', id: 'u1' }, resources: [{ type: 'app', id: 'leave' }], outcome: 'success' }, { uid: randomUUID(), time: new Date() });
      const checker = new RowChecker(key);
      checker.sealed({ ...appendedRow(key, 5, event), app: 'other', seq: 2, prev_hash: null, hash: null, quarantined_at: null, pruned_at: null, prune_mac: null });
      expect(checker.result().problems.map((p) => p.reason)).toEqual(['column_mismatch', 'mac_mismatch']);
    });
  });
});
