/** The checks that need no network: address classes, URL forms, odd IP spellings, the allowlist, ports. */
import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAddress, isPublicAddress } from './address.ts';
import { EgressError } from './errors.ts';
import { checkUrl, hostAllowed, isValidHostPattern, type EgressPolicy } from './policy.ts';

const strict: EgressPolicy = { allowPrivate: false };
const permissive: EgressPolicy = { allowPrivate: true };

function refusal(url: string, policy: EgressPolicy): string {
  try {
    checkUrl(url, policy);
  } catch (err) {
    expect(err).toBeInstanceOf(EgressError);
    return (err as EgressError).code;
  }
  return 'accepted';
}

describe('egress address classes', () => {
  it('tells public unicast addresses from internal, reserved and metadata ones', () => {
    for (const a of ['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:82a::200e', '::ffff:8.8.8.8']) expect(classifyAddress(a), a).toBe('public');
    for (const a of [
      '127.0.0.1', '127.1.2.3', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.1.1', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '192.0.2.1', '198.18.0.1',
      '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '2001:db8::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::a00:1', '2002:7f00:1::1', '200::1', '::8.8.8.8',
    ]) {
      expect(classifyAddress(a), a).toBe('private');
    }
    for (const a of ['169.254.169.254', '100.100.100.200', '169.254.170.2', 'fd00:ec2::254', 'FD00:EC2:0:0:0:0:0:254', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe', '168.63.129.16']) {
      expect(classifyAddress(a), a).toBe('metadata');
    }
    expect(classifyAddress('not-an-ip')).toBe('invalid');
    expect(classifyAddress('1:2:3:4:5:6:7:8')).toBe('private');
    expect(classifyAddress('2001:4860:4860:0:0:0:0:8888')).toBe('public');
    expect(isPublicAddress('169.254.169.254')).toBe(false);
  });
});

describe('egress address classes against net.BlockList', () => {
  // An independent reading of the same IPv4 ranges, to catch a slip in the arithmetic.
  const reference = new BlockList();
  for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
    reference.addSubnet(net, prefix, 'ipv4');
  }
  const metadata = new Set(['169.254.169.254', '169.254.170.2', '169.254.170.23', '100.100.100.200', '192.0.0.192', '168.63.129.16']);
  const expected = (a: string) => (metadata.has(a) ? 'metadata' : reference.check(a, 'ipv4') ? 'private' : 'public');
  const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
  const near = fc.constantFrom('10.', '100.6', '100.12', '127.', '169.254.', '172.1', '172.3', '192.0.', '192.88.99.', '192.168.', '198.1', '198.51.100.', '203.0.113.', '22', '23', '24', '25');

  it('classifies any IPv4 address as the reference does, and its IPv4-mapped and NAT64 forms alike', () => {
    const address = fc.oneof(octets, fc.tuple(near, octets).map(([p, o]) => (p + o).split('.').slice(0, 4).map((x) => String(Math.min(255, Number(x) || 0))).join('.')));
    fc.assert(
      fc.property(address, (a) => {
        const want = expected(a);
        expect(classifyAddress(a)).toBe(want);
        expect(classifyAddress(`::ffff:${a}`)).toBe(want);
        const n = a.split('.').map(Number);
        const hex = `${((n[0]! << 8) | n[1]!).toString(16)}:${((n[2]! << 8) | n[3]!).toString(16)}`;
        expect(classifyAddress(`::ffff:${hex}`)).toBe(want);
        expect(classifyAddress(`64:ff9b::${hex}`)).toBe(want);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('egress URL checks', () => {
  it('takes https: always and http: only where private targets are allowed', () => {
    expect(checkUrl('https://api.example.com/v2/items?x=1', strict)).toMatchObject({ host: 'api.example.com', port: 443, literal: 0 });
    expect(refusal('http://api.example.com/', strict)).toBe('egress_bad_url');
    expect(checkUrl('http://127.0.0.1:9000/x', permissive)).toMatchObject({ host: '127.0.0.1', port: 9000, literal: 4 });
    for (const u of ['ftp://api.example.com/', 'file:///etc/passwd', 'gopher://api.example.com/', 'javascript:alert(1)', 'not a url', '/relative', 'https://']) expect(refusal(u, permissive), u).toBe('egress_bad_url');
    expect(refusal('https://example.com/' + 'a'.repeat(20_000), strict)).toBe('egress_bad_url');
  });

  it('refuses credentials in the URL, even where private targets are allowed, without echoing them', () => {
    for (const u of ['https://user:pw@api.example.com/', 'https://user@api.example.com/', 'http://u:p@127.0.0.1:1/']) expect(refusal(u, permissive), u).toBe('egress_bad_url');
    try {
      checkUrl('https://svc:hunter2@api.example.com/?api_key=k3y', strict);
    } catch (err) {
      expect((err as Error).message).not.toMatch(/hunter2|k3y/);
    }
  });

  it('allows the scheme port, listed ports, and any port where private targets are', () => {
    expect(checkUrl('https://api.example.com:443/', strict).port).toBe(443);
    expect(refusal('https://api.example.com:8443/', strict)).toBe('egress_bad_url');
    expect(refusal('https://api.example.com:22/', strict)).toBe('egress_bad_url');
    expect(checkUrl('https://api.example.com:8443/', { ...strict, allowPorts: [8443] }).port).toBe(8443);
    expect(checkUrl('https://api.example.com:8443/', { ...strict, allowPorts: 'any' }).port).toBe(8443);
    expect(checkUrl('http://10.0.0.5:8080/', permissive).port).toBe(8080);
  });

  it('normalises IP literals in every spelling before checking them', () => {
    for (const u of [
      'https://127.0.0.1/', 'https://2130706433/', 'https://0177.0.0.1/', 'https://0x7f.1/', 'https://0x7f000001/', 'https://127.1/', 'https://[::1]/', 'https://[::ffff:127.0.0.1]/',
      'https://[0:0:0:0:0:ffff:7f00:1]/', 'https://10.0.0.1/', 'https://0/', 'https://localhost/', 'https://api.localhost/', 'https://LOCALHOST./',
    ]) {
      expect(refusal(u, strict), u).toBe('egress_address_refused');
    }
    // Zone ids are not valid in WHATWG URLs at all.
    expect(refusal('http://[fe80::1%25eth0]/', permissive)).toBe('egress_bad_url');
    expect(checkUrl('http://0x7f.1:8080/', permissive).host).toBe('127.0.0.1');
  });

  it('refuses cloud metadata addresses and names even where private targets are allowed', () => {
    for (const u of [
      'http://169.254.169.254/latest/meta-data/', 'http://2852039166/', 'http://0xa9.0xfe.0xa9.0xfe/', 'http://[::ffff:169.254.169.254]/', 'http://[fd00:ec2::254]/', 'http://100.100.100.200/',
      'http://metadata.google.internal/computeMetadata/v1/', 'http://METADATA.GOOGLE.INTERNAL./', 'http://metadata/', 'http://instance-data/',
    ]) {
      expect(refusal(u, permissive), u).toBe('egress_address_refused');
    }
  });

  it('matches the allowlist exactly or by wildcard over subdomains', () => {
    const allow = ['api.example.com', '*.hooks.example.org', '203.0.113.9', '2001:DB8::1'];
    expect(hostAllowed('api.example.com', allow)).toBe(true);
    expect(hostAllowed('x.api.example.com', allow)).toBe(false);
    expect(hostAllowed('a.hooks.example.org', allow)).toBe(true);
    expect(hostAllowed('a.b.hooks.example.org', allow)).toBe(true);
    expect(hostAllowed('hooks.example.org', allow)).toBe(false);
    expect(hostAllowed('evilhooks.example.org', allow)).toBe(false);
    expect(hostAllowed('2001:db8::1', allow)).toBe(true);
    expect(hostAllowed('anything.example', undefined)).toBe(true);
    const policy: EgressPolicy = { allowPrivate: false, allowHosts: allow };
    expect(checkUrl('https://API.Example.com./v1', policy).host).toBe('api.example.com');
    expect(refusal('https://api.example.com.evil.net/', policy)).toBe('egress_host_not_allowed');
    expect(refusal('https://8.8.8.8/', policy)).toBe('egress_host_not_allowed');
    // Allowlisted is not enough: the address must pass too.
    expect(refusal('http://127.0.0.1/', { allowPrivate: false, allowHosts: ['127.0.0.1'] })).toBe('egress_bad_url');
    expect(refusal('https://127.0.0.1/', { allowPrivate: false, allowHosts: ['127.0.0.1'] })).toBe('egress_address_refused');
    for (const p of ['api.example.com', '*.example.com', '10.0.0.1', '::1']) expect(isValidHostPattern(p), p).toBe(true);
    for (const p of ['*', '*.', 'a.*.com', 'http://x', 'x y', 'api.example.com/path', '']) expect(isValidHostPattern(p), p).toBe(false);
  });
});
