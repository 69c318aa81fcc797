/** `trellis audit retention|holds|shred` as a user runs them: separate processes against a loopback server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trellis } from '../../../test/run-cli.ts';
import type { RunningServer } from '../../server.ts';
import { startTestServer } from '../../../test/server.ts';

describe('trellis audit retention, holds and shred', () => {
  let server: RunningServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    ({ server, env } = await startTestServer('audit-retention-cli'));
  });
  afterAll(() => server.close());

  it('sets and shows retention per class', async () => {
    expect(await trellis(['audit', 'retention', 'set', '--default', 'soon'], env)).toMatchObject({ code: 2 });
    const set = await trellis(['audit', 'retention', 'set', '--default', 'forever', '--class', 'api_activity=90', '--class', 'authentication=forever'], env);
    expect(set).toMatchObject({ code: 0 });
    const shown = await trellis(['audit', 'retention', 'show', '-o', 'json'], env);
    expect(JSON.parse(shown.stdout)).toEqual({ default: null, classes: { api_activity: 90, authentication: null } });
    expect((await trellis(['audit', 'retention', 'show'], env)).stdout).toMatch(/api_activity\s+90 days/);
  });

  it('a hold refuses a shred until it is released', async () => {
    const added = await trellis(['audit', 'holds', 'add', '--name', 'case-9', '--reason', 'litigation', '--subject', 'carol@example.com', '-o', 'json'], env);
    expect(added.code).toBe(0);
    const hold = JSON.parse(added.stdout) as { id: string; scope: { subjects: string[] } };
    expect(added.stdout).not.toContain('carol');
    expect((await trellis(['audit', 'holds', 'list'], env)).stdout).toContain('case-9');
    const refused = await trellis(['audit', 'shred', '--subject', 'carol@example.com'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('case-9');
    expect(await trellis(['audit', 'holds', 'release', hold.id, '--reason', 'closed'], env)).toMatchObject({ code: 0 });
    const shred = await trellis(['audit', 'shred', '--subject', 'carol@example.com', '-o', 'json'], env);
    expect(shred.code).toBe(0);
    expect(JSON.parse(shred.stdout)).toMatchObject({ subject_hash: hold.scope.subjects[0] });
  });
});
