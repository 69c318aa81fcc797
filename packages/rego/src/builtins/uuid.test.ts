import { describe, expect, it } from 'vitest';
import { makeObject } from '../value.ts';
import { call, callWith, newContext } from './test-support.ts';

describe('uuid', () => {
  it('rfc4122 is a v4 UUID, memoised per query and argument', () => {
    const ctx = newContext();
    const a = callWith(ctx, 'uuid.rfc4122', 'k') as string;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(callWith(ctx, 'uuid.rfc4122', 'k')).toBe(a);
    expect(callWith(ctx, 'uuid.rfc4122', 'other')).not.toBe(a);
    expect(callWith(newContext(), 'uuid.rfc4122', 'k')).not.toBe(a);
  });
  it('parse decodes versions, and v1/v2 fields', () => {
    expect(call('uuid.parse', '00000000-0000-4000-8000-000000000000')).toEqual(makeObject({ version: 4, variant: 'RFC4122' }));
    expect(call('uuid.parse', '000003e8-48b9-21ee-b200-325096b39f47')).toEqual(
      makeObject({
        version: 2,
        variant: 'RFC4122',
        time: 1693566990121469600n,
        clocksequence: 12800,
        nodeid: '32-50-96-b3-9f-47',
        macvariables: 'local:unicast',
        id: 1000,
        domain: 'Person',
      }),
    );
    expect(call('uuid.parse', '{38074da4-0b00-388d-9c3c-362de965547a}')).toEqual(makeObject({ version: 3, variant: 'RFC4122' }));
    expect(call('uuid.parse', 'not-a-uuid')).toBeUndefined();
  });
});
