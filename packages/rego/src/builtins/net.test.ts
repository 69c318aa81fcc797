import { describe, expect, it } from 'vitest';
import { makeObject, makeSet, toJSONText } from '../value.ts';
import { call, errorOf } from './test-support.ts';

describe('net', () => {
  it('cidr_contains for IPv4 and IPv6, CIDRs and addresses', () => {
    expect(call('net.cidr_contains', '10.0.0.0/8', '10.1.0.0/24')).toBe(true);
    expect(call('net.cidr_contains', '172.17.0.0/24', '172.17.0.0/16')).toBe(false);
    expect(call('net.cidr_contains', '10.0.0.0/8', '192.168.1.1')).toBe(false);
    expect(call('net.cidr_contains', '2001:4860:4860::8888/32', '2001:4860:4860:1234::8888/40')).toBe(true);
    expect(call('net.cidr_contains', '2001:4860::/96', '2001:4860::/32')).toBe(false);
    expect(errorOf('net.cidr_contains', 'not-a-cidr', '1.2.3.4')).toEqual({ code: 'eval_builtin_error', message: 'net.cidr_contains: invalid CIDR address: not-a-cidr' });
  });
  it('intersects, is_valid and expand', () => {
    expect(call('net.cidr_intersects', '192.168.1.0/25', '192.168.1.64/25')).toBe(true);
    expect(call('net.cidr_intersects', 'fd1e:5bfe:8af3:9ddc::/64', 'fd1e:5bfe:8af3:9ddc:1111::/72')).toBe(true);
    expect(call('net.cidr_is_valid', '192.168.1.2')).toBe(false);
    expect(call('net.cidr_is_valid', '2002::1234:abcd:ffff:c0a8:101/64')).toBe(true);
    expect(call('net.cidr_is_valid', '010.0.0.0/8')).toBe(false);
    expect(call('net.cidr_expand', '172.16.100.255/30')).toEqual(makeSet(['172.16.100.252', '172.16.100.253', '172.16.100.254', '172.16.100.255']));
    expect(call('net.cidr_expand', 'ff::/127')).toEqual(makeSet(['ff::', 'ff::1']));
    expect(errorOf('net.cidr_expand', '192.168.1.1/33').message).toBe('net.cidr_expand: invalid CIDR address: 192.168.1.1/33');
  });
  it('merges adjacent and contained networks', () => {
    expect(call('net.cidr_merge', ['192.0.128.0/24', '192.0.129.0/24'])).toEqual(makeSet(['192.0.128.0/23']));
    expect(call('net.cidr_merge', makeSet(['10.0.0.0/8', '10.1.0.0/16', '12.0.0.0/8']))).toEqual(makeSet(['10.0.0.0/8', '12.0.0.0/8']));
    expect(call('net.cidr_merge', ['2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64', '2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128'])).toEqual(makeSet(['2601:600:8a80:207e::/64']));
    expect(call('net.cidr_merge', ['1.1.1.0/30', '1.1.1.4/31'])).toEqual(makeSet(['1.1.1.0/30', '1.1.1.4/31']));
    expect(errorOf('net.cidr_merge', ['::1']).message).toBe('net.cidr_merge: IPv6 invalid: needs prefix length');
  });
  it('contains_matches over strings, arrays, sets and objects', () => {
    expect(toJSONText(call('net.cidr_contains_matches', makeObject({ k1: '1.1.1.1/24', k2: ['1.1.1.2/24', 1] }), '1.1.1.128')!)).toBe('[["k1","1.1.1.128"],["k2","1.1.1.128"]]');
    expect(toJSONText(call('net.cidr_contains_matches', ['1.1.0.0/16', '2.0.0.0/8'], ['1.1.2.3', '3.3.3.3'])!)).toBe('[[0,0]]');
    expect(errorOf('net.cidr_contains_matches', '1.1.1.0/24', [[]]).message).toBe('net.cidr_contains_matches: operand 2: element must be string or non-empty array');
  });
  it('lookup_ip_addr resolves literals offline', () => {
    expect(call('net.lookup_ip_addr', '10.0.0.0')).toEqual(makeSet(['10.0.0.0']));
    expect(call('net.lookup_ip_addr', '0:0::0')).toEqual(makeSet(['::']));
  });
});
