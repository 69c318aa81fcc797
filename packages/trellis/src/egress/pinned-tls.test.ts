/**
 * TLS towards a connector database reached by its checked address: the certificate is checked
 * against the connector's host, a name or an IP literal, never against the address we dialled.
 * (The test server runs without TLS, so the settings are checked here rather than end to end.)
 */
import type { PeerCertificate } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { pinnedTlsOptions, type TlsMode } from './pinned-tls.ts';

const base = { host: 'db.internal', tls: 'verify-full' as TlsMode };
const tlsOptions = (t: { host: string; tls: TlsMode }) => pinnedTlsOptions(t.host, t.tls);
const cert = (names: string) => ({ subject: { CN: '' }, subjectaltname: names }) as unknown as PeerCertificate;

describe('TLS to a checked address', () => {
  it('sends the host name as SNI and checks the certificate against it', () => {
    const o = tlsOptions(base);
    expect(o).toMatchObject({ servername: 'db.internal', rejectUnauthorized: true });
    if (!o) throw new Error('expected TLS options');
    expect(o.checkServerIdentity!('10.0.0.5', cert('DNS:db.internal'))).toBeUndefined();
    expect(o.checkServerIdentity!('10.0.0.5', cert('DNS:other.internal'))).toBeInstanceOf(Error);
  });

  it('checks an IP literal host against the certificate’s IP names, without SNI', () => {
    const o = tlsOptions({ ...base, host: '192.0.2.10' });
    if (!o) throw new Error('expected TLS options');
    expect(o.servername).toBeUndefined();
    expect(o.checkServerIdentity!('192.0.2.10', cert('IP Address:192.0.2.10'))).toBeUndefined();
    expect(o.checkServerIdentity!('192.0.2.10', cert('IP Address:192.0.2.11'))).toBeInstanceOf(Error);
  });

  it('encrypts without verifying for require, and sends plain text only for disable', () => {
    expect(tlsOptions({ ...base, tls: 'require' })).toMatchObject({ rejectUnauthorized: false });
    expect(tlsOptions({ ...base, tls: 'disable' })).toBe(false);
  });
});
