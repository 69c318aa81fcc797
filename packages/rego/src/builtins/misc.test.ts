import { describe, expect, it } from 'vitest';
import { fromJSON, isObject, makeObject, type Value } from '../value.ts';
import { call, errorOf } from './test-support.ts';

const cfg = makeObject({ aws_access_key: 'AKIDEXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', aws_service: 'iam', aws_region: 'us-east-1' });

describe('providers.aws.sign_req', () => {
  it('signs as the AWS SigV4 reference example (get-vanilla-query)', () => {
    // AWS sigv4 test suite "get-vanilla": GET / with host and date headers.
    const req = fromJSON({ method: 'GET', url: 'https://example.amazonaws.com/' });
    const out = call('providers.aws.sign_req', req, makeObject({ ...Object.fromEntries(cfg.entries() as Iterable<[string, Value]>), aws_service: 'service' }), 1440938160000000000n);
    const headers = isObject(out) ? out.get('headers') : undefined;
    expect(isObject(headers) ? headers.get('Authorization') : undefined).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,SignedHeaders=host;x-amz-date,Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    expect(isObject(headers) ? headers.get('x-amz-date') : undefined).toBe('20150830T123600Z');
  });
  it('validates its operands with OPA messages', () => {
    expect(errorOf('providers.aws.sign_req', makeObject({}), cfg, 0)).toEqual({
      code: 'eval_type_error',
      message: 'providers.aws.sign_req: operand 1 missing required request parameters(s): {"method", "url"}',
    });
    expect(errorOf('providers.aws.sign_req', fromJSON({ method: 'get', url: 'http://x' }), makeObject({ a: 'b' }), 0).message).toBe(
      'providers.aws.sign_req: operand 2 missing required AWS config parameters(s): {"aws_access_key", "aws_region", "aws_secret_access_key", "aws_service"}',
    );
    expect(errorOf('providers.aws.sign_req', fromJSON({ method: 'get', url: 'http://x' }), cfg, -1e9).message).toBe(
      'providers.aws.sign_req: operand 3 could not convert time_ns value into a unix timestamp',
    );
  });
});

describe('http.send', () => {
  it('validates the request like OPA, then reports that there is no network', () => {
    expect(errorOf('http.send', fromJSON({ bad_key: 1, method: 'get', url: 'http://x' })).message).toBe('http.send: operand 1 invalid request parameters(s): {"bad_key"}');
    expect(errorOf('http.send', fromJSON({ method: 'get' }))).toEqual({ code: 'eval_type_error', message: 'http.send: operand 1 missing required request parameters(s): {"url"}' });
    expect(errorOf('http.send', fromJSON({ method: 'get', url: 'http://x' })).code).toBe('eval_builtin_error');
  });
});

describe('strings.render_template', () => {
  it('renders fields, ranges and conditionals', () => {
    expect(call('strings.render_template', '{{.test}}', makeObject({ test: 2023 }))).toBe('2023');
    expect(call('strings.render_template', '{{range $i, $name := .names}}{{if $i}},{{end}}hello {{$name}}{{end}}', fromJSON({ names: ['a', 'b'] }))).toBe('hello a,hello b');
    expect(call('strings.render_template', '{{ .a.b -}}  !{{with .c}}{{.}}{{else}}none{{end}}', fromJSON({ a: { b: 'x' } }))).toBe('x!none');
    expect(call('strings.render_template', 'test {{.foo}} {{.baz}}', makeObject({ baz: 1 }))).toBe('test <undefined> 1');
    expect(call('strings.render_template', '{{len .l}} {{index .l 1}} {{if eq .n 2}}two{{end}}', fromJSON({ l: [1, 2], n: 2 }))).toBe('2 2 two');
  });
});

describe('opa.runtime and trace', () => {
  it('returns a runtime object and true', () => {
    expect(call('opa.runtime')).toEqual(makeObject({}));
    expect(call('trace', 'note')).toBe(true);
  });
});
