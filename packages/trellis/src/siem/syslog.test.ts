import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { version } from '../version.ts';
import { escapeCefHeader, escapeCefValue, formatCef, toCefRecord } from './cef.ts';
import { formatSyslog, frameOctetCounted } from './rfc5424.ts';
import { syslogMessageOf, syslogTransport, type SyslogConfig } from './syslog.ts';
import { closedAfterEach, closedPort, deliveryFailure, neverAborted, parseCef, parseRfc5424, splitOctetFrames, startSilentListener, startSyslogReceiver, testEvent, testEvents, unescapeCef, type SyslogReceiver } from './test-collectors.ts';
import type { SinkTransport } from './transport.ts';

const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
const ca = testdata('ca.pem');
const serverCert = { cert: testdata('server.pem'), key: testdata('server-key.pem') };
const secrets: Record<string, string> = { 'syslog-client-key': testdata('client-key.pem') };
const deps = { hostName: 'trellis-1.example', secret: async (name: string) => secrets[name] ?? Promise.reject(new Error(`no secret ${name}`)) };

const event = testEvent;
const batch = testEvents;
const signal = neverAborted;

const track = closedAfterEach();

function transport(config: Partial<SyslogConfig> & { port: number }): SinkTransport {
  const parsed = syslogTransport.configSchema.parse({ host: '127.0.0.1', protocol: 'tcp', allowPrivateHost: true, ...config });
  const t = syslogTransport.create(parsed, deps);
  track(t);
  return t;
}

async function receiver(options?: Parameters<typeof startSyslogReceiver>[0]): Promise<SyslogReceiver> {
  const r = await startSyslogReceiver(options);
  track(r);
  return r;
}

const rejection = deliveryFailure;

