/**
 * `trellis connectors …` as a user runs it: separate processes through bin/trellis.js against a
 * server on a loopback port, checking output and exit codes; `draft` against the machine's real
 * PostgreSQL when TRELLIS_TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { trellis } from '../../test/run-cli.ts';
import { postgresUrl } from '../../test/databases.ts';
import type { RunningServer } from '../server.ts';
import { startTestServer } from '../../test/server.ts';

const example = fileURLToPath(new URL('../../../../examples/leave-requests/hr-connector.yaml', import.meta.url));

describe('trellis connectors', () => {
  let server: RunningServer;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trellis-connectors-cli-'));
    ({ server, env } = await startTestServer('connectors-cli'));
  });
  afterAll(() => server.close());

  it('applies the example, lists, shows the field catalog and the versions', async () => {
    const applied = await trellis(['connectors', 'apply', '-f', example], env);
    expect(applied).toMatchObject({ code: 0, stdout: 'created connector hr (version 1)\n' });
    expect((await trellis(['connectors', 'apply', '-f', example], env)).stdout).toBe('hr unchanged (version 1)\n');
    const list = await trellis(['connectors', 'list'], env);
    expect(list.stdout).toMatch(/NAME\s+TYPE\s+STATUS\s+OWNER/);
    expect(list.stdout).toMatch(/^hr\s+postgres\s+active\s+group:hr-platform\s+1\s+3\s+/m);
    const show = await trellis(['connectors', 'show', 'hr'], env);
    expect(show.stdout).toMatch(/^employees\s+email\s+pii\.email\s+internal,confidential,restricted$/m);
    const json = JSON.parse((await trellis(['--output', 'json', 'connectors', 'show', 'hr'], env)).stdout) as { catalog: { resources: unknown[] } };
    expect(json.catalog.resources).toHaveLength(3);
    expect((await trellis(['connectors', 'versions', 'hr'], env)).stdout).toMatch(/^1\s+\S+\s+bootstrap-admin\s+[0-9a-f]{12}$/m);
    expect((await trellis(['connectors', 'show', 'nope'], env)).code).toBe(3);
  });

  it('prints a bad manifest as FILE:LINE:COLUMN errors, exit 1', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: trellis.dev/v1\nkind: Connector\nmetadata:\n  name: x\nspec:\n  type: postgres\n  owner: group:a\n  resources:\n    - name: t\n      fields: [{ name: a, tags: [Bad] }]\n');
    const r = await trellis(['connectors', 'apply', '-f', bad], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:10:34: spec.resources[0].fields[0].tags[0]: must be a data tag`);
    const v = await trellis(['connectors', 'validate', '-f', bad], env);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`${bad}:10:34:`);
  });

  it('retires and reactivates', async () => {
    expect((await trellis(['connectors', 'retire', 'hr', '--reason', 'test'], env)).stdout).toBe('hr is retired\n');
    expect((await trellis(['connectors', 'retire', 'hr'], env)).code).toBe(6);
    expect((await trellis(['connectors', 'reactivate', 'hr'], env)).stdout).toBe('hr is active\n');
  });

  it('needs a database for a draft and never echoes its URL', async () => {
    const none = await trellis(['connectors', 'draft', '--name', 'hr'], { ...env, DATABASE_URL: '' });
    expect(none.code).toBe(2);
    const bad = await trellis(['connectors', 'draft', '--name', 'hr', '--database-url', 'postgres://reader:hunter2@127.0.0.1:1/hr'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('the database host refused the connection');
    expect(bad.stderr + bad.stdout).not.toContain('hunter2');
  });

  if (postgresUrl) {
    it('drafts YAML from the real PostgreSQL that applies as it is', async () => {
      const schema = 'draft_' + randomBytes(5).toString('hex');
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      try {
        await admin.query(`create schema ${schema}; create table ${schema}.employees (id int, email text, salary int, department text)`);
        await admin.query(`insert into ${schema}.employees values (1, 'ana@example.com', 100, 'HR'), (2, 'bo@example.com', 90, 'IT')`);
        const r = await trellis(['connectors', 'draft', '--name', 'hr-db', '--schema', schema, '--owner', 'group:hr-platform'], { ...env, DATABASE_URL: postgresUrl });
        expect(r.code).toBe(0);
        expect(r.stdout).toContain('# pii.email: 2 of 2 sampled values matched EMAIL_ADDRESS\n');
        expect(r.stdout).toContain('tags: [ confidential ]');
        expect(r.stderr).toContain('drafted 1 tables and views, 2 proposed tags');
        const file = join(dir, 'hr-db.yaml');
        writeFileSync(file, r.stdout);
        expect(await trellis(['connectors', 'apply', '-f', file], env)).toMatchObject({ code: 0, stdout: 'created connector hr-db (version 1)\n' });
        const viaServer = await trellis(['--output', 'json', 'connectors', 'draft', '--name', 'hr-db', '--schema', schema, '--via-server', '--database-url', postgresUrl], env);
        expect(JSON.parse(viaServer.stdout)).toMatchObject({ resources: [{ name: `${schema}.employees`, sampled_rows: 2 }] });
      } finally {
        await admin.query(`drop schema if exists ${schema} cascade`);
        await admin.end();
      }
    });
  }
});
