/**
 * PolicyService.value: reading one rule's value (the token issuer's lifetime cap) from the
 * active bundle, undefined when the rule is, and failing closed without a bundle, on an
 * evaluation error or on a name that is not a rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/service.ts';
import type { Database } from '../db/database.ts';
import { ephemeralKeyRing } from '../keys/index.ts';
import { testDatabases } from '../../test/databases.ts';
import { PolicyService } from './service.ts';

const token = `package trellis.token

import rego.v1

max_lifetime_seconds := 3600 if input.client.type == "confidential"

max_lifetime_seconds := 600 if input.client.type == "public"

conflict := 1 if input.clash
conflict := 2 if input.clash
`;

const sqlite = testDatabases[0]!;

describe('PolicyService.value', () => {
  let database: Database;
  let audit: AuditLog;
  let policy: PolicyService;
  beforeAll(async () => {
    database = await sqlite.open();
    audit = new AuditLog(database);
    policy = new PolicyService(database, audit, ephemeralKeyRing(), { builtinPackDir: null });
  });
  afterAll(async () => {
    await policy.stop();
    await audit.stop();
    await database.close();
  });

  it('fails closed while no bundle is active', () => {
    expect(policy.value('token', 'max_lifetime_seconds', {})).toEqual({ error: { code: 'no_active_bundle', message: 'no policy bundle is active' } });
  });

  it("reads a rule's value for the input, undefined where the rule is", async () => {
    await policy.push({ actor: { type: 'system', id: 'system' } }, { modules: { 'token.rego': token } }, { activate: true });
    expect(policy.value('token', 'max_lifetime_seconds', { client: { type: 'confidential' } })).toEqual({ value: 3600 });
    expect(policy.value('token', 'max_lifetime_seconds', { client: { type: 'public' } })).toEqual({ value: 600 });
    expect(policy.value('token', 'max_lifetime_seconds', { client: { type: 'device' } })).toEqual({ value: undefined });
  });

  it('refuses an evaluation error and a name that is not a rule', () => {
    expect(policy.value('token', 'conflict', { clash: true })).toMatchObject({ error: { code: 'eval_error' } });
    expect(policy.value('token', 'deny} else {x', {})).toMatchObject({ error: { code: 'bad_rule' } });
  });
});
