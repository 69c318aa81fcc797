/**
 * `trellis secrets …` and `trellis keys …` as a user runs them: separate processes against a
 * real server on loopback. Values come from a file or standard input; `--value` is refused;
 * no command's output carries a value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trellis, trellisBin, type CliRun } from '../../test/run-cli.ts';
import { startTestServer, type TestServer } from '../../test/server.ts';

/** The CLI with `input` on standard input. */
function withStdin(args: string[], env: Record<string, string>, input: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [trellisBin, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(input);
  });
}

describe('trellis secrets and keys', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer('secrets-cli');
  });
  afterAll(() => ts.server.close());

  it('puts from a file and standard input, lists, shows, rotates, lists versions, destroys and deletes; never prints a value', async () => {
    const env = ts.env;
    const first = `pw-${randomBytes(16).toString('hex')}`;
    const second = `pw-${randomBytes(16).toString('hex')}`;
    const file = join(mkdtempSync(join(tmpdir(), 'secrets-cli-')), 'value.txt');
    writeFileSync(file, first + '\n', { mode: 0o600 });
    const outputs: CliRun[] = [];
    const run = async (args: string[], stdin?: string) => {
      const r = stdin === undefined ? await trellis(args, env) : await withStdin(args, env, stdin);
      outputs.push(r);
      return r;
    };

    const put = await run(['secrets', 'put', 'hr-db-admin', '--file', file, '--description', 'HR admin role', '--rotate-every-days', '30', '--overlap-hours', '12']);
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toContain('stored secret hr-db-admin, version 1');
    const piped = await run(['secrets', 'put', 'hr-db-admin'], second + '\n');
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toContain('version 2');

    const generated = await run(['--output', 'json', 'secrets', 'put', 'app-token', '--generated']);
    expect(generated.code, generated.stderr).toBe(0);
    expect(JSON.parse(generated.stdout)).toMatchObject({ name: 'app-token', kind: 'generated', current_version: 1 });

    const list = await run(['secrets', 'list']);
    expect(list.stdout).toMatch(/NAME\s+KIND\s+VERSION/);
    expect(list.stdout).toMatch(/hr-db-admin\s+static\s+2\s+30d/);
    const shown = await run(['secrets', 'show', 'hr-db-admin']);
    expect(shown.stdout).toContain('every 30 days, previous valid 12 h');

    const rotated = await run(['secrets', 'rotate', 'app-token']);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain('rotated secret app-token to version 2');
    const needsValue = await run(['secrets', 'rotate', 'hr-db-admin']);
    // Refused by the server (400): the CLI cannot know the kind.
    expect(needsValue.code).toBe(1);
    expect(needsValue.stderr).toContain('give its new value');

    const versions = await run(['secrets', 'versions', 'hr-db-admin']);
    expect(versions.stdout).toMatch(/2\s+active/);
    expect(versions.stdout).toMatch(/1\s+previous/);
    const destroyed = await run(['secrets', 'destroy-version', 'hr-db-admin', '1']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    const current = await run(['secrets', 'destroy-version', 'hr-db-admin', '2']);
    expect(current.code).toBe(6);

    const deleted = await run(['secrets', 'delete', 'app-token']);
    expect(deleted.stdout).toContain('deleted secret app-token');
    expect((await run(['secrets', 'show', 'app-token'])).code).toBe(3);

    for (const o of outputs) {
      expect(o.stdout + o.stderr).not.toContain(first);
      expect(o.stdout + o.stderr).not.toContain(second);
    }
  });

  it('refuses a value given as an argument, before contacting the server', async () => {
    const r = await trellis(['secrets', 'put', 'leaky', '--value', 'hunter2-but-longer'], { ...ts.env, TRELLIS_SERVER: 'http://127.0.0.1:9' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing --value');
    expect(r.stderr).not.toContain('hunter2-but-longer');
    const rotate = await trellis(['secrets', 'rotate', 'leaky', '--value', 'x'], ts.env);
    expect(rotate.code).toBe(2);
  });

  it('shows key status and rewraps', async () => {
    await withStdin(['secrets', 'put', 'for-keys'], ts.env, 'value-for-keys');
    const status = await trellis(['keys', 'status'], ts.env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/root key\s+[0-9a-f]{16} \(sealed under master key [0-9a-f]{16}\)/);
    expect(status.stdout).toContain('TRELLIS_PREVIOUS_MASTER_KEYS can be removed');
    const json = JSON.parse((await trellis(['--output', 'json', 'keys', 'status'], ts.env)).stdout) as { current_master_key_id: string; data_keys: { master_key_id: string; count: number }[] };
    expect(json.data_keys).toEqual([{ master_key_id: json.current_master_key_id, count: expect.any(Number) as number }]);
    const rewrap = await trellis(['keys', 'rewrap'], ts.env);
    expect(rewrap.code, rewrap.stderr).toBe(0);
    expect(rewrap.stdout).toContain('re-wrapped 0 data keys');
  });
});
