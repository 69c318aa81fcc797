import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromJSON, makeObject } from '../value.ts';
import { call, callWith, errorOf, newContext } from './test-support.ts';

const b64u = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

function hs256(payload: object, secret: string, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  return `${input}.${b64u(createHmac('sha256', secret).update(input).digest())}`;
}

describe('io.jwt.decode', () => {
  it('decodes header, payload and hex signature', () => {
    const tok = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY';
    expect(call('io.jwt.decode', tok)).toEqual([
      fromJSON({ alg: 'HS256', typ: 'JWT' }),
      fromJSON({ iss: 'opa', sub: '0' }),
      '5e65682e81c8de9c4cb4c3bf59138d3122731940cff690e3cbc269d3fb5d4576',
    ]);
  });
  it('reports structural errors as OPA does', () => {
    expect(errorOf('io.jwt.decode', 'abc')).toEqual({ code: 'eval_builtin_error', message: 'io.jwt.decode: encoded JWT had no period separators' });
    expect(errorOf('io.jwt.decode', 'a.b').message).toBe('io.jwt.decode: encoded JWT must have 3 sections, found 2');
    expect(errorOf('io.jwt.decode', 'eyJhbGciOiJIU^%zI1NiJ9.e30.sig').message).toBe('io.jwt.decode: JWT header had invalid encoding: illegal base64 data at input byte 13');
    const jwe = `${b64u('{"alg":"HS256","enc":"x"}')}.e30.c2ln`;
    expect(errorOf('io.jwt.decode', jwe).message).toBe('io.jwt.decode: JWT is a JWE object, which is not supported');
  });
});

describe('io.jwt.verify_*', () => {
  it('HS256 with the right and wrong secret', () => {
    const tok = hs256({ sub: 'x' }, 'secret');
    expect(call('io.jwt.verify_hs256', tok, 'secret')).toBe(true);
    expect(call('io.jwt.verify_hs256', tok, 'wrong')).toBe(false);
  });
  it('RS256, PS256 and ES256 with PEM public keys and JWKs', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input = `${b64u('{"alg":"RS256"}')}.${b64u('{"a":1}')}`;
    const rs = `${input}.${b64u(sign('sha256', Buffer.from(input), rsa.privateKey))}`;
    const pub = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(call('io.jwt.verify_rs256', rs, pub)).toBe(true);
    expect(call('io.jwt.verify_rs256', rs, JSON.stringify(rsa.publicKey.export({ format: 'jwk' })))).toBe(true);
    expect(call('io.jwt.verify_ps256', rs, pub)).toBe(false);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const einput = `${b64u('{"alg":"ES256"}')}.${b64u('{"a":1}')}`;
    const es = `${einput}.${b64u(sign('sha256', Buffer.from(einput), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }))}`;
    expect(call('io.jwt.verify_es256', es, ec.publicKey.export({ type: 'spki', format: 'pem' }) as string)).toBe(true);
    expect(call('io.jwt.verify_es256', es, pub)).toBe(false);
  });
  it('rejects unusable keys with OPA messages', () => {
    const tok = hs256({}, 's');
    expect(errorOf('io.jwt.verify_rs256', tok, 'not json').message).toMatch(/^io\.jwt\.verify_rs256: failed to parse a JWK key \(set\)/);
    expect(errorOf('io.jwt.verify_rs256', tok, '-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n').message).toBe(
      'io.jwt.verify_rs256: failed to extract a Key from the PEM certificate',
    );
  });
});

describe('io.jwt.decode_verify', () => {
  const ctx = { ...newContext(), nowNs: 2000n * 1_000_000_000n };
  it('verifies and checks claims', () => {
    const tok = hs256({ iss: 'xxx', exp: 3000, nbf: 1000, aud: 'fred' }, 'secret');
    const ok = callWith(ctx, 'io.jwt.decode_verify', tok, makeObject({ secret: 'secret', aud: 'fred' }));
    expect(ok).toEqual([true, fromJSON({ alg: 'HS256', typ: 'JWT' }), fromJSON({ iss: 'xxx', exp: 3000, nbf: 1000, aud: 'fred' })]);
    const unverified = [false, fromJSON({}), fromJSON({})];
    expect(callWith(ctx, 'io.jwt.decode_verify', tok, makeObject({ secret: 'secret' }))).toEqual(unverified);
    expect(callWith(ctx, 'io.jwt.decode_verify', tok, makeObject({ secret: 'secret', aud: 'fred', iss: 'yyy' }))).toEqual(unverified);
    expect(callWith(ctx, 'io.jwt.decode_verify', tok, makeObject({ secret: 'secret', aud: 'fred', time: 3000e9 }))).toEqual(unverified);
    expect(callWith(ctx, 'io.jwt.decode_verify', tok, makeObject({ secret: 'secret', aud: 'fred', alg: 'RS256' }))).toEqual(unverified);
  });
  it('rejects bad constraints', () => {
    expect(errorOf('io.jwt.decode_verify', hs256({}, 's'), makeObject({ foo: 1 })).message).toBe('io.jwt.decode_verify: unknown token validation constraint: foo');
    expect(errorOf('io.jwt.decode_verify', hs256({}, 's'), makeObject({ alg: 'HS256' })).message).toBe('io.jwt.decode_verify: no key constraint');
    expect(errorOf('io.jwt.decode_verify', hs256({ exp: 'x' }, 's'), makeObject({ secret: 's' })).message).toBe('io.jwt.decode_verify: exp value must be a number');
  });
});

describe('io.jwt.encode_sign', () => {
  const key = makeObject({ kty: 'oct', k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow' });
  it('signs HS256 deterministically (RFC 7515 A.1 key)', () => {
    expect(call('io.jwt.encode_sign', fromJSON({ alg: 'HS256', typ: 'JWT' }), fromJSON({}), key)).toBe(
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.6cvao8lnOu6FAdK68jQFcDMXOmaWNwWiYhCgijd-AD8',
    );
  });
  it('signs raw input and round-trips through verification', () => {
    const jwk = '{"kty":"OKP","crv":"Ed25519","x":"wEZFfoAj1rFKTLOOmjJjVZlCHwksuvMb2I5y_hg70E8","d":"9XI34uQzYUJfWhDZf_0nYsLMBRVu8a6dFsy60P8uugk"}';
    const tok = call('io.jwt.encode_sign_raw', '{"alg":"EdDSA"}', '{"iss":"joe"}', jwk) as string;
    expect(call('io.jwt.verify_eddsa', tok, '{"kty":"OKP","crv":"Ed25519","x":"wEZFfoAj1rFKTLOOmjJjVZlCHwksuvMb2I5y_hg70E8"}')).toBe(true);
  });
  it('reports header and payload errors', () => {
    const jwk = '{"kty":"oct","k":"AyM1"}';
    expect(errorOf('io.jwt.encode_sign_raw', '{}', '{}', jwk).message).toBe(`io.jwt.encode_sign_raw: missing or invalid 'alg' header: jwsbb: header "alg" not found`);
    expect(errorOf('io.jwt.encode_sign_raw', '{"alg":"dummy"}', '{}', jwk).message).toBe('io.jwt.encode_sign_raw: unknown JWS algorithm: dummy');
    expect(errorOf('io.jwt.encode_sign_raw', '{"alg":"HS256"}', 'e', jwk).message).toBe('io.jwt.encode_sign_raw: type is JWT but payload is not JSON');
  });
});
