import { describe, expect, it } from 'vitest';
import { fromJSON, makeObject } from '../value.ts';
import { call, errorOf } from './test-support.ts';

const schema = fromJSON({ properties: { id: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' }, maxItems: 2 } }, required: ['id'] });

describe('jsonschema', () => {
  it('verify_schema accepts valid and rejects invalid schemas', () => {
    expect(call('json.verify_schema', '{"type": "boolean"}')).toEqual([true, null]);
    expect(call('json.verify_schema', fromJSON({ type: 'unknown_type' }))).toEqual([
      false,
      'jsonschema: has a primitive type that is NOT VALID -- given: /unknown_type/ Expected valid values are:[array boolean integer number null object string]',
    ]);
  });
  it('match_schema reports errors shaped as OPA', () => {
    expect(call('json.match_schema', '{"id": 5}', schema)).toEqual([true, []]);
    expect(call('json.match_schema', fromJSON({ id: 'foo' }), schema)).toEqual([
      false,
      [makeObject({ error: 'id: Invalid type. Expected: integer, given: string', type: 'invalid_type', field: 'id', desc: 'Invalid type. Expected: integer, given: string' })],
    ]);
    expect(call('json.match_schema', fromJSON({}), schema)).toEqual([
      false,
      [makeObject({ error: '(root): id is required', type: 'required', field: '(root)', desc: 'id is required' })],
    ]);
    const [, errs] = call('json.match_schema', fromJSON({ id: 1, tags: ['a', 2, 'c'] }), schema) as [boolean, unknown[]];
    expect(errs.map((e) => (e as ReturnType<typeof makeObject>).get('field'))).toEqual(['tags', 'tags.1']);
  });
  it('supports refs, enums, combinators and numeric bounds', () => {
    const s = fromJSON({
      definitions: { pos: { type: 'number', exclusiveMinimum: 0 } },
      type: 'object',
      properties: { n: { $ref: '#/definitions/pos' }, c: { enum: ['a', 'b'] }, x: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
      additionalProperties: false,
    });
    expect(call('json.match_schema', fromJSON({ n: 1, c: 'a', x: null }), s)).toEqual([true, []]);
    const [ok, errs] = call('json.match_schema', fromJSON({ n: 0, c: 'z', x: 1, y: 1 }), s) as [boolean, unknown[]];
    expect(ok).toBe(false);
    expect(errs.map((e) => (e as ReturnType<typeof makeObject>).get('type'))).toEqual(['additional_property_not_allowed', 'enum', 'number_gt', 'number_any_of']);
  });
  it('rejects invalid schemas in match_schema as a built-in error', () => {
    expect(errorOf('json.match_schema', fromJSON({}), fromJSON({ type: 'unknown' })).message).toBe(
      'json.match_schema: has a primitive type that is NOT VALID -- given: /unknown/ Expected valid values are:[array boolean integer number null object string]',
    );
    expect(errorOf('json.match_schema', '{bad', fromJSON({})).message).toBe('json.match_schema: invalid JSON string');
  });
});