describe('CEF escaping', () => {
  it('escapes pipes and backslashes in the header, = and backslashes and line breaks in extension values', () => {
    expect(escapeCefHeader('a|b\\c')).toBe('a\\|b\\\\c');
    expect(escapeCefValue('x=1|y\\z\nw\r')).toBe('x\\=1|y\\\\z\\nw\\r');
  });

  it('any string round-trips through each escape and the reference unescape', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(unescapeCef(escapeCefValue(s))).toBe(s);
        expect(unescapeCef(escapeCefHeader(s))).toBe(s);
        expect(escapeCefValue(s)).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 2000 },
    );
  });

  it('any header name and extension values survive a whole line and its parse', () => {
    const text = fc.string({ unit: 'binary', minLength: 1 });
    fc.assert(
      fc.property(text, fc.dictionary(fc.stringMatching(/^[a-z][A-Za-z0-9]{0,9}$/), text, { maxKeys: 6 }), (name, values) => {
        const line = formatCef({ version: '1.0', signatureId: '600301', name, severity: 3, extensions: Object.entries(values) });
        const parsed = parseCef(line);
        expect(parsed.name).toBe(name);
        expect(parsed.severity).toBe('3');
        expect(parsed.extensions).toEqual(values);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('RFC 5424 messages', () => {
  it('keeps header fields printable ASCII, escapes SD values and frames by byte length', () => {
    const text = formatSyslog({ facility: 'local4', severity: 6, time: Date.UTC(2026, 0, 2, 3, 4, 5, 6), hostname: 'host name', appName: 'trellis', msgId: '', structuredData: [{ id: 'trellis@32473', params: [['uid', 'a"b\\c]d']] }], msg: 'CEF:0|é' });
    expect(text).toBe('<166>1 2026-01-02T03:04:05.006Z host_name trellis - - [trellis@32473 uid="a\\"b\\\\c\\]d"] CEF:0|é');
    const parsed = parseRfc5424(text);
    expect(parsed.sd[0]!.params.uid).toBe('a"b\\c]d');
    const frame = frameOctetCounted(text);
    expect(frame.toString('utf8').startsWith(`${Buffer.byteLength(text)} `)).toBe(true);
    expect(splitOctetFrames(Buffer.concat([frame, frame])).frames.map((f) => f.toString('utf8'))).toEqual([text, text]);
  });

  it('any text in an event reads back the same from the framed message: SD values and CEF fields', () => {
    const config = syslogTransport.configSchema.parse({ host: 'h' });
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(text, text, text, (message, name, target) => {
        const e = event(3, { message, actor: { type: 'user', id: 'usr_1', name }, resources: [{ type: 'user', id: 'usr_2', name: target }] });
        e.uid = `${message}]"\\`;
        const { frames, rest } = splitOctetFrames(frameOctetCounted(syslogMessageOf(e, config, 'host')));
        expect(rest.length).toBe(0);
        const parsed = parseRfc5424(frames[0]!.toString('utf8'));
        expect(parsed.sd[0]!.params.uid).toBe(e.uid);
        const cef = parseCef(parsed.msg);
        expect([cef.extensions.msg, cef.extensions.suser, cef.extensions.duser]).toEqual([message, name, target]);
      }),
      { numRuns: 500 },
    );
  });

  it('an OCSF event maps field by field onto syslog, SD and CEF', () => {
    const e = event(7, { message: 'Registered | the = app\nsecond line', outcome: 'failure', resources: [{ type: 'person', id: 'usr_9', name: 'bob' }, { type: 'app', id: 'x' }], actor: { type: 'token', id: 'tok_1', subject: 'user:carol@example.com' } });
    e.event.metadata.correlation_uid = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parsed = parseRfc5424(formatSyslog({ facility: 'authpriv', severity: 5, time: e.event.time, hostname: 'h', appName: 'trellis', msgId: 'm', structuredData: [], msg: formatCef(toCefRecord(e.event, version, 'h')) }));
    const cef = parseCef(parsed.msg);
    expect(cef).toMatchObject({ vendor: 'Trellis', product: 'Trellis', deviceVersion: version, signatureId: '600301', name: 'Create API Activity', severity: '3' });
    expect(cef.extensions).toEqual({
      rt: String(e.event.time),
      externalId: e.uid,
      cat: 'API Activity',
      act: 'app.register',
      outcome: 'Failure',
      suid: 'tok_1',
      suser: 'tok_1',
      duid: 'usr_9',
      duser: 'bob',
      src: '10.1.2.3',
      dvchost: 'h',
      msg: 'Registered | the = app\nsecond line',
      cs1: e.uid,
      cs1Label: 'eventUid',
      cs2: 'person:usr_9,app:x',
      cs2Label: 'resources',
      cs3: 'token',
      cs3Label: 'actorType',
      cs4: 'user:carol@example.com',
      cs4Label: 'actorSubject',
      cs5: '4bf92f3577b34da6a3ce929d0e0e4736',
      cs5Label: 'traceId',
      cn1: '6003',
      cn1Label: 'ocsfClassUid',
      cn2: '1',
      cn2Label: 'ocsfActivityId',
    });
  });
});

describe('syslog over TCP', () => {
  it('sends each event as an octet-counted RFC 5424 message with a CEF payload, on one connection across batches', async () => {
    const r = await receiver();
    const t = transport({ port: r.port, facility: 'local4' });
    await t.deliver(batch(1, 3), signal());
    await t.deliver(batch(4, 2, { srcIp: '2001:db8::1' }), signal());
    await r.waitFor(5);
    expect(r.connections).toBe(1);
    const m = r.messages[0]!;
    // local4 (20) × 8 + Informational (6)
    expect(m).toMatchObject({ pri: 166, version: 1, timestamp: '2026-12-07T04:00:00.001Z', hostname: 'trellis-1.example', appName: 'trellis', procId: String(process.pid), msgId: 'app.register' });
    expect(m.sd).toEqual([{ id: 'trellis@32473', params: { uid: event(1).uid, seq: '1', class_uid: '6003' } }]);
    expect(parseCef(m.msg).extensions).toMatchObject({ cs1: event(1).uid, cs1Label: 'eventUid', suser: 'alice@example.com', spriv: 'admin', src: '10.1.2.3', act: 'app.register', outcome: 'Success' });
    expect(parseCef(r.messages[3]!.msg).extensions).toMatchObject({ c6a2: '2001:db8::1', c6a2Label: 'sourceIPv6Address' });
    expect(r.messages.map((x) => x.sd[0]!.params.uid)).toEqual(batch(1, 5).map((e) => e.uid));
  });

  it('puts the event severity into PRI and a failure into the CEF severity', async () => {
    const r = await receiver();
    const t = transport({ port: r.port });
    await t.deliver([event(1, { outcome: 'failure' })], signal());
    await r.waitFor(1);
    // authpriv (10) × 8 + Notice (5) for OCSF Low.
    expect(r.messages[0]!.pri).toBe(85);
    expect(parseCef(r.messages[0]!.msg).severity).toBe('3');
  });

  it('reconnects when the receiver closed the idle connection', async () => {
    const r = await receiver();
    const t = transport({ port: r.port });
    await t.deliver(batch(1, 2), signal());
    await r.waitFor(2);
    await r.dropConnections();
    await t.deliver(batch(3, 2), signal());
    await r.waitFor(4);
    expect(r.connections).toBe(2);
    expect(r.messages.map((m) => m.sd[0]!.params.seq)).toEqual(['1', '2', '3', '4']);
  });

  it('a refused connection is a transient failure', async () => {
    const t = transport({ port: await closedPort() });
    const err = await rejection(t.deliver(batch(1, 1), signal()));
    expect(err.permanent).toBe(false);
    expect(err.message).toMatch(/could not connect \(ECONNREFUSED\)/);
  });

  it('a connection cut mid-batch fails the whole batch, and the batch is sent again in full', async () => {
    const r = await receiver();
    r.cutAfterBytes = 256 * 1024;
    const t = transport({ port: r.port });
    // Large enough (about 24 MB) that the cut comes while much of it is still unsent.
    const big = batch(1, 6000, { message: 'x'.repeat(4000) });
    const err = await rejection(t.deliver(big, signal()));
    expect(err.permanent).toBe(false);
    expect(err.message).toMatch(/the batch will be sent again/);
    const before = r.messages.length;
    expect(before).toBeLessThan(big.length);
    await t.deliver(big, signal());
    await r.waitFor(before + big.length);
    const uids = new Set(r.messages.map((m) => m.sd[0]!.params.uid));
    expect(uids.size).toBe(big.length);
    expect(r.connections).toBe(2);
  });

  it('a receiver that stops reading fails the batch after the write timeout, and the next batch goes on a new connection', async () => {
    const r = await receiver();
    r.stalled = true;
    const t = transport({ port: r.port, writeTimeoutMs: 300 });
    const err = await rejection(t.deliver(batch(1, 6000, { message: 'y'.repeat(4000) }), signal()));
    expect(err.permanent).toBe(false);
    expect(err.message).toMatch(/not written within 300 ms/);
    r.stalled = false;
    await t.deliver(batch(1, 2), signal());
    await r.waitFor(2);
    expect(r.connections).toBe(2);
  });

  it('an abort stops a delivery stuck in writing, and the next batch goes on a new connection', async () => {
    const r = await receiver();
    r.stalled = true;
    const t = transport({ port: r.port });
    const ac = new AbortController();
    const p = t.deliver(batch(1, 6000, { message: 'z'.repeat(4000) }), ac.signal);
    await vi.waitFor(() => expect(r.connections).toBe(1));
    ac.abort();
    expect(await rejection(p)).toMatchObject({ permanent: false, message: expect.stringMatching(/aborted/) as unknown });
    r.stalled = false;
    await t.deliver(batch(1, 1), signal());
    await r.waitFor(1);
    expect(r.connections).toBe(2);
  });

  it('a receiver that is down for a while gets the batch once it is back where it was', async () => {
    const first = await startSyslogReceiver();
    const port = first.port;
    const t = transport({ port });
    await t.deliver(batch(1, 1), signal());
    await first.waitFor(1);
    await first.close();
    expect(await rejection(t.deliver(batch(2, 2), signal()))).toMatchObject({ permanent: false });
    const back = await receiver({ port });
    await t.deliver(batch(2, 2), signal());
    await back.waitFor(2);
    expect(back.messages.map((m) => m.sd[0]!.params.seq)).toEqual(['2', '3']);
  });
});

describe('syslog over TLS', () => {
  const tlsConfig = (port: number, over: Partial<SyslogConfig> = {}): Partial<SyslogConfig> & { port: number } => ({ port, protocol: 'tls', ca, serverName: 'syslog.test', ...over });

  it('verifies the receiver against the given CA and server name and delivers', async () => {
    const r = await receiver({ tls: serverCert });
    const t = transport(tlsConfig(r.port));
    await t.deliver(batch(1, 3), signal());
    await t.deliver(batch(4, 1), signal());
    await r.waitFor(4);
    expect(r.connections).toBe(1);
    expect(r.messages.map((m) => parseCef(m.msg).extensions.cs1)).toEqual(batch(1, 4).map((e) => e.uid));
  });

  it('refuses a certificate from another CA, or for another name', async () => {
    const untrusted = await receiver({ tls: { cert: testdata('untrusted-server.pem'), key: serverCert.key } });
    const e1 = await rejection(transport(tlsConfig(untrusted.port)).deliver(batch(1, 1), signal()));
    expect(e1.permanent).toBe(false);
    expect(e1.message).toMatch(/could not connect \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
    const r = await receiver({ tls: serverCert });
    const e2 = await rejection(transport(tlsConfig(r.port, { serverName: 'other.test' })).deliver(batch(1, 1), signal()));
    expect(e2.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
    expect(untrusted.messages).toHaveLength(0);
    expect(r.messages).toHaveLength(0);
  });

  it('with verification off (development, private hosts only) accepts a certificate from another CA', async () => {
    const untrusted = await receiver({ tls: { cert: testdata('untrusted-server.pem'), key: serverCert.key } });
    await transport(tlsConfig(untrusted.port, { verifyServerCertificate: false })).deliver(batch(1, 1), signal());
    await untrusted.waitFor(1);
  });

  it('presents a client certificate whose key comes from a secret; without one the receiver refuses and nothing counts as sent', async () => {
    const r = await receiver({ tls: { ...serverCert, ca, requestCert: true } });
    const without = transport(tlsConfig(r.port));
    const err = await rejection(without.deliver(batch(1, 1), signal()));
    expect(err.permanent).toBe(false);
    expect(err.message).toMatch(/could not connect|closed the connection/);
    expect(r.messages).toHaveLength(0);
    const t = transport(tlsConfig(r.port, { clientCertificate: testdata('client.pem'), clientKeySecret: 'syslog-client-key' }));
    await t.deliver(batch(1, 2), signal());
    await r.waitFor(2);
    expect(r.clientNames).toEqual(['trellis-test-client']);
  });

  it('a missing key secret is a transient failure that names the secret', async () => {
    const r = await receiver({ tls: serverCert });
    const err = await rejection(transport(tlsConfig(r.port, { clientCertificate: testdata('client.pem'), clientKeySecret: 'nope' })).deliver(batch(1, 1), signal()));
    expect(err).toMatchObject({ permanent: false, message: expect.stringMatching(/the secret nope could not be read/) as unknown });
  });

  it('a receiver that never completes the handshake fails after the connect timeout', async () => {
    const silent = await startSilentListener();
    track(silent);
    const err = await rejection(transport(tlsConfig(silent.port, { connectTimeoutMs: 200 })).deliver(batch(1, 1), signal()));
    expect(err.message).toMatch(/could not connect within 200 ms/);
  });
});

describe('syslog configuration', () => {
  const parse = (c: Record<string, unknown>) => syslogTransport.configSchema.safeParse(c);
  const messages = (c: Record<string, unknown>) => (parse(c).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

  it('defaults to TLS with verification, and refuses clear text or no verification to a public receiver', () => {
    expect(parse({ host: 'siem.example.com' }).data).toEqual({ host: 'siem.example.com', protocol: 'tls', facility: 'authpriv', enterpriseNumber: 32473, allowPrivateHost: false, connectTimeoutMs: 5000, writeTimeoutMs: 30_000, utf8Bom: false });
    expect(messages({ host: 'siem.example.com', protocol: 'tcp' })).toEqual([expect.stringMatching(/^protocol: tcp sends audit events in the clear/)]);
    expect(messages({ host: 'siem.example.com', verifyServerCertificate: false })).toEqual([expect.stringMatching(/^verifyServerCertificate: may be false only with allowPrivateHost/)]);
    expect(messages({ host: 'siem.example.com', clientCertificate: ca })).toEqual(['clientKeySecret: clientCertificate and clientKeySecret go together']);
    expect(messages({ host: 'h', protocol: 'tcp', allowPrivateHost: true, ca })).toEqual(['ca: is for protocol tls only']);
    expect(parse({ host: 'https://x', port: 70000 }).success).toBe(false);
    expect(parse({ host: 'h', clientKeySecret: '-----BEGIN PRIVATE KEY-----' }).success).toBe(false);
    expect(parse({ host: 'h', facility: 'nope' }).success).toBe(false);
  });

  it('a public-only sink refuses a loopback receiver before connecting', async () => {
    const r = await receiver({ tls: serverCert });
    const t = syslogTransport.create(syslogTransport.configSchema.parse({ host: '127.0.0.1', port: r.port, ca }), deps);
    track(t);
    const err = await rejection(t.deliver(batch(1, 1), signal()));
    expect(err.message).toMatch(/egress_address_refused/);
    expect(r.connections).toBe(0);
  });
});
