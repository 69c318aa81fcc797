/**
 * `trellis exports …` as a user runs it: separate processes through bin/trellis.js against a
 * real server on a loopback port. Destinations are added (one per kind of delivery), listed and
 * removed; the quarantine commands reach the API (an empty queue, an unknown id refused).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trellis } from '../../test/run-cli.ts';
import { startTestServer } from '../../test/server.ts';
import type { RunningServer } from '../server.ts';
import { destinationBody } from './cli.ts';

describe('trellis exports', () => {
  let server: RunningServer;
  let env: Record<string, string>;
  let dataDir: string;

  beforeAll(async () => {
    ({ server, env, dataDir } = await startTestServer('exports-cli'));
  });
  afterAll(() => server.close());

  it('adds, lists and removes export destinations', async () => {
    const file = join(dataDir, 'hook-url.txt');
    writeFileSync(file, 'https://hooks.slack.com/services/T0NW/B0HR/x7Kq2\n');
    const put = await trellis(['secrets', 'put', 'hr-slack-webhook', '--file', file], env);
    expect(put.code, put.stderr).toBe(0);
    const missing = await trellis(['exports', 'destinations', 'add', '--destination', 'teams', '--target', 'HR leads', '--secret', 'hr-teams-webhook'], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('there is no secret hr-teams-webhook');
    const slack = await trellis(['exports', 'destinations', 'add', '--destination', 'slack', '--target', '#hr-leave', '--secret', 'hr-slack-webhook'], env);
    expect(slack.code, slack.stderr).toBe(0);
    expect(slack.stdout).toMatch(/^configured exd_[0-9a-f]{20}: slack #hr-leave → POST to the URL in secret hr-slack-webhook/);
    const mail = await trellis(['--output', 'json', 'exports', 'destinations', 'add', '--destination', 'email', '--target', 'hr-leads@northwind-hr.com', '--smtp-host', 'smtp.northwind-hr.com', '--from', 'trellis@northwind-hr.com'], env);
    expect(mail.code, mail.stderr).toBe(0);
    const created = JSON.parse(mail.stdout) as { id: string; smtp: { port: number; tls: string } };
    expect(created.smtp).toMatchObject({ port: 587, tls: 'starttls' });

    const list = await trellis(['exports', 'destinations', 'list'], env);
    expect(list.stdout).toMatch(/ID\s+DESTINATION\s+TARGET\s+DELIVERS/);
    expect(list.stdout).toContain('SMTP smtp.northwind-hr.com:587 (starttls) from trellis@northwind-hr.com');
    expect(list.stdout).toContain('#hr-leave');

    const again = await trellis(['exports', 'destinations', 'add', '--destination', 'slack', '--target', '#hr-leave', '--secret', 'hr-slack-webhook'], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('already has a configured delivery');

    const removed = await trellis(['exports', 'destinations', 'remove', created.id], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(`removed ${created.id}\n`);
    expect((await trellis(['exports', 'destinations', 'list'], env)).stdout).not.toContain('smtp.northwind-hr.com');
  });

  it('lists the quarantine and refuses to release an unknown export', async () => {
    const list = await trellis(['--output', 'json', 'exports', 'quarantine', 'list', '--status', 'held'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual({ items: [] });
    const release = await trellis(['exports', 'quarantine', 'release', 'exq_0123456789abcdef0123', '--reason', 'HR-1201'], env);
    expect(release.code).not.toBe(0);
    expect(release.stderr).toContain('no quarantined export exq_0123456789abcdef0123');
    const noReason = await trellis(['exports', 'quarantine', 'discard', 'exq_0123456789abcdef0123'], env);
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toContain("required option '--reason <text>'");
  });

  it('names what a destination of each kind needs', () => {
    expect(() => destinationBody({ destination: 'email', target: 'a@northwind-hr.com' })).toThrow('an email destination needs --smtp-host and --from');
    expect(() => destinationBody({ destination: 'file', target: 'x' })).toThrow('a file destination needs --directory');
    expect(() => destinationBody({ destination: 'teams', target: 'x' })).toThrow('a teams destination needs --secret');
    expect(() => destinationBody({ destination: 'fax', target: 'x' })).toThrow('--destination must be one of slack, teams, webhook, email, file');
    expect(destinationBody({ destination: 'file', target: 'x', directory: '/srv/exports', allowPrivateHost: true })).toEqual({ destination: 'file', target: 'x', directory: '/srv/exports', allowPrivateHost: true });
  });
});
