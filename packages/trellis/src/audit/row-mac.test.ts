import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical-json.ts';
import { MAC_VERSION, RowChecker, appendedRow, columnMismatches, rowMac, type StoredRow } from './integrity.ts';
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
  it('are HMAC-SHA-256 over the canonical JSON array of the columns, as integrity.ts defines them', () => {
    fc.assert(
      fc.property(fc.nat(), text, text, fc.integer(), text, text, fc.option(text), fc.option(text), text, text, (id, uid, time, classUid, action, actor, rtype, rid, outcome, event) => {
        const row = { id, uid, time, class_uid: classUid, action, actor_id: actor, resource_type: rtype, resource_id: rid, outcome, event };
        const plain = createHmac('sha256', key)
          .update(canonicalJson([MAC_VERSION, id, uid, time, classUid, action, actor, rtype, rid, outcome, event]), 'utf8')
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
});
