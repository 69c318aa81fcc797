/**
 * The ocsf-http transport against a real receiver on loopback: a batch arrives as one JSON array
 * with the secret's value in the auth header, each kind of answer means what it should
 * (acknowledged, retried with Retry-After, refused for good), a hang ends at the timeout, and the
 * config refuses URLs that are not allowed, naming the field.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ocsfHttpTransport } from './ocsf-http.ts';
import { sampleEvents, startOcsfReceiver, type OcsfReceiver } from './test-receiver.ts';
import { DeliveryError, type TransportDeps } from './transport.ts';

const secretValue = 'Bearer s3cr3t-value-never-shown';
const deps: TransportDeps = {
  secret: async (name) => {
    if (name === 'siem-token') return secretValue;
    throw new Error(`secret ${name} not found`);
  },
  hostName: 'test-host',
};

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected the delivery to fail');
}

describe('ocsf-http transport', () => {
  let receiver: OcsfReceiver;
  const make = (extra: Record<string, unknown> = {}) => ocsfHttpTransport.create(ocsfHttpTransport.configSchema.parse({ url: receiver.url, allowPrivateHost: true, ...extra }), deps);
  const signal = () => new AbortController().signal;

  beforeEach(async () => {
    receiver = await startOcsfReceiver();
  });
  afterEach(() => receiver.close());

  it('POSTs the batch as one JSON array of OCSF events, with the secret in the auth header', async () => {
    const t = make({ authSecret: 'siem-token' });
    const events = sampleEvents(3);
    await t.deliver(events, signal());
    expect(receiver.acknowledged).toHaveLength(1);
    expect(receiver.acknowledged[0]!.events.map((e) => e.metadata.uid)).toEqual(events.map((e) => e.uid));
    expect(receiver.acknowledged[0]!.headers.authorization).toBe(secretValue);
    expect(receiver.acknowledged[0]!.headers['content-type']).toBe('application/json');
  });

  it('sends the secret in a header of the config’s choosing', async () => {
    await make({ authSecret: 'siem-token', authHeader: 'X-Api-Key' }).deliver(sampleEvents(1), signal());
    expect(receiver.acknowledged[0]!.headers['x-api-key']).toBe(secretValue);
    expect(receiver.acknowledged[0]!.headers.authorization).toBeUndefined();
  });

  it('retries 5xx, 408 and 429 (honouring Retry-After), and 401/403/404, but refuses other 4xx for good', async () => {
    const t = make();
    for (const [status, permanent] of [[500, false], [503, false], [408, false], [429, false], [401, false], [403, false], [404, false], [400, true], [413, true], [422, true]] as const) {
      receiver.behave = () => ({ status, ...(status === 429 ? { retryAfter: '7' } : {}) });
      const e = await failure(t.deliver(sampleEvents(1), signal()));
      expect(e.permanent, String(status)).toBe(permanent);
      expect(e.message).toContain(String(status));
      if (status === 429) expect(e.retryAfterMs).toBe(7000);
    }
    expect(receiver.acknowledged).toHaveLength(0);
  });

  it('fails transiently when the receiver hangs past the timeout, cuts its answer, or refuses connections', async () => {
    const t = make({ timeoutMs: 300 });
    receiver.behave = () => 'hang';
    expect((await failure(t.deliver(sampleEvents(1), signal()))).permanent).toBe(false);
    receiver.behave = () => 'cut';
    expect((await failure(t.deliver(sampleEvents(1), signal()))).permanent).toBe(false);
    await receiver.refuse();
    const refused = await failure(t.deliver(sampleEvents(1), signal()));
    expect(refused.permanent).toBe(false);
    expect(refused.message).toMatch(/127\.0\.0\.1/);
  });

  it('names a missing secret without any value, and never puts the value in an error', async () => {
    const e = await failure(make({ authSecret: 'no-such-secret' }).deliver(sampleEvents(1), signal()));
    expect(e.permanent).toBe(false);
    expect(e.message).toContain('no-such-secret');
    receiver.behave = () => ({ status: 400 });
    const refused = await failure(make({ authSecret: 'siem-token' }).deliver(sampleEvents(1), signal()));
    expect(refused.message).not.toContain('s3cr3t');
  });

  it('refuses URLs that are not allowed, naming the field', () => {
    const issues = (config: Record<string, unknown>) => {
      const r = ocsfHttpTransport.configSchema.safeParse(config);
      return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    };
    expect(issues({ url: 'https://siem.example.com/ingest' })).toEqual([]);
    expect(issues({ url: 'http://siem.example.com/ingest' })[0]).toMatchObject({ path: 'url', message: expect.stringContaining('https') });
    expect(issues({ url: 'http://127.0.0.1:9/ingest' })[0]).toMatchObject({ path: 'url' });
    expect(issues({ url: 'http://127.0.0.1:9/ingest', allowPrivateHost: true })).toEqual([]);
    expect(issues({ url: 'http://10.0.0.5/ingest', allowPrivateHost: true })[0]).toMatchObject({ path: 'url', message: expect.stringContaining('loopback') });
    expect(issues({ url: 'https://10.0.0.5/ingest' })[0]).toMatchObject({ path: 'url', message: expect.stringContaining('allowPrivateHost') });
    expect(issues({ url: 'https://10.0.0.5/ingest', allowPrivateHost: true })).toEqual([]);
    expect(issues({ url: 'https://169.254.169.254/latest', allowPrivateHost: true })[0]).toMatchObject({ path: 'url' });
    expect(issues({ url: 'https://user:pw@siem.example.com/' })[0]).toMatchObject({ path: 'url', message: expect.stringContaining('credentials') });
    expect(issues({ url: 'https://siem.example.com/', authSecret: 'Not A Name' })[0]).toMatchObject({ path: 'authSecret' });
    expect(issues({ url: 'https://siem.example.com/', timeoutMs: 5 })[0]).toMatchObject({ path: 'timeoutMs' });
    expect(issues({ url: 'https://siem.example.com/', extra: 1 })[0]!.message).toMatch(/unrecognized/i);
  });
});
