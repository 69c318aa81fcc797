// transformRecords: the golden path's employee rows under the pack's actions for two callers.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadStandaloneDecider, readBundleDirectory } from '../policy/index.ts';
import { dlpEngine } from '../dlp/index.ts';
import { tagOfFinding } from '../dlp/index.ts';
import { actionForTag, transformRecords, type CatalogField } from './transform.ts';

const dlp = await dlpEngine();
const keys = { hash: randomBytes(32), tokenize: randomBytes(32) };
const ctx = { dlp, keys };

const fields: CatalogField[] = [
  { name: 'id', tags: [] },
  { name: 'name', tags: ['pii.name'] },
  { name: 'email', tags: ['pii.email'] },
  { name: 'ssn', tags: ['pii.ssn'] },
  { name: 'department', tags: ['internal'] },
  { name: 'reason', tags: ['confidential'], freeText: true },
];

const rows = [
  { id: 1, name: 'Marta Okafor', email: 'marta.okafor@northwind-hr.com', ssn: '512-44-8231', department: 'Finance', reason: 'Family visit, call me on marta.home@northwind-hr.com if needed' },
  { id: 2, name: 'Jonas Berg', email: 'jonas.berg@northwind-hr.com', ssn: '623-18-4407', department: 'Finance', reason: 'Moving house' },
];

// What the pack gives a caller without restricted clearance (policies/trellis/gateway).
const masked = { id: 'allow', name: 'mask', email: 'mask', ssn: 'drop', department: 'allow', reason: 'allow', 'tag:pii.*': 'mask', 'tag:pii.ssn': 'drop', 'tag:secret': 'drop', 'tag:secret.*': 'drop', 'tag:*': 'redact' };

describe('transformRecords', () => {
  it('masks tagged fields, drops the SSN and masks the e-mail found in free text', () => {
    const { rows: out, summary } = transformRecords(rows, fields, masked, ctx);
    expect(out[0]).not.toHaveProperty('ssn');
    expect(out[0]!.id).toBe(1);
    expect(out[0]!.department).toBe('Finance');
    expect(out[0]!.email).not.toContain('marta.okafor');
    expect(String(out[0]!.email).endsWith('.com')).toBe(true);
    expect(out[0]!.reason).toMatch(/^Family visit, call me on \S+ if needed$/);
    expect(out[0]!.reason).not.toContain('marta.home');
    expect(out[1]!.reason).toBe('Moving house');
    expect(summary).toMatchObject({ records: 2, fields: { name: 'mask', email: 'mask', ssn: 'drop', reason: 'mask' }, findings: { EMAIL_ADDRESS: 1 } });
    expect(summary.bytes).toBe(Buffer.byteLength(JSON.stringify(out)));
    // the input is left as it was
    expect(rows[0]!.ssn).toBe('512-44-8231');
  });

  it('leaves everything but the dropped SSN in clear for a caller cleared for restricted data', () => {
    const clear = { ...masked, name: 'allow', email: 'allow', 'tag:pii.*': 'allow' };
    const { rows: out, summary } = transformRecords(rows, fields, clear, ctx);
    expect(out[0]).toEqual({ id: 1, name: 'Marta Okafor', email: 'marta.okafor@northwind-hr.com', department: 'Finance', reason: rows[0]!.reason });
    expect(summary.fields).toEqual({ ssn: 'drop' });
    expect(summary.findings).toEqual({ EMAIL_ADDRESS: 1 });
  });

  it('tokenizes reversibly under the DLP tokenization key, with the entity of the field\'s tag', () => {
    const { rows: out } = transformRecords(rows, fields, { ...masked, email: 'tokenize' }, ctx);
    const token = String(out[1]!.email);
    expect(token).not.toBe(rows[1]!.email);
    expect(dlp.detokenize(token, keys.tokenize, 'EMAIL_ADDRESS')).toBe(rows[1]!.email);
  });

  it('hashes deterministically and redacts to an empty string', () => {
    const a = transformRecords(rows, fields, { ...masked, name: 'hash', email: 'redact' }, ctx).rows;
    const b = transformRecords(rows, fields, { ...masked, name: 'hash', email: 'redact' }, ctx).rows;
    expect(a[0]!.name).toMatch(/^[0-9a-f]{16,}$/);
    expect(a[0]!.name).toBe(b[0]!.name);
    expect(a[0]!.email).toBe('');
  });

  it('withholds a tagged field the actions forget, and a JSON value under a transform action', () => {
    const withJson: CatalogField[] = [...fields, { name: 'address', tags: ['pii.address'] }];
    const { rows: out } = transformRecords([{ id: 3, address: { street: 'Brookside 4' } }], withJson, { id: 'allow', address: 'mask' }, ctx);
    expect(out[0]).toEqual({ id: 3, address: null });
    const forgotten = transformRecords([{ id: 4, email: 'ana@northwind-hr.com' }], fields, { id: 'allow' }, ctx).rows[0]!;
    expect(forgotten.email).toBe('');
  });

  it('runs the active custom detectors on free text', () => {
    const detector = dlp.compileCustomDetector({ id: 'leave-case-ref', entity: 'CASE_REF', tag: 'confidential.case', pattern: 'HRC-[0-9]{6}' } as never);
    const { rows: out, summary } = transformRecords([{ id: 5, reason: 'see case HRC-204118' }], fields, { id: 'allow', reason: 'allow', 'tag:confidential.*': 'redact' }, { ...ctx, detectors: [detector] });
    expect(out[0]!.reason).toBe('see case ');
    expect(summary.findings).toEqual({ CASE_REF: 1 });
  });

  it('finds the action of a finding by its most specific tag', () => {
    const actions = { 'tag:pii.*': 'mask', 'tag:pii.ssn': 'drop', 'tag:*': 'allow' };
    expect(actionForTag(actions, 'pii.ssn')).toBe('drop');
    expect(actionForTag(actions, 'pii.email')).toBe('mask');
    expect(actionForTag(actions, 'internal')).toBe('allow');
    expect(actionForTag({}, 'pii.email')).toBe('redact');
    expect(actionForTag({ 'tag:pii.email': 'shred' }, 'pii.email')).toBe('redact');
    expect(tagOfFinding({ entity: 'EMAIL_ADDRESS', tag: 'pii.email', kind: 'pii' })).toBe('pii.email');
    expect(tagOfFinding({ entity: 'SECRET', kind: 'secret' })).toBe('secret');
    expect(tagOfFinding({ entity: 'CASE_REF', kind: 'custom' })).toBe('pii.case_ref');
  });
});

