/** `trellis gateway quotas show|set` as a user runs it: a separate process against a server on a loopback port. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trellis } from '../../test/run-cli.ts';
import type { RunningServer } from '../server.ts';
import { startTestServer } from '../../test/server.ts';

describe('trellis gateway quotas', () => {
  let server: RunningServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    ({ server, env } = await startTestServer('gateway-cli'));
  });
  afterAll(() => server.close());

  it('shows the defaults, sets one quota and keeps the others, restores a default, refuses a non-number', async () => {
    const shown = await trellis(['gateway', 'quotas', 'show', 'leave-requests'], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^requests per minute\s+600 \(default\)\s+used 0$/m);
    const set = await trellis(['gateway', 'quotas', 'set', 'leave-requests', '--requests-per-minute', '120', '--records-per-day', '5000'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^requests per minute\s+120\s+used 0$/m);
    expect(set.stdout).toMatch(/^records per day\s+5000\s+used 0$/m);
    const again = await trellis(['gateway', 'quotas', 'set', 'leave-requests', '--records-per-day', 'default'], env);
    expect(again.stdout).toMatch(/^requests per minute\s+120\s+used 0$/m);
    expect(again.stdout).toMatch(/^records per day\s+1000000 \(default\)/m);
    const json = JSON.parse((await trellis(['--output', 'json', 'gateway', 'quotas', 'show', 'leave-requests'], env)).stdout) as { overrides: unknown };
    expect(json.overrides).toEqual({ requestsPerMinute: 120, recordsPerDay: null, bytesPerDay: null });
    const bad = await trellis(['gateway', 'quotas', 'set', 'leave-requests', '--bytes-per-day', 'lots'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('"lots" is not a whole number');
  });
});
