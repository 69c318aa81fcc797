import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splunkHecTransport, type HecConfig } from './splunk-hec.ts';
import { closedAfterEach, closedPort, deliveryFailure, neverAborted, startHttpCollector, testEvents, type HttpCollector, type RecordedRequest } from './test-collectors.ts';
import type { SinkTransport } from './transport.ts';

const token = 'b7c1f2e0-hec-token-never-in-errors';
const deps = { hostName: 'trellis-1.example', secret: async (name: string) => (name === 'hec-token' ? token : Promise.reject(new Error(`no secret ${name}`))) };
const success = { status: 200, body: { text: 'Success', code: 0 } };
const signal = neverAborted;

const track = closedAfterEach();

async function collector(): Promise<HttpCollector> {
  const c = await startHttpCollector(success);
  track(c);
  return c;
}

function transport(url: string, over: Partial<HecConfig> = {}): SinkTransport {
  const t = splunkHecTransport.create(splunkHecTransport.configSchema.parse({ url, tokenSecret: 'hec-token', allowPrivateHost: true, ...over }), deps);
  track(t);
  return t;
}

/** HEC's body: JSON objects one after another. */
function hecEvents(req: RecordedRequest): Record<string, unknown>[] {
  return req.body.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('Splunk HEC', () => {
  it('POSTs the events as HEC event objects with the token, host, sourcetype, index and event_uid', async () => {
    const c = await collector();
    const events = testEvents(1, 3);
    await transport(c.url, { index: 'security', source: 'trellis-prod' }).deliver(events, signal());
    expect(c.requests).toHaveLength(1);
    const req = c.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/services/collector/event');
    expect(req.headers.authorization).toBe(`Splunk ${token}`);
    expect(req.headers['content-type']).toBe('application/json');
    const sent = hecEvents(req);
    expect(sent).toHaveLength(3);
    expect(sent[0]).toEqual({ time: events[0]!.event.time / 1000, host: 'trellis-1.example', source: 'trellis-prod', sourcetype: 'ocsf', index: 'security', event: events[0]!.event, fields: { event_uid: events[0]!.uid } });
    // Seconds with the milliseconds as decimals.
    expect(req.body).toContain('"time":1796616000.001');
    expect(sent.map((s) => (s.fields as { event_uid: string }).event_uid)).toEqual(events.map((e) => e.uid));
  });

  it('keeps a base path and does not append the endpoint twice', async () => {
    const c = await collector();
    await transport(`${c.url}/splunk/`).deliver(testEvents(1, 1), signal());
    await transport(`${c.url}/services/collector/event`).deliver(testEvents(2, 1), signal());
    expect(c.requests.map((r) => r.path)).toEqual(['/splunk/services/collector/event', '/services/collector/event']);
    expect(hecEvents(c.requests[0]!)[0]).not.toHaveProperty('index');
  });

  it('splits a batch larger than maxRequestBytes into requests in order', async () => {
    const c = await collector();
    const events = testEvents(1, 40, { message: 'm'.repeat(3000) });
    await transport(c.url, { maxRequestBytes: 64 * 1024 }).deliver(events, signal());
    expect(c.requests.length).toBeGreaterThan(1);
    for (const r of c.requests) expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(64 * 1024);
    expect(c.requests.flatMap(hecEvents).map((s) => (s.fields as { event_uid: string }).event_uid)).toEqual(events.map((e) => e.uid));
  });

  it('a refused data format is permanent and names the event HEC refused', async () => {
    const c = await collector();
    c.script.push({ status: 400, body: { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 } });
    const events = testEvents(1, 3);
    const err = await deliveryFailure(transport(c.url).deliver(events, signal()));
    expect(err.permanent).toBe(true);
    expect(err.message).toContain(`code 6 (Invalid data format): HEC refused the batch: event 1 of the request, uid ${events[1]!.uid}`);
  });

  it('a bad token or index is retried, with a message that says what to fix and no token', async () => {
    const c = await collector();
    c.script.push({ status: 403, body: { text: 'Invalid token', code: 4 } }, { status: 400, body: { text: 'Incorrect index', code: 7, 'invalid-event-number': 0 } });
    const t = transport(c.url);
    const e1 = await deliveryFailure(t.deliver(testEvents(1, 1), signal()));
    expect(e1).toMatchObject({ permanent: false, message: expect.stringContaining('the token is invalid; check the sink') as unknown });
    const e2 = await deliveryFailure(t.deliver(testEvents(1, 1), signal()));
    expect(e2).toMatchObject({ permanent: false, message: expect.stringContaining('the index is incorrect') as unknown });
    expect(`${e1.message}${e2.message}`).not.toContain(token);
  });

  it('503 server busy is transient with its Retry-After; 500 transient; another 4xx permanent', async () => {
    const c = await collector();
    c.script.push({ status: 503, body: { text: 'Server is busy', code: 9 }, headers: { 'retry-after': '7' } }, { status: 500, body: { text: 'Internal server error', code: 8 } }, { status: 422, body: 'no' });
    const t = transport(c.url);
    expect(await deliveryFailure(t.deliver(testEvents(1, 1), signal()))).toMatchObject({ permanent: false, retryAfterMs: 7000 });
    expect(await deliveryFailure(t.deliver(testEvents(1, 1), signal()))).toMatchObject({ permanent: false });
    expect(await deliveryFailure(t.deliver(testEvents(1, 1), signal()))).toMatchObject({ permanent: true, message: expect.stringContaining('HTTP 422') as unknown });
  });

  it('a 200 without HEC success is not taken as delivered', async () => {
    const c = await collector();
    c.script.push({ status: 200, body: { text: 'HEC is unhealthy', code: 18 } });
    expect(await deliveryFailure(transport(c.url).deliver(testEvents(1, 1), signal()))).toMatchObject({ permanent: false });
  });

  it('a refused connection, a hang past the timeout and a connection cut before the answer are transient', async () => {
    const refused = await deliveryFailure(transport(`http://127.0.0.1:${await closedPort()}`).deliver(testEvents(1, 1), signal()));
    expect(refused).toMatchObject({ permanent: false, message: expect.stringContaining('egress_connect_failed') as unknown });
    const c = await collector();
    c.script.push('hang', 'cut');
    const t = transport(c.url, { timeoutMs: 200 });
    expect(await deliveryFailure(t.deliver(testEvents(1, 1), signal()))).toMatchObject({ permanent: false, message: expect.stringContaining('egress_timeout') as unknown });
    expect(await deliveryFailure(t.deliver(testEvents(1, 1), signal()))).toMatchObject({ permanent: false });
  });

  it('a later request of a split batch failing fails the batch', async () => {
    const c = await collector();
    c.script.push(success, { status: 503, body: { text: 'Server is busy', code: 9 } });
    const err = await deliveryFailure(transport(c.url, { maxRequestBytes: 64 * 1024 }).deliver(testEvents(1, 40, { message: 'm'.repeat(3000) }), signal()));
    expect(err.permanent).toBe(false);
    expect(c.requests).toHaveLength(2);
  });

  describe('with indexer acknowledgement', () => {
    /** HEC with useAck: an ackId per request on the channel; the ack endpoint confirms ids once `confirmAfter` polls have passed. */
    async function ackingCollector(confirmAfter: number): Promise<{ c: HttpCollector; polls: number[][] }> {
      const c = await collector();
      const polls: number[][] = [];
      let next = 0;
      c.decide = (req) => {
        if (req.path === '/services/collector/event') return { status: 200, body: { text: 'Success', code: 0, ackId: next++ } };
        const ids = (JSON.parse(req.body) as { acks: number[] }).acks;
        polls.push(ids);
        return { status: 200, body: { acks: Object.fromEntries(ids.map((id) => [String(id), polls.length > confirmAfter])) } };
      };
      return { c, polls };
    }

    it('counts a batch delivered only once every request of it is confirmed, all on one channel', async () => {
      const { c, polls } = await ackingCollector(1);
      const t = transport(c.url, { indexerAck: true, ackTimeoutMs: 2000, maxRequestBytes: 64 * 1024 });
      await t.deliver(testEvents(1, 40, { message: 'm'.repeat(3000) }), signal());
      const posts = c.requests.filter((r) => r.path === '/services/collector/event');
      expect(posts.length).toBeGreaterThan(1);
      expect(polls).toEqual([posts.map((_, i) => i), posts.map((_, i) => i)]);
      const channels = new Set(c.requests.map((r) => r.headers['x-splunk-request-channel']));
      expect(channels.size).toBe(1);
      expect([...channels][0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(new Set(c.requests.map((r) => r.headers.authorization))).toEqual(new Set([`Splunk ${token}`]));
    });

    it('fails the batch (transient) when the indexers do not confirm in time, or HEC gives no ackId', async () => {
      const { c } = await ackingCollector(Number.MAX_SAFE_INTEGER);
      const err = await deliveryFailure(transport(c.url, { indexerAck: true, ackTimeoutMs: 200 }).deliver(testEvents(1, 2), signal()));
      expect(err).toMatchObject({ permanent: false, message: expect.stringContaining('the indexers did not confirm 1 of 1 requests within 200 ms') as unknown });
      const plain = await collector();
      const noAck = await deliveryFailure(transport(plain.url, { indexerAck: true }).deliver(testEvents(1, 1), signal()));
      expect(noAck).toMatchObject({ permanent: false, message: expect.stringContaining('answered no ackId') as unknown });
      expect(c.requests.every((r) => r.headers['x-splunk-request-channel'] !== undefined)).toBe(true);
    });

    it('without indexerAck no channel is sent, and a token that wants one says so', async () => {
      const c = await collector();
      c.script.push({ status: 400, body: { text: 'Data channel is missing', code: 10 } });
      const err = await deliveryFailure(transport(c.url).deliver(testEvents(1, 1), signal()));
      expect(err).toMatchObject({ permanent: false, message: expect.stringContaining('set indexerAck or turn it off') as unknown });
      expect(c.requests[0]!.headers).not.toHaveProperty('x-splunk-request-channel');
    });
  });

  it('a missing token secret is transient and names the secret', async () => {
    const c = await collector();
    const t = splunkHecTransport.create(splunkHecTransport.configSchema.parse({ url: c.url, tokenSecret: 'other', allowPrivateHost: true }), deps);
    expect(await deliveryFailure(t.deliver(testEvents(1, 1), signal()))).toMatchObject({ permanent: false, message: expect.stringContaining('the secret other could not be read') as unknown });
    expect(c.requests).toHaveLength(0);
  });

  it('validates its configuration', () => {
    const problems = (c: Record<string, unknown>) => (splunkHecTransport.configSchema.safeParse({ tokenSecret: 'hec-token', ...c }).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems({ url: 'https://splunk.example.com:8088' })).toEqual([]);
    expect(splunkHecTransport.configSchema.parse({ url: 'https://s.example.com', tokenSecret: 'hec-token' })).toEqual({ url: 'https://s.example.com', tokenSecret: 'hec-token', source: 'trellis', sourcetype: 'ocsf', allowPrivateHost: false, timeoutMs: 10_000, maxRequestBytes: 1024 * 1024, indexerAck: false, ackTimeoutMs: 60_000 });
    expect(problems({ url: 'http://splunk.example.com:8088' })).toEqual(['url: must be an https: URL (http: only with allowPrivateHost)']);
    expect(problems({ url: 'https://splunk.example.com/?token=abc' })).toEqual([expect.stringMatching(/^url: must not have a query/)]);
    expect(problems({ url: 'https://u:p@splunk.example.com' })).toEqual([expect.stringMatching(/^url: must not carry credentials/)]);
    expect(problems({ url: 'https://s.example.com', index: 'Main Index' })).toHaveLength(1);
    expect(problems({ url: 'https://s.example.com', timeoutMs: 10 })).toHaveLength(1);
    expect(splunkHecTransport.configSchema.safeParse({ url: 'https://s.example.com', tokenSecret: 'Splunk abc def' }).success).toBe(false);
  });

  it('reaches an HTTPS collector whose certificate a configured CA signed, and refuses it without that CA', async () => {
    const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
    const c = await startHttpCollector(success, { cert: testdata('server.pem'), key: testdata('server-key.pem') });
    track(c);
    await transport(c.url, { ca: testdata('ca.pem') }).deliver(testEvents(1, 2), signal());
    expect(c.requests).toHaveLength(1);
    expect(c.requests[0]!.headers.authorization).toBe(`Splunk ${token}`);
    const err = await deliveryFailure(transport(c.url).deliver(testEvents(1, 1), signal()));
    expect(err).toMatchObject({ permanent: false, message: expect.stringContaining('egress_connect_failed') as unknown });
    expect(c.requests).toHaveLength(1);
  });

  it('a public-only sink refuses a loopback collector without sending', async () => {
    const c = await collector();
    const t = splunkHecTransport.create(splunkHecTransport.configSchema.parse({ url: c.url.replace('http:', 'https:'), tokenSecret: 'hec-token' }), deps);
    expect(await deliveryFailure(t.deliver(testEvents(1, 1), signal()))).toMatchObject({ permanent: false, message: expect.stringContaining('egress_address_refused') as unknown });
    expect(c.requests).toHaveLength(0);
  });
});
