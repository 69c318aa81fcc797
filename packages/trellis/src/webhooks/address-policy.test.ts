/** Which webhook targets are allowed: URL form, and the addresses a host stands for (the address ranges themselves: egress/policy.test.ts). */
import { describe, expect, it } from 'vitest';
import { checkUrlForm, resolveTarget } from './address-policy.ts';

const strict = { allowPrivate: false };
const permissive = { allowPrivate: true };

describe('webhook address policy', () => {
  it('refuses non-https (unless private targets are allowed), credentials and fragments', () => {
    expect(checkUrlForm('https://hooks.example.com/trellis?x=1', strict).ok).toBe(true);
    expect(checkUrlForm('http://hooks.example.com/', strict)).toMatchObject({ ok: false, reason: expect.stringContaining('https') });
    expect(checkUrlForm('http://127.0.0.1:9000/', permissive).ok).toBe(true);
    expect(checkUrlForm('ftp://hooks.example.com/', permissive).ok).toBe(false);
    expect(checkUrlForm('file:///etc/passwd', permissive).ok).toBe(false);
    expect(checkUrlForm('https://user:pw@hooks.example.com/', permissive)).toMatchObject({ ok: false, reason: expect.stringContaining('credentials') });
    expect(checkUrlForm('https://user@hooks.example.com/', strict).ok).toBe(false);
    expect(checkUrlForm('https://hooks.example.com/#x', strict).ok).toBe(false);
    expect(checkUrlForm('not a url', strict).ok).toBe(false);
    expect(checkUrlForm('https://example.com/' + 'a'.repeat(3000), strict).ok).toBe(false);
  });

  it('refuses a host when any of its addresses is not public, and literal internal addresses in any spelling', async () => {
    const answer = (...addresses: string[]) => ({ ...strict, lookup: async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })) });
    expect(await resolveTarget(new URL('https://hooks.example.com/'), answer('93.184.216.34'))).toEqual({ ok: true, addresses: [{ address: '93.184.216.34', family: 4 }] });
    expect(await resolveTarget(new URL('https://hooks.example.com/'), answer('93.184.216.34', '10.1.2.3'))).toMatchObject({ ok: false, reason: expect.stringContaining('10.1.2.3') });
    expect(await resolveTarget(new URL('https://hooks.example.com/'), answer())).toMatchObject({ ok: false, reason: expect.stringContaining('does not resolve') });
    const failing = { ...strict, lookup: async () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })) };
    expect(await resolveTarget(new URL('https://nowhere.example/'), failing)).toMatchObject({ ok: false, reason: 'host nowhere.example does not resolve (ENOTFOUND)' });
    // WHATWG URL parsing normalises these to 127.0.0.1 before we look.
    for (const u of ['https://127.0.0.1/', 'https://0x7f000001/', 'https://2130706433/', 'https://127.1/', 'https://[::1]/', 'https://[::ffff:127.0.0.1]/', 'https://localhost/', 'https://api.localhost/', 'https://169.254.169.254/latest/meta-data/']) {
      expect((await resolveTarget(new URL(u), strict)).ok, u).toBe(false);
    }
    expect((await resolveTarget(new URL('http://127.0.0.1/'), permissive)).ok).toBe(true);
    // Metadata is refused even where private targets are allowed; any port is the receiver's choice.
    expect((await resolveTarget(new URL('http://169.254.169.254/'), permissive)).ok).toBe(false);
    expect(checkUrlForm('https://hooks.example.com:8443/x', strict).ok).toBe(true);
  });
});
