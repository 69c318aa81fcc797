/**
 * `trellis apps register|update|validate` speak about a bad manifest the same way: one
 * FILE:LINE:COLUMN formatter, a "did you mean" for a misspelt field, and a taken name answered
 * with the `apps update` command to run instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trellis } from './run-cli.ts';
import type { RunningServer } from '../src/server.ts';
import { startTestServer } from './server.ts';

const example = fileURLToPath(new URL('../../../examples/leave-requests/trellis.yaml', import.meta.url));

describe('trellis apps: errors', () => {
  let server: RunningServer;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    ({ server, env, dataDir: dir } = await startTestServer('apps-errors'));
  });
  afterAll(() => server.close());

  it('register and validate print a bad manifest\'s errors in one format, suggesting the field meant', async () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, readFileSync(example, 'utf8').replace('  owner:', '  ownr:'));
    const validate = await trellis(['apps', 'validate', '--local', '-f', file], env);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(`${file}:11:3: spec.ownr: unknown field "ownr"; did you mean \`owner\`?`);
    const register = await trellis(['apps', 'register', '-f', file], env);
    expect(register.code).toBe(1);
    expect(register.stderr).toBe(`error: ${file} is not a valid manifest:\n${validate.stdout}`);
  });

  it('a name already registered points at apps update', async () => {
    // The app binds the HR connector, which an admin defines first.
    expect((await trellis(['connectors', 'apply', '-f', example.replace('trellis.yaml', 'hr-connector.yaml')], env)).code).toBe(0);
    expect((await trellis(['apps', 'register', '-f', example], env)).code).toBe(0);
    const again = await trellis(['apps', 'register', '-f', example], env);
    expect(again.code).toBe(6);
    expect(again.stderr).toBe(`error: an app named leave-requests is already registered\nhint: to store this file as its next version: trellis apps update leave-requests -f ${example}\n`);
    expect(again.stderr).not.toContain('PUT');
  });
});
