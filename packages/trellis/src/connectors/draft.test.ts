/**
 * Drafting a connector from PostgreSQL. The pure steps (name hints, finding → tag, failure
 * messages) run everywhere; the draft itself runs against the machine's real PostgreSQL
 * (TRELLIS_TEST_DATABASE_URL), in a schema of fake people created here and dropped after.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl } from '../../test/databases.ts';
import { AppError } from '../errors.ts';
import { describeFailure, draftFromPostgres, hintedTags, introspect, sample } from './draft.ts';
import { tagOfFinding } from '../dlp/index.ts';
import { quoteIdent } from '../db/pg-sql.ts';
import { parseConnectorText } from './manifest.ts';

describe('draft: name hints, tags and failures', () => {
  it('reads tags from column names, whole or by their last words', () => {
    expect(hintedTags('email', 'orders')).toEqual([{ tag: 'pii.email', hint: 'email' }]);
    expect(hintedTags('managerEmail', 'orders')).toEqual([{ tag: 'pii.email', hint: 'email' }]);
    expect(hintedTags('EMPLOYEE_SSN', 'x')).toEqual([{ tag: 'pii.ssn', hint: 'ssn' }]);
    expect(hintedTags('annual_salary', 'x')).toEqual([{ tag: 'confidential', hint: 'salary' }]);
    expect(hintedTags('password_hash', 'x').map((h) => h.tag)).toEqual(['secret']);
    expect(hintedTags('emailed_at', 'x')).toEqual([]);
    // A plain `name` is a person's only in a table of people.
    expect(hintedTags('name', 'employees')).toEqual([{ tag: 'pii.name', hint: 'name' }]);
    expect(hintedTags('name', 'departments')).toEqual([]);
  });

  it('maps engine findings to catalog tags; every secret is `secret`', () => {
    const f = (entity: string, kind: 'pii' | 'secret' | 'custom', tag?: string) => ({ entity, kind, tag, start: 0, end: 1, confidence: 1, detector: 'x' });
    expect(tagOfFinding(f('EMAIL_ADDRESS', 'pii', 'pii.email'))).toBe('pii.email');
    expect(tagOfFinding(f('CREDIT_CARD', 'pii'))).toBe('pci.pan');
    expect(tagOfFinding(f('SECRET', 'secret', 'secret.stripe'))).toBe('secret');
    expect(tagOfFinding(f('IN_AADHAAR', 'pii', 'pii.national_id'))).toBe('pii.national_id');
    expect(tagOfFinding(f('EMPLOYEE_BADGE', 'custom'))).toBe('pii.employee_badge');
    expect(tagOfFinding(f('Weird Entity!', 'custom'))).toBeUndefined();
  });

  it('says what failed without the URL or its credentials', () => {
    expect(describeFailure({ code: '28P01', message: 'password authentication failed for user "hr_reader"' })).toBe('the database refused the credentials in the URL');
    expect(describeFailure({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.9:5432' })).toBe('the database host refused the connection');
    expect(describeFailure({ code: 'XX000', message: 'postgres://u:hunter2@h/db' })).toBe('the database returned an error (SQLSTATE XX000)');
    expect(describeFailure(new Error('postgres://u:hunter2@h/db'))).toBe('the database could not be reached or read');
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
  });

  it('refuses a URL that is not PostgreSQL, without repeating it', async () => {
    for (const url of ['mysql://u:hunter2@h/db', 'not a url hunter2']) {
      const err = await draftFromPostgres({ name: 'x', url }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('draft_failed');
      expect(JSON.stringify({ message: (err as AppError).message, errors: (err as AppError).errors })).not.toContain('hunter2');
    }
  });

  it('reports a refused connection in its own words', async () => {
    // Port 1 on loopback: nothing listens there.
    const err = (await draftFromPostgres({ name: 'x', url: 'postgres://reader:hunter2@127.0.0.1:1/hr' }).catch((e: unknown) => e)) as AppError;
    expect(err).toMatchObject({ code: 'draft_failed', message: 'the database host refused the connection' });
  });
});

if (postgresUrl) {
  describe('draft from the real PostgreSQL', () => {
    const schema = 'draft_' + randomBytes(5).toString('hex');
    const admin = new pg.Client({ connectionString: postgresUrl });
    const people = [
      ['Ana Lopez', 'ana.lopez@example.com', '078-05-1120', '4111111111111111'],
      ['Bo Chen', 'bo.chen@example.org', '219-09-9999', '5500000000000004'],
      ['Ravi Kumar', 'ravi.kumar@example.net', '536-22-8726', '4012888888881881'],
      ['Mia Jones', 'mia.jones@example.com', '123-45-6789', '378282246310005'],
      ['Lee Park', 'lee.park@example.com', '457-55-5462', '6011111111111117'],
    ];

    beforeAll(async () => {
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      await admin.query(`create table ${schema}.people (id integer primary key, contact text, full_name text, tax_ref text, card text, favourite_colour text, joined_on date, notes text)`);
      await admin.query(`comment on column ${schema}.people.contact is 'How to reach them'`);
      for (const [i, [name, email, ssn, card]] of people.entries()) {
        await admin.query(`insert into ${schema}.people values ($1, $2, $3, $4, $5, $6, $7, $8)`, [i + 1, email, name, ssn, card, ['red', 'blue', 'green'][i % 3], '2020-01-0' + (i + 1), i === 0 ? 'write to ana.lopez@example.com' : null]);
      }
      await admin.query(`create view ${schema}.directory as select id, full_name, contact as email from ${schema}.people`);
      await admin.query(`create table ${schema}.departments (id integer, name text, "Odd Column" text)`);
      await admin.query(`insert into ${schema}.departments values (1, 'Finance', 'x')`);
      await admin.query(`create table ${schema}.assignments (project text, person_id integer, role text, primary key (person_id, project))`);
    });
    afterAll(async () => {
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    });

    it('proposes tags from sampled values and names, with evidence and never the values', async () => {
      const r = await draftFromPostgres({ name: 'hr', url: postgresUrl, schema, owner: 'group:hr-platform', sample: 100 });
      expect(r.resources).toEqual([
        { name: `${schema}.assignments`, kind: 'table', columns: 3, sampled_rows: 0 },
        { name: `${schema}.departments`, kind: 'table', columns: 2, sampled_rows: 1 },
        { name: `${schema}.directory`, kind: 'view', columns: 3, sampled_rows: 5 },
        { name: `${schema}.people`, kind: 'table', columns: 8, sampled_rows: 5 },
      ]);
      const fields = Object.fromEntries(r.manifest.spec.resources.find((x) => x.name === `${schema}.people`)!.fields.map((f) => [f.name, f.tags ?? []]));
      expect(fields).toEqual({ id: [], contact: ['pii.email'], full_name: ['pii.name'], tax_ref: ['pii.ssn'], card: ['pci.pan'], favourite_colour: [], joined_on: [], notes: ['pii.email'] });
      const evidence = (field: string) => r.evidence.filter((e) => e.resource === `${schema}.people` && e.field === field);
      expect(evidence('contact')).toEqual([{ resource: `${schema}.people`, field: 'contact', tag: 'pii.email', source: 'values', entity: 'EMAIL_ADDRESS', matched: 5, sampled: 5, reason: '5 of 5 sampled values matched EMAIL_ADDRESS' }]);
      expect(evidence('tax_ref')[0]).toMatchObject({ tag: 'pii.ssn', entity: 'US_SSN', source: 'values' });
      expect(evidence('card')[0]).toMatchObject({ tag: 'pci.pan', entity: 'CREDIT_CARD', matched: 5 });
      expect(evidence('full_name')).toEqual([expect.objectContaining({ tag: 'pii.name', source: 'name' })]);
      // One note of one: 100% of the non-null values.
      expect(evidence('notes')[0]).toMatchObject({ matched: 1, sampled: 1 });
      expect(r.manifest.spec.resources.find((x) => x.name === `${schema}.directory`)!.fields.find((f) => f.name === 'email')!.tags).toEqual(['pii.email']);
      // A primary key other than [id] becomes the resource's key, in key order; [id] is the default and left unsaid.
      expect(r.manifest.spec.resources.find((x) => x.name === `${schema}.assignments`)!.key).toEqual(['person_id', 'project']);
      expect(r.manifest.spec.resources.find((x) => x.name === `${schema}.people`)!.key).toBeUndefined();
      expect(r.manifest.spec.resources.find((x) => x.name === `${schema}.people`)!.fields.find((f) => f.name === 'contact')!.description).toBe('How to reach them');
      expect(r.warnings).toEqual([`${schema}.departments: column "Odd Column" was left out: a field name has letters, digits, "_", "." and "-" only`]);

      // The YAML is the same manifest, valid as it is, with the evidence as comments and no sampled value.
      const parsed = parseConnectorText(r.yaml);
      expect(parsed).toMatchObject({ ok: true, manifest: r.manifest });
      expect(r.yaml).toContain('# pci.pan: 5 of 5 sampled values matched CREDIT_CARD\n');
      expect(r.yaml).toMatch(/# pii\.email: 5 of 5 sampled values matched EMAIL_ADDRESS\n\s+- name: contact\n/);
      const everything = JSON.stringify(r);
      for (const [name, email, ssn, card] of people) for (const value of [name, email, ssn, card]) expect(everything).not.toContain(value);
      expect(everything).not.toContain(postgresUrl);
    });

    it('drafts only the tables asked for, names only with sample 0, and leaves the database unchanged', async () => {
      const r = await draftFromPostgres({ name: 'hr', url: postgresUrl, schema, tables: ['people'], sample: 0 });
      expect(r.resources).toEqual([{ name: `${schema}.people`, kind: 'table', columns: 8, sampled_rows: 0 }]);
      expect(r.evidence.every((e) => e.source === 'name')).toBe(true);
      expect(r.manifest.spec.owner).toBe('group:hr-owners');
      expect(r.warnings).toContain('spec.owner is a placeholder (group:hr-owners): set the accountable owner');
      expect((await admin.query(`select count(*)::int as n from ${schema}.people`)).rows[0].n).toBe(5);
    });

    it('samples a large table across its pages (TABLESAMPLE), a small one or a view from the start (LIMIT)', async () => {
      await admin.query(`create table ${schema}.events (id integer, email text)`);
      await admin.query(`insert into ${schema}.events select g, 'user' || g || '@example.com' from generate_series(1, 20000) g`);
      await admin.query(`analyze ${schema}.events`);
      const reader = new pg.Client({ connectionString: postgresUrl });
      await reader.connect();
      try {
        const byName = new Map((await introspect(reader, schema, ['events', 'people', 'directory'])).map((r) => [r.name, r]));
        expect(byName.get('events')).toMatchObject({ kind: 'table', sampleable: true, estimatedRows: 20000 });
        const big = await sample(reader, byName.get('events')!, byName.get('events')!.columns, 10);
        expect(big.method).toBe('tablesample');
        expect(big.rows).toHaveLength(10);
        // Pages drawn from across the table: not simply its first ten rows.
        expect(big.rows.map((r) => Number(r[0]))).not.toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
        expect((await sample(reader, byName.get('people')!, byName.get('people')!.columns, 100)).method).toBe('limit');
        expect(await sample(reader, byName.get('directory')!, byName.get('directory')!.columns, 2)).toMatchObject({ method: 'limit', rows: [expect.any(Array), expect.any(Array)] });
      } finally {
        await reader.end();
        await admin.query(`drop table ${schema}.events`);
      }
    });

    it('names a missing schema or table, and a wrong password, without the URL', async () => {
      const fail = (req: Parameters<typeof draftFromPostgres>[0]) => draftFromPostgres(req).then(() => null, (e: unknown) => e as AppError);
      expect(await fail({ name: 'hr', url: postgresUrl, schema: 'no_such_schema' })).toMatchObject({ code: 'draft_failed', message: 'schema "no_such_schema" does not exist in this database' });
      expect(await fail({ name: 'hr', url: postgresUrl, schema, tables: ['people', 'ghosts'] })).toMatchObject({ message: `no table or view named "ghosts" in schema "${schema}"` });
      const missingDb = new URL(postgresUrl);
      missingDb.pathname = '/no_such_database_' + randomBytes(3).toString('hex');
      missingDb.password = 'hunter2';
      const err = await fail({ name: 'hr', url: missingDb.toString(), schema });
      expect(err?.code).toBe('draft_failed');
      expect(err?.message).not.toContain('hunter2');
      expect(err?.message).not.toContain('no_such_database');
    });
  });
}