describe('transformRecords under the built-in pack', () => {
  it('applies what data.trellis.gateway.transform gives each caller', async () => {
    const { compilePortable } = await loadStandaloneDecider();
    const pack = fileURLToPath(new URL('../../../../policies/', import.meta.url));
    const limits = { timeoutMs: 1000, maxSteps: 10_000_000 };
    const bundle = compilePortable({ version: null, digest: 'pack', source: { ...readBundleDirectory(pack), regoVersion: 'v1' }, limits });
    const actionsFor = (subject: Record<string, unknown> | null) => {
      const input = { app: { name: 'leave-requests', classification: 'restricted', status: 'approved' }, subject, operation: 'read', connector: 'hr', resource: 'employees', fields: fields.map((f) => f.name), field_tags: Object.fromEntries(fields.map((f) => [f.name, f.tags])) };
      return bundle.policy.query('x := data.trellis.gateway.transform', { input, limits })[0]!.x as Record<string, string>;
    };
    const analyst = transformRecords(rows, fields, actionsFor({ subject: 'user:jonas.berg@northwind-hr.com', clearance: 'internal' }), ctx);
    expect(analyst.summary.fields).toEqual({ name: 'mask', email: 'mask', ssn: 'drop', reason: 'mask' });
    expect(analyst.rows[0]!.reason).not.toContain('marta.home@northwind-hr.com');
    const cleared = transformRecords(rows, fields, actionsFor({ subject: 'user:ana.hr@northwind-hr.com', clearance: 'restricted' }), ctx);
    expect(cleared.summary.fields).toEqual({ ssn: 'drop' });
    expect(cleared.rows[0]!.email).toBe('marta.okafor@northwind-hr.com');
  });
});
