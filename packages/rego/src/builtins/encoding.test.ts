import { describe, expect, it } from 'vitest';
import { fromJSON, makeObject, makeSet, toJSONText } from '../value.ts';
import { call, errorOf } from './test-support.ts';

describe('encoding: base64 and hex', () => {
  it('encodes and decodes base64 (std and url) with Go error texts', () => {
    expect(call('base64.encode', 'subjects?_d')).toBe('c3ViamVjdHM/X2Q=');
    expect(call('base64.decode', 'aGVsbG8=')).toBe('hello');
    expect(errorOf('base64.decode', 'aGVsbG8')).toEqual({ code: 'eval_builtin_error', message: 'base64.decode: illegal base64 data at input byte 4' });
    expect(call('base64.is_valid', "{'not':'base64'}")).toBe(false);
    expect(call('base64.is_valid', 1)).toBe(false);
    expect(call('base64url.encode', 'subjects?_d')).toBe('c3ViamVjdHM_X2Q=');
    expect(call('base64url.encode_no_pad', 'hello')).toBe('aGVsbG8');
    expect(call('base64url.decode', 'aGVsbG8')).toBe('hello');
    expect(errorOf('base64url.decode', 'a').message).toBe('base64url.decode: illegal base64url string: a');
  });
  it('round-trips arbitrary text through base64', () => {
    for (const s of ['', 'a', 'ab', 'abc', 'åäö 😀', 'x'.repeat(100)]) {
      expect(call('base64.decode', call('base64.encode', s)!)).toBe(s);
      expect(call('base64url.decode', call('base64url.encode_no_pad', s)!)).toBe(s);
    }
  });
  it('hex with Go errors', () => {
    expect(call('hex.encode', 'lorem ipsum')).toBe('6c6f72656d20697073756d');
    expect(call('hex.decode', '6c6f72656d20697073756d')).toBe('lorem ipsum');
    expect(errorOf('hex.decode', 'zz').message).toBe("hex.decode: encoding/hex: invalid byte: U+007A 'z'");
    expect(errorOf('hex.decode', 'abc').message).toBe('hex.decode: encoding/hex: odd length hex string');
  });
});

describe('encoding: urlquery', () => {
  it('escapes like Go url.QueryEscape and decodes', () => {
    expect(call('urlquery.encode', 'a b&c=d/é')).toBe('a+b%26c%3Dd%2F%C3%A9');
    expect(call('urlquery.decode', 'a+b%26c')).toBe('a b&c');
    expect(errorOf('urlquery.decode', '%zz').message).toBe('urlquery.decode: invalid URL escape "%zz"');
  });
  it('encodes and decodes objects', () => {
    expect(call('urlquery.encode_object', makeObject({ c: 'd', a: ['b+1', 'c+2'], e: makeSet(['x']) }))).toBe('a=b%2B1&a=c%2B2&c=d&e=x');
    expect(errorOf('urlquery.encode_object', makeObject({ a: 1 }))).toEqual({
      code: 'eval_type_error',
      message: 'urlquery.encode_object: operand 1 values must be string, array[string], or set[string]',
    });
    expect(toJSONText(call('urlquery.decode_object', 'a=1&b&a=2')!)).toBe('{"a":["1","2"],"b":[""]}');
  });
});

describe('encoding: json and yaml', () => {
  it('marshals like Go json.Marshal', () => {
    expect(call('json.marshal', fromJSON([{ foo: '<&>' }]))).toBe('[{"foo":"\\u003c\\u0026\\u003e"}]');
    expect(call('json.marshal', [makeObject({ foo: makeSet([3, 1, 2]) })])).toBe('[{"foo":[1,2,3]}]');
  });
  it('marshals with options', () => {
    const v = fromJSON({ foo: 'bar', bar: [1] });
    expect(call('json.marshal_with_options', v, makeObject({ prefix: '> ' }))).toBe('> {\n> \t"bar": [\n> \t\t1\n> \t],\n> \t"foo": "bar"\n> }');
    expect(call('json.marshal_with_options', v, makeObject({ pretty: false, indent: 'x' }))).toBe('{"bar":[1],"foo":"bar"}');
    expect(call('json.marshal_with_options', [], makeObject({ indent: '  ', prefix: '--' }))).toBe('--[]');
    expect(errorOf('json.marshal_with_options', [], makeObject({ nope: true }))).toEqual({
      code: 'eval_type_error',
      message: 'json.marshal_with_options: operand 2 object contained unknown key "nope"',
    });
  });
  it('unmarshals keeping big integers exact, with Go errors', () => {
    const v = call('json.unmarshal', '{"a": 123456789012345678901234567890, "b": 1.5, "a2": [true, null]}')!;
    expect(toJSONText(v)).toBe('{"a":123456789012345678901234567890,"a2":[true,null],"b":1.5}');
    expect(call('json.unmarshal', '{"k": 1, "k": 2}')).toEqual(fromJSON({ k: 2 }));
    expect(errorOf('json.unmarshal', '[1,2').message).toBe('json.unmarshal: unexpected EOF');
    expect(errorOf('json.unmarshal', '{"a" 1}').message).toBe("json.unmarshal: invalid character '1' after object key");
    expect(call('json.is_valid', '{"a": [1]}')).toBe(true);
    expect(call('json.is_valid', '{a: 1}')).toBe(false);
  });
  it('round-trips YAML with YAML 1.1 scalars and go-yaml errors', () => {
    const v = fromJSON([{ foo: [1, 2, 3], s: 'yes' }]);
    expect(call('yaml.unmarshal', call('yaml.marshal', v)!)).toEqual(v);
    expect(toJSONText(call('yaml.unmarshal', 'a: yes\nb: [1, 2]\nc: 2001-12-14')!)).toBe('{"a":true,"b":[1,2],"c":"2001-12-14"}');
    expect(errorOf('yaml.unmarshal', '[1,2,3').message).toBe("yaml.unmarshal: yaml: line 1: did not find expected ',' or ']'");
    expect(call('yaml.is_valid', 'a: b: c')).toBe(false);
  });
});
