import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isObject, type Value } from '../value.ts';
import { call, errorOf } from './test-support.ts';

const get = (v: Value | undefined, ...path: (string | number)[]): Value | undefined => {
  let cur = v;
  for (const p of path) {
    if (typeof p === 'number') cur = Array.isArray(cur) ? cur[p] : undefined;
    else cur = isObject(cur) ? cur.get(p) : undefined;
  }
  return cur;
};

// A self-signed ECDSA certificate (CN=OPA Test Root CA, O=OPA Test) from OPA's test suite.
const ROOT = `-----BEGIN CERTIFICATE-----
MIIBoDCCAUagAwIBAgIRAJXcMYZALXooNq/VV/grXhMwCgYIKoZIzj0EAwIwLjER
MA8GA1UEChMIT1BBIFRlc3QxGTAXBgNVBAMTEE9QQSBUZXN0IFJvb3QgQ0EwHhcN
MjEwNzAxMTc0MTUzWhcNMzEwNjI5MTc0MTUzWjAuMREwDwYDVQQKEwhPUEEgVGVz
dDEZMBcGA1UEAxMQT1BBIFRlc3QgUm9vdCBDQTBZMBMGByqGSM49AgEGCCqGSM49
AwEHA0IABFqhdZA5LjsJgzsBvhgzfayZFOk+C7PmGCi7xz6zOC3xWORJZSNOyZeJ
YzSKFmoMZkcFMfslTW1jp9fwe1xl3HWjRTBDMA4GA1UdDwEB/wQEAwIBBjASBgNV
HRMBAf8ECDAGAQH/AgEBMB0GA1UdDgQWBBTch60qxQvLl+AfDfcaXmjvT8GvpzAK
BggqhkjOPQQDAgNIADBFAiBqraIP0l2U0oNuH0+rf36hDks94wSB5EGlGH3lYNMR
ugIhANkbukX5hOP8pJDRWP/pYuv6MBnRY4BS8gpp9Vu31qOb
-----END CERTIFICATE-----
`;

describe('crypto: digests and HMACs', () => {
  it('hashes UTF-8 bytes', () => {
    expect(call('crypto.md5', 'lorem ipsum')).toBe('80a751fde577028640c419000e33eba6');
    expect(call('crypto.sha1', 'lorem ipsum')).toBe('bfb7759a67daeb65410490b4d98bb9da7d1ea2ce');
    expect(call('crypto.sha256', 'lorem ipsum')).toBe('5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269');
  });
  it('matches RFC 4231 test case 2 and known values', () => {
    expect(call('crypto.hmac.sha256', 'what do ya want for nothing?', 'Jefe')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(call('crypto.hmac.sha512', 'what do ya want for nothing?', 'Jefe')).toBe(
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    );
    expect(call('crypto.hmac.md5', 'foo', 'bar')).toBe('31b6db9e5eb4addb42f1a6ca07367adc');
    expect(call('crypto.hmac.sha1', 'foo', 'bar')).toBe('85d155c55ed286a300bd1cf124de08d87e914f3a');
    expect(call('crypto.hmac.equal', 'abc', 'abc')).toBe(true);
    expect(call('crypto.hmac.equal', 'abc', 'abd')).toBe(false);
    expect(call('crypto.hmac.equal', 'abc', 'ab')).toBe(false);
  });
});

describe('crypto: x509', () => {
  it('parses certificates into Go x509.Certificate fields', () => {
    const [cert] = call('crypto.x509.parse_certificates', ROOT) as Value[];
    expect(get(cert, 'Subject', 'CommonName')).toBe('OPA Test Root CA');
    expect(get(cert, 'Subject', 'Organization')).toEqual(['OPA Test']);
    expect(get(cert, 'Issuer', 'CommonName')).toBe('OPA Test Root CA');
    expect(get(cert, 'NotBefore')).toBe('2021-07-01T17:41:53Z');
    expect(get(cert, 'IsCA')).toBe(true);
    expect(get(cert, 'MaxPathLen')).toBe(1);
    expect(get(cert, 'KeyUsage')).toBe(96); // CertSign | CRLSign
    expect(get(cert, 'PublicKeyAlgorithm')).toBe(3);
    expect(get(cert, 'SignatureAlgorithm')).toBe(10);
    expect(get(cert, 'DNSNames')).toBeNull();
    expect(get(cert, 'URIStrings')).toBeNull();
    // base64 of the PEM is accepted too
    const b64 = Buffer.from(ROOT).toString('base64');
    expect(get(call('crypto.x509.parse_certificates', b64), 0, 'Subject', 'CommonName')).toBe('OPA Test Root CA');
  });
  it('reports Go errors for bad input', () => {
    expect(errorOf('crypto.x509.parse_certificates', 'YmFkc3RyaW5n').message).toBe('crypto.x509.parse_certificates: x509: malformed certificate');
    expect(errorOf('crypto.x509.parse_certificates', 'foobar').message).toBe('crypto.x509.parse_certificates: illegal base64 data at input byte 4');
  });
  it('needs at least two certificates to verify a chain', () => {
    expect(call('crypto.x509.parse_and_verify_certificates', ROOT)).toEqual([false, []]);
  });
  it('parses private keys to JWK and Go key objects', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const jwk = call('crypto.x509.parse_rsa_private_key', pem);
    expect(get(jwk, 'kty')).toBe('RSA');
    expect(get(jwk, 'e')).toBe('AQAB');
    const keys = call('crypto.parse_private_keys', pem + (privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)) as Value[];
    expect(keys).toHaveLength(2);
    expect(get(keys[0], 'PublicKey', 'E')).toBe(65537);
    expect(call('crypto.parse_private_keys', '')).toBeNull();
    expect(call('crypto.parse_private_keys', 'nope')).toEqual([]);
  });
});
