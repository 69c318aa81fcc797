/**
 * `trellis dlp detectors …` against a real server on a loopback port, each command a separate
 * process: a detector file is tested, added, activated (then used by the server's scans),
 * guarded against stale edits, deactivated and deleted, with the documented exit codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trellis } from './run-cli.ts';
import type { RunningServer } from '../src/server.ts';
import { startTestServer } from './server.ts';

const good = `detector:
  id: project-code
  entity: PROJECT_CODE
  terms: [bluebird, nightjar]
positive:
  - "the bluebird launch"
negative:
  - "a blue bird"
`;

describe('trellis dlp detectors', () => {
  let server: RunningServer;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    ({ server, env, dataDir: dir } = await startTestServer('detectors'));
    writeFileSync(join(dir, 'good.yaml'), good);
    writeFileSync(join(dir, 'failing.yaml'), good.replace('"a blue bird"', '"the nightjar memo"'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ detector: { id: 'bad', entity: 'X', pattern: '(?<=a)b' } }));
  });
  afterAll(() => server.close());

  const scanned = async (text: string) => {
    const r = await fetch(`${server.url}/api/v1/dlp/scan`, { method: 'POST', headers: { authorization: `Bearer ${env.TRELLIS_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    return ((await r.json()) as { findings: { detector: string }[] }).findings.map((f) => f.detector);
  };

  it('tests a file without storing it, exiting 1 when a sample fails', async () => {
    const ok = await trellis(['dlp', 'detectors', 'test', join(dir, 'good.yaml')], env);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain('all pass');
    const failing = await trellis(['dlp', 'detectors', 'test', join(dir, 'failing.yaml')], env);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('negative[0]: matched');
    const bad = await trellis(['dlp', 'detectors', 'add', join(dir, 'bad.json')], env);
    expect(bad.code).toBe(1); // the server found the definition invalid
    expect(bad.stderr).toContain('detector.pattern');
    expect((await trellis(['--output', 'json', 'dlp', 'detectors', 'list'], env)).stdout).toContain('"items": []');
  });

  it('adds and activates; the server scans with it from then on', async () => {
    expect(await scanned('the bluebird launch')).toEqual([]);
    const added = await trellis(['dlp', 'detectors', 'add', join(dir, 'good.yaml'), '--activate'], env);
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toContain('status: active');
    expect(await scanned('the bluebird launch')).toEqual(['custom:project-code']);
    const list = await trellis(['dlp', 'detectors', 'list'], env);
    expect(list.stdout).toMatch(/project-code\s+active\s+2\s+PROJECT_CODE\s+1\+\/1-\s+pass/);
  });

  it('runs the server\'s active detectors in a local scan with --server-detectors, for a token with dlp:scan alone', async () => {
    const created = await trellis(['--output', 'json', 'tokens', 'create', '--name', 'scanner', '--role', 'builder'], env);
    const builder = { ...env, TRELLIS_TOKEN: (JSON.parse(created.stdout) as { token: string }).token };
    expect((await trellis(['dlp', 'detectors', 'list'], builder)).code).toBe(4); // dlp:read is not needed…
    const file = join(dir, 'memo.txt');
    writeFileSync(file, 'notes from the bluebird launch\n');
    expect(await trellis(['dlp', 'scan', file], builder)).toMatchObject({ code: 0, stdout: 'no findings\n' });
    const withServer = await trellis(['--output', 'jsonl', 'dlp', 'scan', '--server-detectors', file], builder); // …dlp:scan is
    expect(withServer.code).toBe(1);
    expect(withServer.stderr).toContain(`note: 1 active custom detector from ${server.url} included`);
    expect(JSON.parse(withServer.stdout)).toMatchObject({ detector: 'custom:project-code', entity: 'PROJECT_CODE', start: 15, end: 23 });
    expect((await trellis(['dlp', 'scan', '--server-detectors', file], { ...env, TRELLIS_TOKEN: '' })).code).toBe(4);
  });

  it('refuses a stale update and an update that fails the samples', async () => {
    const stale = await trellis(['dlp', 'detectors', 'update', join(dir, 'good.yaml'), '--if-version', '1'], env);
    expect(stale.code).toBe(6);
    const failing = await trellis(['dlp', 'detectors', 'update', join(dir, 'failing.yaml'), '--if-version', '2'], env);
    expect(failing.code).not.toBe(0);
    expect(failing.stderr).toContain('negative[0]');
    expect((await trellis(['dlp', 'detectors', 'show', 'project-code'], env)).stdout).toContain('version: 2');
  });

  it('deactivates and deletes', async () => {
    expect((await trellis(['dlp', 'detectors', 'deactivate', 'project-code'], env)).stdout).toContain('project-code: disabled (version 3)');
    expect(await scanned('the bluebird launch')).toEqual([]);
    expect((await trellis(['dlp', 'detectors', 'delete', 'project-code'], env)).code).toBe(0);
    expect((await trellis(['dlp', 'detectors', 'show', 'project-code'], env)).code).toBe(3);
  });

  it('reveals a tokenized value through `dlp reveal`, which insists on a reason', async () => {
    const phone = '+44 20 7946 0321';
    const r = await fetch(`${server.url}/api/v1/dlp/transform`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.TRELLIS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: `call ${phone} today`, plan: { rules: [{ entity: 'PHONE_NUMBER', operator: { type: 'tokenize' } }] } }),
    });
    const value = ((await r.json()) as { value: string }).value;
    const token = value.slice('call '.length, value.length - ' today'.length);
    expect(token).not.toBe(phone);
    expect(token).toMatch(/^\+\d\d \d\d \d{4} \d{4}$/); // shape preserved
    const noReason = await trellis(['dlp', 'reveal', '--entity', 'PHONE_NUMBER', '--operator', 'tokenize', token], env);
    expect(noReason.code).toBe(2);
    const shown = await trellis(['dlp', 'reveal', '--entity', 'PHONE_NUMBER', '--operator', 'tokenize', '--reason', 'callback request 88', token], env);
    expect(shown).toMatchObject({ code: 0, stdout: `${phone}\n` });
  });
});
