/**
 * Connector manifests go through the same DLP secret scan as app manifests: a pasted key is
 * refused on validate and apply with its field path and line, nothing is stored, and the key
 * is in no answer. The keys are made at run time in the shape of real ones (not the detectors'
 * documented test values).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomInt } from 'node:crypto';
import { parse } from 'yaml';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { connectorYaml, yaml } from '../../test/leave-requests.ts';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const awsAccessKeyId = () => 'AKIA' + Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
const githubToken = () => 'ghp_' + randomBytes(27).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 36);

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

for (const tdb of testDatabases) {
  describe(`connector manifest secret scan (${tdb.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb);
    });
    afterAll(() => t.close());

    it('passes the example connector, whose credentials are secret-store references', async () => {
      const res = await t.as('builder', { method: 'POST', url: '/api/v1/connectors/validate', headers: yaml, payload: connectorYaml });
      expect(res.json()).toMatchObject({ valid: true, errors: [] });
    });

    it('refuses a pasted key on validate and apply with its path and line, storing nothing', async () => {
      const key = awsAccessKeyId();
      const text = connectorYaml.replace('description: Work e-mail address.', `description: "Work e-mail address. Sync job uses ${key}"`);
      expect(text).toContain(key);
      const line = lineOf(text, key);

      const validated = await t.as('builder', { method: 'POST', url: '/api/v1/connectors/validate', headers: yaml, payload: text });
      expect(validated.statusCode).toBe(200);
      expect(validated.json()).toMatchObject({ valid: false, errors: [{ path: 'spec.resources[0].fields[2].description', line }] });
      expect(validated.body).not.toContain(key);

      const applied = await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: text });
      expect(applied.statusCode).toBe(422);
      expect(applied.json()).toMatchObject({ code: 'manifest_has_credential', errors: [{ path: 'spec.resources[0].fields[2].description', line }] });
      expect(applied.body).not.toContain(key);
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/connectors/hr' })).statusCode).toBe(404);
      await t.services.audit.seal();
      expect(JSON.stringify(await t.services.audit.list({ limit: 10_000 }))).not.toContain(key);
    });

    it('scans a JSON body by value and names the field', async () => {
      const token = githubToken();
      const manifest = parse(connectorYaml) as { metadata: { description: string } };
      manifest.metadata.description = `HR system; deploy token ${token}`;
      const applied = await t.as('admin', { method: 'POST', url: '/api/v1/connectors', payload: manifest });
      expect(applied.statusCode).toBe(422);
      expect(applied.json()).toMatchObject({ code: 'manifest_has_credential', errors: [{ path: 'metadata.description' }] });
      expect(applied.body).not.toContain(token);
    });
  });
}
