/** Connector manifest validation: the rules of docs/connectors.md, with located errors. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConnectorText, validateConnectorValue } from './manifest.ts';

const header = 'apiVersion: trellis.dev/v1\nkind: Connector\nmetadata:\n  name: hr\n';

describe('connector manifests', () => {
  it('accepts the leave-requests example, tags and tiers as written', () => {
    const r = parseConnectorText(readFileSync(new URL('../../../../examples/leave-requests/hr-connector.yaml', import.meta.url), 'utf8'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.manifest.spec.tiers).toEqual(['internal', 'confidential', 'restricted']);
    const employees = r.manifest.spec.resources.find((x) => x.name === 'employees')!;
    expect(employees.fields.find((f) => f.name === 'email')).toMatchObject({ tags: ['pii.email'] });
    expect(employees.fields.find((f) => f.name === 'id')!.tags).toBeUndefined();
    expect(employees.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['id', 'name', 'email', 'leave_balance']));
  });

  it('reports every problem at once, each with its path, line and column', () => {
    const r = parseConnectorText(
      header +
        'spec:\n' +
        '  type: postgres\n' +
        '  owner: nobody\n' +
        '  resources:\n' +
        '    - name: employees\n' +
        '      path: /v1/employees\n' +
        '      fields:\n' +
        '        - name: email\n' +
        '          tags: [PII.Email, pii.email, pii.email]\n' +
        '        - name: email\n' +
        '          colour: red\n',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      { path: 'spec.owner', message: expect.stringContaining('must be a user reference'), line: 7, column: 10 },
      { path: 'spec.resources[0].path', message: expect.stringContaining('is for http connectors'), line: 10, column: 13 },
      { path: 'spec.resources[0].fields[0].tags[0]', message: expect.stringContaining('must be a data tag'), line: 13, column: 18 },
      { path: 'spec.resources[0].fields[0].tags[2]', message: 'duplicate tag "pii.email"', line: 13, column: 40 },
      { path: 'spec.resources[0].fields[1].name', message: 'duplicate field "email"', line: 14, column: 17 },
      { path: 'spec.resources[0].fields[1].colour', message: 'unknown field "colour"', line: 15, column: 11 },
    ]);
  });

  it('requires a path for http resources and refuses postgres-only keys there', () => {
    const r = validateConnectorValue({
      apiVersion: 'trellis.dev/v1',
      kind: 'Connector',
      metadata: { name: 'payroll-api' },
      spec: {
        type: 'http',
        owner: 'group:payroll',
        resources: [
          { name: 'payslips', methods: ['GET'], kind: 'table', fields: [{ name: 'amount', tags: ['confidential'] }] },
          { name: 'employee', path: '/v1/employees/{id}', methods: ['GET', 'GET'], fields: [{ name: 'email', tags: ['pii.email'] }] },
          { name: 'bad-path', path: 'v1/x?q=1', fields: [{ name: 'x' }] },
        ],
      },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.path, e.message])).toEqual([
      ['spec.resources[0].kind', 'is for postgres connectors only (table or view)'],
      ['spec.resources[0].path', 'is required for an http resource (its path template, e.g. /v1/employees/{id})'],
      ['spec.resources[1].methods[1]', 'duplicate method "GET"'],
      ['spec.resources[2].path', expect.stringContaining('must be a path template')],
    ]);
  });

  it("keeps a resource's tiers within the connector's, and caps tags per field", () => {
    const connector = (tiers: string[], tags: string[]) =>
      validateConnectorValue({
        apiVersion: 'trellis.dev/v1',
        kind: 'Connector',
        metadata: { name: 'hr' },
        spec: { type: 'postgres', owner: 'ana@example.com', tiers: ['confidential', 'restricted'], resources: [{ name: 'hr.employees', tiers, fields: [{ name: 'x', tags }] }] },
      });
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `custom.t${i}`);
    expect(connector(['restricted'], tags(20)).ok).toBe(true);
    expect(connector(['public', 'restricted'], tags(20))).toMatchObject({ ok: false, errors: [{ path: 'spec.resources[0].tiers', message: "must be a subset of the connector's tiers (confidential, restricted); public is not" }] });
    expect(connector(['restricted'], tags(21))).toMatchObject({ ok: false, errors: [{ path: 'spec.resources[0].fields[0].tags', message: 'must have at most 20 entries' }] });
  });

  it('accepts wildcard and single-word tags, and refuses NUL, apps, empty and several documents', () => {
    const ok = validateConnectorValue({ apiVersion: 'trellis.dev/v1', kind: 'Connector', metadata: { name: 'x' }, spec: { type: 'postgres', owner: 'group:a', resources: [{ name: 't', fields: [{ name: 'a', tags: ['phi.*', 'secret', 'pii.national_id'] }] }] } });
    expect(ok.ok).toBe(true);
    const nul = validateConnectorValue({ apiVersion: 'trellis.dev/v1', kind: 'Connector', metadata: { name: 'x' }, spec: { type: 'postgres', owner: 'group:a', resources: [{ name: 't', fields: [{ name: 'a', description: 'a\0b' }] }] } });
    expect(nul.ok ? [] : nul.errors).toEqual([{ path: 'spec.resources[0].fields[0].description', message: 'must not contain NUL (U+0000) characters' }]);
    const app = parseConnectorText('apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: x\nspec:\n  owner: a@b.io\n');
    expect(app.ok ? [] : app.errors[0]).toMatchObject({ path: 'kind', message: 'must be "Connector"', line: 2, column: 7 });
    expect(parseConnectorText('')).toMatchObject({ ok: false, errors: [{ path: '', line: 1, column: 1, message: expect.stringContaining('empty') }] });
    expect(parseConnectorText(`${header}---\n${header}`)).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining('one document'), line: 6 }] });
    expect(parseConnectorText('[1, 2]')).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining('not a list') }] });
  });

  it('stops oversized and deeply nested input before validating it', () => {
    expect(parseConnectorText('x'.repeat(800 * 1024))).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining('the limit is') }] });
    expect(parseConnectorText('['.repeat(100))).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining('nests deeper than 64') }] });
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(validateConnectorValue({ spec: deep })).toMatchObject({ ok: false, errors: [{ message: 'is nested deeper than 64 levels' }] });
  });
});
