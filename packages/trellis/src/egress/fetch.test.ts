/**
 * The egress client against real servers on loopback: an upstream that answers, hangs, streams
 * forever, redirects (to itself, to loopback, to metadata, to an allowed host), a TLS upstream with
 * a certificate for its name, and a DNS server on 127.0.0.1 (test-dns.ts) that answers the test
 * names. Reaching a loopback upstream needs allowPrivate; the refusals are shown with it off.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { spawn } from 'node:child_process';
import { createServer as createTlsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EgressError, egressFetch, resolveChecked, type EgressPolicy, type EgressRequest } from './index.ts';
import { makeTestCertificates } from './test-certs.ts';
import { startTestDns, type TestDns } from './test-dns.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const open: Policy = { allowPrivate: true };
type Policy = EgressPolicy;

let dns: TestDns;
let plain: Server;
let tls: Server;
let port: number;
let tlsPort: number;
let ca: string;
const seen: Seen[] = [];
let connections = 0;
/** Resolves when the endless stream's response is closed by the client. */
let streamClosed: Promise<void> = Promise.resolve();

function handler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/hang':
        return;
      case '/forever': {
        const chunk = Buffer.alloc(64 * 1024, 120);
        streamClosed = new Promise((resolve) => res.on('close', () => resolve()));
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
        return;
      }
      case '/declared-huge':
        res.writeHead(200, { 'content-length': String(1024 ** 3) });
        if (req.method === 'HEAD') res.end();
        else res.write('x');
        return;
      case '/redirect':
        res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') ?? '/ok' }).end('moved');
        return;
      default:
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }).end(JSON.stringify({ path: url.pathname, host: req.headers.host }));
    }
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  dns = await startTestDns();
  plain = createServer(handler);
  plain.on('connection', () => connections++);
  port = await listen(plain);
  const certs = makeTestCertificates(['api.test']);
  ca = certs.ca;
  tls = createTlsServer({ key: certs.key, cert: certs.cert }, handler);
  tlsPort = await listen(tls);
  for (const name of ['svc.test', 'other.test', 'api.test', 'wrong.test', 'loop.test']) dns.answer(name, 'A', ['127.0.0.1']);
  dns.answer('metadata.test', 'A', ['169.254.169.254']);
  dns.answer('mapped-metadata.test', 'AAAA', ['::ffff:169.254.169.254']);
  dns.answer('mixed.test', 'A', ['8.8.8.8', '127.0.0.1']);
  dns.answer('six.test', 'A', ['8.8.8.8']);
  dns.answer('six.test', 'AAAA', ['::1']);
});

afterAll(async () => {
  plain.closeAllConnections();
  tls.closeAllConnections();
  await Promise.all([new Promise((r) => plain.close(r)), new Promise((r) => tls.close(r)), dns.close()]);
});

beforeEach(() => {
  seen.length = 0;
  dns.queries.length = 0;
});

function call(url: string, more: Partial<EgressRequest> = {}) {
  return egressFetch({ url, method: 'GET', timeoutMs: 5000, maxResponseBytes: 1024 * 1024, policy: open, resolver: dns.resolver, ...more });
}

async function failure(p: Promise<unknown>): Promise<EgressError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EgressError);
  return err as EgressError;
}

