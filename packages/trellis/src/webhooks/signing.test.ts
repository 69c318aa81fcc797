/** Signatures against the Standard Webhooks reference vector, and the receiver-side checks. */
import { describe, expect, it } from 'vitest';
import { newSigningSecret, signature, signatureHeader, verifyWebhookSignature } from './signing.ts';

// The reference vector of the Standard Webhooks libraries.
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const timestamp = 1614265330;
const body = '{"test": 2432232314}';

describe('webhook signatures', () => {
  it('match the Standard Webhooks reference vector', () => {
    expect(signature(secret, id, timestamp, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verify within the tolerance and not outside it', () => {
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature(secret, id, timestamp, body) };
    expect(verifyWebhookSignature(secret, headers, body, { nowSeconds: timestamp + 299 })).toEqual({ ok: true, id, timestamp });
    expect(verifyWebhookSignature(secret, headers, Buffer.from(body), { nowSeconds: timestamp - 299 }).ok).toBe(true);
    expect(verifyWebhookSignature(secret, headers, body, { nowSeconds: timestamp + 301 })).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyWebhookSignature(secret, headers, body, { nowSeconds: timestamp + 3000, toleranceSeconds: 3600 }).ok).toBe(true);
  });

  it('refuse a changed body, id or timestamp, and missing or malformed headers', () => {
    const now = { nowSeconds: timestamp };
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature(secret, id, timestamp, body) };
    expect(verifyWebhookSignature(secret, headers, body + ' ', now).ok).toBe(false);
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-id': 'msg_other' }, body, now).ok).toBe(false);
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-timestamp': String(timestamp + 1) }, body, { nowSeconds: timestamp }).ok).toBe(false);
    expect(verifyWebhookSignature(secret, { 'webhook-id': id, 'webhook-timestamp': String(timestamp) }, body, now)).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-timestamp': '1e9' }, body, now)).toEqual({ ok: false, reason: 'bad_timestamp' });
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-signature': 'v2,' + headers['webhook-signature'].slice(3) }, body, now).ok).toBe(false);
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-signature': 'v1,' }, body, now).ok).toBe(false);
  });

  it('accept any one of several signatures, and read a Fetch Headers object', () => {
    const other = newSigningSecret();
    const header = signatureHeader([other, secret], id, timestamp, body);
    expect(header.split(' ')).toHaveLength(2);
    const headers = new Headers({ 'Webhook-Id': id, 'Webhook-Timestamp': String(timestamp), 'Webhook-Signature': header });
    expect(verifyWebhookSignature(secret, headers, body, { nowSeconds: timestamp }).ok).toBe(true);
    expect(verifyWebhookSignature(other, headers, body, { nowSeconds: timestamp }).ok).toBe(true);
    expect(verifyWebhookSignature(newSigningSecret(), headers, body, { nowSeconds: timestamp }).ok).toBe(false);
  });

  it('make secrets of 32 random bytes with the whsec_ prefix', () => {
    const a = newSigningSecret();
    expect(a).toMatch(/^whsec_/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(newSigningSecret()).not.toBe(a);
  });
});
