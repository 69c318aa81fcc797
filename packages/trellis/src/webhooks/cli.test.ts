/**
 * `trellis webhooks …` as a user runs it: separate processes through bin/trellis.js against a
 * real server (its delivery worker running) on a loopback port, with a receiver on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trellis } from '../../test/run-cli.ts';
import { startTestServer } from '../../test/server.ts';
import type { RunningServer } from '../server.ts';
import { verifyWebhookSignature } from './index.ts';
import { allowPrivateEnv } from './settings.ts';
import { startReceiver, type Receiver } from './test-receiver.ts';

describe('trellis webhooks', () => {
  let server: RunningServer;
  let env: Record<string, string>;
  let receiver: Receiver;

  beforeAll(async () => {
    // The server runs in this process and reads the setting when its services are made.
    process.env[allowPrivateEnv] = 'true';
    try {
      ({ server, env } = await startTestServer('webhooks-cli'));
    } finally {
      delete process.env[allowPrivateEnv];
    }
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it('creates, tests, lists, rotates, shows deliveries and deletes', async () => {
    const created = await trellis(['--output', 'json', 'webhooks', 'create', '--url', receiver.url, '--event', 'review.*,webhook.test', '--description', 'queue'], env);
    expect(created.code).toBe(0);
    const sub = JSON.parse(created.stdout) as { id: string; secret: string; events: string[] };
    expect(sub.events).toEqual(['review.*', 'webhook.test']);
    expect(sub.secret).toMatch(/^whsec_/);

    const tested = await trellis(['webhooks', 'test', sub.id], env);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/webhook\.test .*: delivered after 1 attempt/);
    expect(verifyWebhookSignature(sub.secret, receiver.requests[0]!.headers, receiver.requests[0]!.body).ok).toBe(true);

    const list = await trellis(['webhooks', 'list'], env);
    expect(list.stdout).toMatch(/ID\s+ENABLED\s+EVENTS/);
    expect(list.stdout).toContain(sub.id);
    expect(list.stdout).not.toContain(sub.secret);

    const shown = await trellis(['webhooks', 'show', sub.id], env);
    expect(shown.stdout).toContain(`url          ${receiver.url}`);
    expect(shown.stdout).not.toContain(sub.secret);

    const rotated = await trellis(['webhooks', 'rotate', sub.id], env);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/signing secret \(shown only now.*\n\s+whsec_/);
    expect(rotated.stdout).toContain('the previous secret keeps signing until');

    const deliveries = await trellis(['webhooks', 'deliveries', sub.id, '--status', 'delivered'], env);
    expect(deliveries.code).toBe(0);
    expect(deliveries.stdout).toMatch(/webhook\.test\s+delivered\s+1\s+200/);
    expect(deliveries.stdout).not.toContain(sub.secret.slice(6));

    expect((await trellis(['webhooks', 'deliveries', sub.id, '--status', 'lost'], env)).code).toBe(2);
    expect((await trellis(['webhooks', 'delete', sub.id], env)).stdout).toContain(`deleted ${sub.id}`);
    expect((await trellis(['webhooks', 'show', sub.id], env)).code).toBe(3);
  });

  it('says which field is wrong when the server refuses a URL', async () => {
    const r = await trellis(['webhooks', 'create', '--url', 'https://user:pw@hooks.example.com/x', '--event', '*'], env);
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toContain('url: must not contain credentials');
  });
});