describe('egressFetch', () => {
  it('resolves a name once and connects to the checked address, with the name as Host', async () => {
    const res = await call(`http://svc.test:${port}/ok?q=1`);
    expect(res).toMatchObject({ status: 200, address: '127.0.0.1', url: `http://svc.test:${port}/ok?q=1`, truncated: false });
    expect(JSON.parse(res.body.toString())).toEqual({ path: '/ok', host: `svc.test:${port}` });
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(dns.queries.filter((q) => q.name === 'svc.test').map((q) => q.type).sort()).toEqual(['A', 'AAAA']);
  });

  it('tries the next checked address when one refuses the connection', async () => {
    // Nothing listens on 127.0.0.2 (loopback too, on Linux): refused, then 127.0.0.1 answers.
    dns.answer('multi.test', 'A', ['127.0.0.2', '127.0.0.1']);
    const res = await call(`http://multi.test:${port}/ok`, { method: 'POST', body: 'once' });
    expect(res).toMatchObject({ status: 200, address: '127.0.0.1' });
    expect(seen.map((s) => s.body)).toEqual(['once']);
    // A refused address among them is still a refusal of the whole name.
    dns.answer('multi-bad.test', 'A', ['127.0.0.2', '169.254.169.254']);
    expect((await failure(call(`http://multi-bad.test:${port}/ok`))).code).toBe('egress_address_refused');
  });

  it('cannot be rebound: the address checked is the address connected to, and the next answer is checked afresh', async () => {
    // Were the name resolved again to connect, the second answer (metadata) would be used.
    dns.answer('rebind.test', 'A', ['127.0.0.1'], ['169.254.169.254']);
    const res = await call(`http://rebind.test:${port}/ok`);
    expect(res.address).toBe('127.0.0.1');
    expect(dns.queries.filter((q) => q.name === 'rebind.test' && q.type === 'A')).toHaveLength(1);
    const err = await failure(call(`http://rebind.test:${port}/ok`));
    expect(err.code).toBe('egress_address_refused');
    expect(err.message).toContain('169.254.169.254');
    expect(seen).toHaveLength(1);
  });

  it('refuses names that resolve to loopback, private or metadata addresses, without connecting', async () => {
    const strict: Policy = { allowPrivate: false, allowPorts: 'any' };
    for (const name of ['loop.test', 'mixed.test', 'six.test', 'metadata.test', 'mapped-metadata.test']) {
      const err = await failure(call(`https://${name}:${port}/ok`, { policy: strict }));
      expect(err.code, name).toBe('egress_address_refused');
    }
    // Metadata stays refused where private targets are allowed.
    for (const name of ['metadata.test', 'mapped-metadata.test']) expect((await failure(call(`http://${name}:${port}/ok`))).code).toBe('egress_address_refused');
    expect((await failure(call(`http://169.254.169.254:${port}/latest/meta-data/`))).code).toBe('egress_address_refused');
    expect(seen).toHaveLength(0);
    expect((await failure(call(`http://nowhere.test:${port}/`))).code).toBe('egress_dns_failed');
  });

  it('gives up on an upstream that hangs at the deadline', async () => {
    const err = await failure(call(`http://svc.test:${port}/hang`, { timeoutMs: 300 }));
    expect(err.code).toBe('egress_timeout');
    expect(err.status).toBe(504);
  });

  it('gives up connecting to a host that takes no connections at the connection deadline', async () => {
    // A server whose process is stuck: the kernel queues a couple of connections for it, then
    // drops further handshakes, so a new connection neither opens nor fails.
    const stuck = spawn(process.execPath, ['-e', "const s = require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => { process.stdout.write(s.address().port + '\\n', () => { for (;;); }); });"], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const stuckPort = await new Promise<number>((resolve) => stuck.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
      const fillers = Array.from({ length: 4 }, () => connect(stuckPort, '127.0.0.1').on('error', () => undefined));
      const err = await failure(call(`http://svc.test:${stuckPort}/`, { connectTimeoutMs: 200, timeoutMs: 10_000 }));
      expect(err.code).toBe('egress_timeout');
      expect(err.message).toContain('could not connect');
      for (const f of fillers) f.destroy();
    } finally {
      stuck.kill('SIGKILL');
    }
  });

  it('cuts an endless answer at the limit without buffering it, or truncates when asked', async () => {
    const err = await failure(call(`http://svc.test:${port}/forever`, { maxResponseBytes: 1024 * 1024 }));
    expect(err.code).toBe('egress_too_large');
    await streamClosed;
    const cut = await call(`http://svc.test:${port}/forever`, { maxResponseBytes: 100_000, truncateResponse: true });
    expect(cut).toMatchObject({ status: 200, truncated: true });
    expect(cut.body.length).toBe(100_000);
    await streamClosed;
    expect((await failure(call(`http://svc.test:${port}/declared-huge`))).code).toBe('egress_too_large');
    expect((await call(`http://svc.test:${port}/declared-huge`, { method: 'HEAD' })).status).toBe(200);
  });

  it('refuses a request body over its limit before connecting', async () => {
    const err = await failure(call(`http://svc.test:${port}/ok`, { method: 'POST', body: Buffer.alloc(2048), maxRequestBytes: 1024 }));
    expect(err.code).toBe('egress_too_large');
    expect(seen).toHaveLength(0);
    const res = await call(`http://svc.test:${port}/ok`, { method: 'POST', body: 'small', maxRequestBytes: 1024 });
    expect(res.status).toBe(200);
    expect(seen[0]).toMatchObject({ method: 'POST', body: 'small' });
  });

  it('refuses redirects by default, and checks every hop when some are allowed', async () => {
    const base = `http://svc.test:${port}/redirect`;
    const off = await failure(call(`${base}?to=/ok`));
    expect(off).toMatchObject({ code: 'egress_redirect_refused', upstreamStatus: 302 });
    expect(seen).toHaveLength(1);
    const allowed: Policy = { allowPrivate: true, allowHosts: ['*.test'] };
    const refusedHops: [string, string][] = [
      [`http://127.0.0.1:${port}/ok`, 'egress_host_not_allowed'],
      ['http://169.254.169.254/latest/meta-data/', 'egress_address_refused'],
      [`http://metadata.test:${port}/`, 'egress_address_refused'],
      [`http://[::ffff:a9fe:a9fe]:${port}/`, 'egress_address_refused'],
      ['http://metadata.google.internal/', 'egress_address_refused'],
      ['file:///etc/passwd', 'egress_bad_url'],
      [`http://u:p@other.test:${port}/`, 'egress_bad_url'],
    ];
    for (const [to, code] of refusedHops) {
      seen.length = 0;
      const err = await failure(call(`${base}?to=${encodeURIComponent(to)}`, { policy: allowed, maxRedirects: 3 }));
      expect(err.code, to).toBe(code);
      expect(seen, to).toHaveLength(1);
    }
    const loop = await failure(call(`${base}?to=${encodeURIComponent(`${base}?to=/ok`)}`, { maxRedirects: 1 }));
    expect(loop.code).toBe('egress_redirect_refused');
  });

  it('follows an allowed redirect to another host, leaving credentials behind', async () => {
    seen.length = 0;
    const to = `http://other.test:${port}/ok?page=2`;
    const res = await call(`http://svc.test:${port}/redirect?to=${encodeURIComponent(to)}`, {
      policy: { allowPrivate: true, allowHosts: ['svc.test', 'other.test'] },
      maxRedirects: 2,
      headers: { authorization: 'Bearer s3cret', 'x-api-key': 'k3y', accept: 'application/json', host: 'evil.example' },
      credentialHeaders: ['X-Api-Key'],
    });
    expect(res).toMatchObject({ status: 200, url: to });
    expect(seen.map((s) => s.headers.host)).toEqual([`svc.test:${port}`, `other.test:${port}`]);
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer s3cret', 'x-api-key': 'k3y' });
    expect(seen[1]!.headers.authorization).toBeUndefined();
    expect(seen[1]!.headers['x-api-key']).toBeUndefined();
    expect(seen[1]!.headers.accept).toBe('application/json');
    // A 303 after a POST is a GET without the body; a 307 keeps both.
    seen.length = 0;
    await call(`http://svc.test:${port}/redirect?status=303&to=/ok`, { method: 'POST', body: 'form', maxRedirects: 1 });
    expect(seen.map((s) => [s.method, s.body])).toEqual([['POST', 'form'], ['GET', '']]);
    seen.length = 0;
    await call(`http://svc.test:${port}/redirect?status=307&to=/ok`, { method: 'POST', body: 'form', maxRedirects: 1, headers: { authorization: 'Bearer same-origin' } });
    expect(seen.map((s) => [s.method, s.body, s.headers.authorization])).toEqual([['POST', 'form', 'Bearer same-origin'], ['POST', 'form', 'Bearer same-origin']]);
  });

  it('verifies TLS against the name while connecting to the checked address', async () => {
    const res = await call(`https://api.test:${tlsPort}/ok`, { ca });
    expect(res).toMatchObject({ status: 200, address: '127.0.0.1' });
    expect(JSON.parse(res.body.toString()).host).toBe(`api.test:${tlsPort}`);
    // The same server under a name its certificate does not carry, by IP, or with an unknown CA.
    expect((await failure(call(`https://wrong.test:${tlsPort}/ok`, { ca }))).code).toBe('egress_connect_failed');
    expect((await failure(call(`https://127.0.0.1:${tlsPort}/ok`, { ca }))).code).toBe('egress_connect_failed');
    expect((await failure(call(`https://api.test:${tlsPort}/ok`))).code).toBe('egress_connect_failed');
    // https: to http: is a downgrade, refused.
    const down = await failure(call(`https://api.test:${tlsPort}/redirect?to=${encodeURIComponent(`http://svc.test:${port}/ok`)}`, { ca, maxRedirects: 2 }));
    expect(down.code).toBe('egress_redirect_refused');
  });

  it('keeps connections alive per address: calls in a row share one', async () => {
    const before = connections;
    for (let i = 0; i < 5; i++) expect((await call(`http://svc.test:${port}/ok`)).status).toBe(200);
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('reports a closed port as a connection failure and honours the caller abort', async () => {
    const closed = createServer();
    const closedPort = await listen(closed);
    await new Promise((r) => closed.close(r));
    expect((await failure(call(`http://svc.test:${closedPort}/`))).code).toBe('egress_connect_failed');
    const controller = new AbortController();
    const pending = call(`http://svc.test:${port}/hang`, { signal: controller.signal });
    controller.abort(new Error('stopping'));
    await expect(pending).rejects.toThrow('stopping');
  });

  it('refuses a header value that would split the request, without repeating it', async () => {
    const err = await failure(call(`http://svc.test:${port}/ok`, { headers: { 'x-api-key': 'k3y\r\nx-injected: 1' } }));
    expect(err.code).toBe('egress_bad_url');
    expect(err.message).not.toContain('k3y');
    expect(seen).toHaveLength(0);
  });

  it('never puts a path, query or header value in a message', async () => {
    const secret = 'tok_9f8e7d6c5b4a';
    const attempts = [
      call(`http://svc.test:${port}/redirect?api_key=${secret}&to=/ok`),
      call(`http://svc.test:${port}/hang?api_key=${secret}`, { timeoutMs: 200, headers: { authorization: secret } }),
      call(`http://nowhere.test:${port}/${secret}?api_key=${secret}`),
      call(`https://svc.test:${port}/${secret}?k=${secret}`, { policy: { allowPrivate: false } }),
      call(`http://u:${secret}@svc.test:${port}/`),
      call(`http://svc.test:${port}/forever?k=${secret}`, { maxResponseBytes: 10 }),
    ];
    for (const err of await Promise.all(attempts.map(failure))) {
      expect(`${err.message} ${JSON.stringify(err)}`).not.toContain(secret);
    }
  });
});

describe('resolveChecked', () => {
  it('gives the one address to connect to, checked, for hosts in any spelling', async () => {
    expect(await resolveChecked('svc.test', open, dns.resolver)).toEqual({ address: '127.0.0.1', family: 4 });
    expect(await resolveChecked('0x7f.1', open)).toEqual({ address: '127.0.0.1', family: 4 });
    expect(await resolveChecked('::1', open)).toEqual({ address: '::1', family: 6 });
    const strict: Policy = { allowPrivate: false };
    for (const host of ['svc.test', '0x7f.1', '2130706433', '::1', '[::ffff:127.0.0.1]', 'localhost', '10.1.2.3']) {
      const err = await failure(resolveChecked(host, strict, dns.resolver));
      expect(err.code, host).toBe('egress_address_refused');
    }
    for (const host of ['metadata.test', '169.254.169.254', 'metadata.google.internal']) expect((await failure(resolveChecked(host, open, dns.resolver))).code, host).toBe('egress_address_refused');
    expect((await failure(resolveChecked('db.other.example', { allowPrivate: true, allowHosts: ['*.test'] }, dns.resolver))).code).toBe('egress_host_not_allowed');
    for (const host of ['db.test/x', 'user@db.test', 'db.test:5432', '']) expect((await failure(resolveChecked(host, open, dns.resolver))).code, host).toBe('egress_bad_url');
  });

  it('keeps answers for their TTL and still checks them against each caller\'s policy', async () => {
    const cached = await startTestDns({ ttl: 30 });
    try {
      cached.answer('kept.test', 'A', ['127.0.0.1'], ['8.8.8.8']);
      expect(await resolveChecked('kept.test', open, cached.resolver)).toEqual({ address: '127.0.0.1', family: 4 });
      expect(await resolveChecked('kept.test', open, cached.resolver)).toEqual({ address: '127.0.0.1', family: 4 });
      expect(cached.queries.filter((q) => q.type === 'A')).toHaveLength(1);
      // The kept answer is checked again under a policy that refuses it.
      expect((await failure(resolveChecked('kept.test', { allowPrivate: false }, cached.resolver))).code).toBe('egress_address_refused');
    } finally {
      await cached.close();
    }
  });

  it('checks every answer each time: a name that rebinds to loopback is refused the second time', async () => {
    dns.answer('rebind-pg.test', 'A', ['8.8.8.8'], ['127.0.0.1']);
    const strict: Policy = { allowPrivate: false };
    expect(await resolveChecked('rebind-pg.test', strict, dns.resolver)).toEqual({ address: '8.8.8.8', family: 4 });
    const err = await failure(resolveChecked('rebind-pg.test', strict, dns.resolver));
    expect(err.message).toBe('host rebind-pg.test resolves to 127.0.0.1, which is not a public address (loopback, private, link-local and reserved ranges are refused)');
  });
});
