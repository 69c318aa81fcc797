import { describe, expect, it } from 'vitest';
import { fromJSON, toJSONText } from '../value.ts';
import { call, errorOf } from './test-support.ts';

const schema = `
  type Query { hero(id: ID!): Hero }
  type Hero { name: String, friends: [Hero] }
`;

describe('graphql', () => {
  it('parses queries into gqlparser-shaped ASTs', () => {
    expect(call('graphql.parse_query', '{ node(id: 4) { id } }')).toEqual(
      fromJSON({
        Operations: [
          {
            Name: '',
            Operation: 'query',
            SelectionSet: [
              { Alias: 'node', Name: 'node', Arguments: [{ Name: 'id', Value: { ExpectedTypeHasDefault: false, Kind: 1, Raw: '4' } }], SelectionSet: [{ Alias: 'id', Name: 'id' }] },
            ],
          },
        ],
      }),
    );
  });
  it('parses schemas', () => {
    expect(toJSONText(call('graphql.parse_schema', 'union U = | A | B')!)).toBe('{"Definitions":[{"BuiltIn":false,"Description":"","Kind":"UNION","Name":"U","Types":["A","B"]}]}');
  });
  it('reports syntax errors with gqlparser text and positions', () => {
    expect(errorOf('graphql.parse_query', '{')).toEqual({ code: 'eval_builtin_error', message: 'graphql.parse_query: Expected Name, found <EOF> in GraphQL string at location 1:2' });
    expect(errorOf('graphql.parse_query', 'fragment on on on { on }').message).toBe('graphql.parse_query: Unexpected Name "on" in GraphQL string at location 1:10');
    expect(errorOf('graphql.parse_schema', 'type Hello {}').message).toBe('graphql.parse_schema: expected at least one definition, found } in GraphQL string at location 1:13');
  });
  it('validates queries against schemas', () => {
    expect(call('graphql.is_valid', '{ hero(id: "1") { name friends { name } } }', schema)).toBe(true);
    expect(call('graphql.is_valid', '{ hero { name } }', schema)).toBe(false);
    expect(call('graphql.is_valid', '{ villain }', schema)).toBe(false);
    expect(errorOf('graphql.parse', '{\n  hero { name }\n}', schema).message).toBe(
      'graphql.parse: Field "hero" argument "id" of type "ID!" is required, but it was not provided in GraphQL string at location 2:3',
    );
    const [ok] = call('graphql.parse_and_verify', '{ hero { name } }', schema) as unknown[];
    expect(ok).toBe(false);
  });
  it('accepts AST objects and merges extensions of undefined types', () => {
    const q = call('graphql.parse_query', 'query { hero(id: "x") { name } }')!;
    const s = call('graphql.parse_schema', schema)!;
    expect(call('graphql.is_valid', q, s)).toBe(true);
    expect(call('graphql.schema_is_valid', 'extend type Query { x: Int }')).toBe(true);
    expect(call('graphql.schema_is_valid', 'type Query { x: Missing }')).toBe(false);
  });
});
