/** The gateway's pure parts: path templates, Link rewriting, quota arithmetic, Authorization parsing, scrubbing. */
import { describe, expect, it } from 'vitest';
import { matchTemplate, nextLink } from './upstream-http.ts';
import { exceeded, periodsAt } from './quotas.ts';
import { challenge, parseAuthorization, scrub } from './service.ts';

describe('gateway helpers', () => {
  it('matches path templates one segment per parameter, never climbing out', () => {
    expect(matchTemplate('/v1/employees/{id}', '/v1/employees/42')).toEqual({ id: '42' });
    expect(matchTemplate('/v1/employees/{id}', '/v1/employees/a%20b')).toEqual({ id: 'a b' });
    expect(matchTemplate('/v1/employees/{id}', '/v1/employees/42/notes')).toBeNull();
    expect(matchTemplate('/v1/employees/{id}', '/v1/employees/..')).toBeNull();
    expect(matchTemplate('/v1/employees/{id}', '/v1/employees/%2e%2e')).toBeNull();
    expect(matchTemplate('/v1/employees/{id}', '/v1/employees/a%2fb')).toBeNull();
    expect(matchTemplate('/v1/employees/{id}', '/v1/employees/%zz')).toBeNull();
    expect(matchTemplate('/v1/employees/{id}', '/v1/employees/')).toBeNull();
    expect(matchTemplate('/v1/employees', '/v1/Employees')).toBeNull();
  });

  it('rewrites a next link under the base URL, without the credential parameter, and ignores others', () => {
    const base = 'https://api.example.com/v2';
    expect(nextLink('<https://api.example.com/v2/items?page=2&key=s3cret>; rel="next"', base, 'key')).toBe('/items?page=2');
    expect(nextLink('<https://api.example.com/v2/items?page=1>; rel="prev", </v2/items?page=3>; rel=next', base, undefined)).toBe('/items?page=3');
    expect(nextLink('<https://evil.example/v2/items>; rel="next"', base, undefined)).toBeUndefined();
    expect(nextLink('<https://api.example.com/other>; rel="next"', base, undefined)).toBeUndefined();
    expect(nextLink(undefined, base, undefined)).toBeUndefined();
  });

  it('names the quota a call would exceed and when it resets', () => {
    const limits = { requestsPerMinute: 10, recordsPerDay: 100, bytesPerDay: 1000 };
    const at = Date.UTC(2026, 11, 13, 9, 41, 30);
    const none = { requests: 0, records: 0, bytes: 0 };
    expect(exceeded(limits, none, none, at)).toBeNull();
    expect(exceeded(limits, { ...none, requests: 10 }, none, at)).toEqual({ quota: 'requestsPerMinute', limit: 10, retryAfter: 30 });
    expect(exceeded(limits, none, { ...none, records: 100 }, at)).toMatchObject({ quota: 'recordsPerDay', retryAfter: 14 * 3600 + 18 * 60 + 30 });
    expect(exceeded(limits, none, { ...none, bytes: 1000 }, at)).toMatchObject({ quota: 'bytesPerDay' });
    expect(periodsAt(at)).toEqual({ minute: 'm:2026-12-13T09:41', day: 'd:2026-12-13' });
  });

  it('reads Bearer and DPoP authorizations only', () => {
    expect(parseAuthorization('Bearer abc.def-_~+/=')).toEqual({ scheme: 'Bearer', token: 'abc.def-_~+/=' });
    expect(parseAuthorization('dpop abc')).toEqual({ scheme: 'DPoP', token: 'abc' });
    expect(parseAuthorization('Basic abc')).toBeUndefined();
    expect(parseAuthorization('Bearer a b')).toBeUndefined();
    expect(parseAuthorization(undefined)).toBeUndefined();
    expect(challenge('invalid_token', 'bad "sig"')).toContain('error_description="bad sig"');
  });

  it('scrubs echoed credential values', () => {
    expect(scrub('{"m":"key k3y-value here"}', ['k3y-value'])).toBe('{"m":"key [redacted] here"}');
    expect(scrub('short ab', ['ab'])).toBe('short ab');
  });
});
