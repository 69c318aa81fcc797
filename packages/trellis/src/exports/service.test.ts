/**
 * The export gate on both databases, with real receivers on loopback: the golden path's Slack
 * export delivered to an HTTP server standing in for Slack and blocked when it carries an SSN
 * (a Data Security Finding naming the type, never the value); e-mail through an SMTP server;
 * files; quarantine and its release or discard; undeclared, unconfigured and oversized exports
 * refused; a failing receiver is a 502 with nothing acknowledged; who may do what.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { systemActor } from '../auth/index.ts';
import { startReceiver, type Receiver } from '../webhooks/test-receiver.ts';
import type { AppError } from '../errors.ts';
import type { ExportApp, SendInput } from './service.ts';
import { approvedApp } from '../../test/gateway-fixture.ts';
import { appYaml, connectorYaml, yaml } from '../../test/leave-requests.ts';

const app: ExportApp = {
  name: 'leave-requests',
  status: 'approved',
  classification: 'restricted',
  owner: 'user:ana.hr@example.com',
  exports: [
    { destination: 'slack', target: '#hr-leave', fields: ['name', 'leave_balance'] },
    { destination: 'email', target: 'hr-leads@northwind-hr.com', fields: ['name', 'leave_balance'] },
    { destination: 'file', target: 'leave-balances', fields: ['name', 'leave_balance'] },
    { destination: 'slack', target: '#hr-unconfigured', fields: ['name'] },
  ],
  fieldTags: new Map([
    ['name', ['pii.name']],
    ['leave_balance', ['confidential']],
  ]),
};
const subject = { id: 'usr_7', subject: 'user:jonas.berg@northwind-hr.com', clearance: 'confidential' };
const records = [
  { name: 'Marta Okafor', leave_balance: 12 },
  { name: 'Jonas Berg', leave_balance: 4 },
];
const ssn = '512-44-8231';

interface SmtpInbox {
  port: number;
  messages: { from: string; to: string[]; data: string }[];
  close(): Promise<void>;
}

async function startSmtp(): Promise<SmtpInbox> {
  const messages: SmtpInbox['messages'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e as AppError,
  );
  if (!err) throw new Error('expected a refusal');
  return err;
}

for (const tdb of testDatabases) {
  describe(`export gate (${tdb.name})`, () => {
    let t: TestApp;
    let slack: Receiver;
    let smtp: SmtpInbox;
    let dir: string;
    const send = (patch: Partial<SendInput> = {}) => t.services.exports.send({ app, subject, destination: 'slack', target: '#hr-leave', payload: { records }, srcIp: '10.0.0.9', ...patch });
    const events = async (action: string) => (await t.services.audit.list({ action, limit: 100 })).map((r) => r.event);

    beforeAll(async () => {
      t = await makeTestApp(tdb);
      slack = await startReceiver();
      smtp = await startSmtp();
      dir = await mkdtemp(join(tmpdir(), 'trellis-exports-'));
      // Slack's incoming-webhook URL is a credential: it lives in the secret store.
      await t.services.secrets.put({ actor: systemActor }, 'hr-slack-webhook', { value: slack.url });
      const add = (payload: Record<string, unknown>) => t.as('admin', { method: 'POST', url: '/api/v1/export-destinations', payload });
      const first = await add({ destination: 'slack', target: '#hr-leave', secret: 'hr-slack-webhook', allowPrivateHost: true, description: 'leave digest' });
      expect(first.statusCode, first.body).toBe(201);
      expect((await add({ destination: 'email', target: 'hr-leads@northwind-hr.com', smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'trellis@northwind-hr.com' }, allowPrivateHost: true })).statusCode).toBe(201);
      expect((await add({ destination: 'file', target: 'leave-balances', directory: dir })).statusCode).toBe(201);
    });
    afterAll(async () => {
      await slack.close();
      await smtp.close();
      await rm(dir, { recursive: true, force: true });
      await t.close();
    });
    beforeEach(() => {
      slack.requests.length = 0;
      slack.script.length = 0;
    });

    it('delivers the golden path export to the Slack receiver and audits the delivery (6003)', async () => {
      const result = await send({ payload: { records, text: 'Leave balances for this week' } });
      expect(result).toMatchObject({ outcome: 'delivered', detected: expect.arrayContaining([]) as unknown });
      expect(result.delivery_id).toMatch(/^exp_[0-9a-f]{20}$/);
      expect(slack.requests).toHaveLength(1);
      const body = JSON.parse(slack.requests[0]!.body) as { text: string };
      expect(body.text).toBe('Leave balances for this week\nname: Marta Okafor · leave_balance: 12\nname: Jonas Berg · leave_balance: 4');
      const delivered = (await events('export.deliver')).find((e) => (e.unmapped as { delivery_id?: string }).delivery_id === result.delivery_id)!;
      expect(delivered).toMatchObject({ class_uid: 6003, status: 'Success', actor: { user: { uid: 'leave-requests', type: 'service', uid_alt: subject.subject } } });
      expect(delivered.unmapped).toMatchObject({ destination: 'slack', target: '#hr-leave', records: 2, secrets: [{ name: 'hr-slack-webhook', version: 1 }] });
      expect(JSON.stringify(delivered)).not.toContain(slack.url);
    });

    it('blocks the same export carrying an SSN: 403 with the policy message, a 2006 finding naming the type, never the value', async () => {
      const err = await refusal(send({ payload: { records, text: `Marta's SSN is ${ssn}, please update payroll` } }));
      expect(err.code).toBe('export_blocked');
      expect(err.status).toBe(403);
      expect(err.extra).toMatchObject({ messages: ['export to slack #hr-leave includes fields tagged pii.ssn (text), which never leave through an export'], detected: ['pii.ssn'] });
      expect(slack.requests).toHaveLength(0);
      const [finding] = (await events('export.blocked')).slice(-1);
      expect(finding).toMatchObject({ class_uid: 2006, status: 'Failure', resources: [{ type: 'app', uid: 'leave-requests' }, { type: 'export_destination' }] });
      expect(finding!.unmapped).toMatchObject({ app: 'leave-requests', subject: subject.subject, destination: 'slack', detected: ['pii.ssn'], entities: { US_SSN: 1 } });
      const trail = JSON.stringify(await t.services.audit.list({ limit: 1000 }));
      expect(trail).not.toContain(ssn);
      expect(err.message).not.toContain(ssn);
    });

    it('blocks an export carrying a credential: every secret finding is the catalog tag `secret`, which the pack never lets leave', async () => {
      // Built at run time from random characters: a realistic AWS access key id, not a documented sample.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
      const keyId = 'AKIA' + Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
      const err = await refusal(send({ payload: { records, text: `deploy with aws_access_key_id=${keyId}` } }));
      expect(err.code).toBe('export_blocked');
      expect(err.extra).toMatchObject({ detected: ['secret'] });
      expect(slack.requests).toHaveLength(0);
      expect(JSON.stringify(await t.services.audit.list({ limit: 1000 }))).not.toContain(keyId);
    });

    it('sends e-mail through the SMTP relay, with the records attached', async () => {
      const result = await send({ destination: 'email', target: 'hr-leads@northwind-hr.com', payload: { records } });
      expect(result.outcome).toBe('delivered');
      expect(smtp.messages).toHaveLength(1);
      const m = smtp.messages[0]!;
      expect(m.from).toBe('trellis@northwind-hr.com');
      expect(m.to).toEqual(['hr-leads@northwind-hr.com']);
      expect(m.data).toContain('Subject: Export from leave-requests');
      expect(m.data).toContain('name: Marta Okafor');
      expect(m.data).toContain(`filename=leave-requests-${result.delivery_id!}.json`);
    });

    it('writes a file as <app>/<date>/<uuid>.json under the configured directory', async () => {
      const result = await send({ destination: 'file', target: 'leave-balances', payload: { records } });
      expect(result.outcome).toBe('delivered');
      const day = new Date().toISOString().slice(0, 10);
      const files = await readdir(join(dir, 'leave-requests', day));
      expect(files.filter((f) => /^[0-9a-f-]{36}\.json$/.test(f))).toHaveLength(1);
      expect(files.filter((f) => f.endsWith('.tmp'))).toHaveLength(0);
      const doc = JSON.parse(await readFile(join(dir, 'leave-requests', day, files[0]!), 'utf8')) as Record<string, unknown>;
      expect(doc).toMatchObject({ id: result.delivery_id, app: 'leave-requests', destination: 'file', target: 'leave-balances', records });
    });

    it('holds an export carrying a date of birth for review; a reviewer releases it and it is delivered', async () => {
      const text = 'Welcome lunch for Marta Okafor, date of birth: 1990-03-14';
      const held = await send({ payload: { text } });
      expect(held).toMatchObject({ outcome: 'quarantined', messages: ['export to slack #hr-leave includes fields tagged pii.dob (text), which leave only after review'] });
      expect(slack.requests).toHaveLength(0);
      const id = held.quarantine_id!;
      const finding = (await events('export.quarantined')).find((e) => (e.unmapped as { quarantine_id?: string }).quarantine_id === id);
      expect(finding).toMatchObject({ class_uid: 2006, unmapped: { quarantine_id: id, detected: ['pii.dob'] } });
      expect(JSON.stringify(finding)).not.toContain('1990-03-14');

      const list = await t.as('auditor', { method: 'GET', url: '/api/v1/exports/quarantine?status=held' });
      expect(list.statusCode).toBe(200);
      expect(list.json<{ items: { id: string }[] }>().items.map((i) => i.id)).toContain(id);
      expect(list.body).not.toContain('1990-03-14');
      expect((await t.as('auditor', { method: 'POST', url: `/api/v1/exports/quarantine/${id}/release`, payload: { reason: 'HR-1201' } })).statusCode).toBe(403);

      const released = await t.as('reviewer', { method: 'POST', url: `/api/v1/exports/quarantine/${id}/release`, payload: { reason: 'HR-1201 birthday lunch, consented' } });
      expect(released.statusCode).toBe(200);
      expect(released.json()).toMatchObject({ id, status: 'released', reason: 'HR-1201 birthday lunch, consented', delivery_id: expect.stringMatching(/^exp_/) as unknown });
      expect(JSON.parse(slack.requests[0]!.body)).toEqual({ text });
      const again = await t.as('reviewer', { method: 'POST', url: `/api/v1/exports/quarantine/${id}/release`, payload: { reason: 'twice' } });
      expect(again.json()).toMatchObject({ status: 409, code: 'export_quarantine_closed' });
      expect(await events('export.release')).toHaveLength(1);
    });

    it('keeps a held export in the queue when its release fails, and releases it on the next try', async () => {
      const held = await send({ payload: { text: 'Cleo, date of birth 1992-06-30, joins the Finance team' } });
      const url = `/api/v1/exports/quarantine/${held.quarantine_id!}`;
      slack.script.push(503);
      const failed = await t.as('reviewer', { method: 'POST', url: `${url}/release`, payload: { reason: 'HR-1300' } });
      expect(failed.json()).toMatchObject({ status: 502, code: 'export_delivery_failed' });
      expect((await t.as('auditor', { method: 'GET', url })).json()).toMatchObject({ status: 'held', last_error: 'the export was not delivered: slack #hr-leave: the receiver answered HTTP 503' });
      // A release cut off mid-way (its replica stopped) blocks others for a while, then may be taken over.
      const db = t.services.database.db;
      await db.updateTable('export_quarantine').set({ status: 'releasing', decided_at: new Date().toISOString() }).where('id', '=', held.quarantine_id!).execute();
      expect((await t.as('reviewer', { method: 'POST', url: `${url}/release`, payload: { reason: 'HR-1300' } })).json()).toMatchObject({ status: 409, code: 'export_quarantine_closed' });
      await db.updateTable('export_quarantine').set({ decided_at: new Date(Date.now() - 10 * 60_000).toISOString() }).where('id', '=', held.quarantine_id!).execute();
      const ok = await t.as('reviewer', { method: 'POST', url: `${url}/release`, payload: { reason: 'HR-1300' } });
      expect(ok.json()).toMatchObject({ status: 'released', last_error: null });
      expect(slack.requests).toHaveLength(2);
    });

    it('discards a held export: the payload is gone, the record stays', async () => {
      const held = await send({ payload: { text: 'Jonas Berg, DOB 1987-11-02, asks for parental leave' } });
      expect(held.outcome).toBe('quarantined');
      const res = await t.as('admin', { method: 'POST', url: `/api/v1/exports/quarantine/${held.quarantine_id!}/discard`, payload: { reason: 'not needed in the channel' } });
      expect(res.json()).toMatchObject({ status: 'discarded', delivery_id: null });
      const row = await t.services.database.db.selectFrom('export_quarantine').select(['payload_sealed']).where('id', '=', held.quarantine_id!).executeTakeFirstOrThrow();
      expect(row.payload_sealed).toBeNull();
      expect(slack.requests).toHaveLength(0);
    });

    it('refuses an export the manifest does not declare, one without a configured delivery, and an oversized one', async () => {
      const undeclared = await refusal(send({ target: '#general' }));
      expect(undeclared).toMatchObject({ code: 'export_not_declared', status: 403 });
      const unconfigured = await refusal(send({ target: '#hr-unconfigured', payload: { records: [{ name: 'Marta Okafor' }] } }));
      expect(unconfigured).toMatchObject({ code: 'export_destination_not_configured', status: 409 });
      const big = await refusal(send({ payload: { text: 'x'.repeat(1024 * 1024 + 1) } }));
      expect(big).toMatchObject({ code: 'export_too_large', status: 413 });
      expect(await refusal(send({ payload: {} }))).toMatchObject({ code: 'validation_failed', errors: [{ path: 'payload', message: 'give records or text' }] });
      const suspended = await refusal(send({ app: { ...app, status: 'suspended' } }));
      expect(suspended).toMatchObject({ code: 'export_app_inactive', status: 403 });
      expect(slack.requests).toHaveLength(0);
    });

    it('answers 502 when the receiver fails, and audits the failed delivery', async () => {
      slack.script.push(500);
      const err = await refusal(send());
      expect(err).toMatchObject({ code: 'export_delivery_failed', status: 502 });
      expect(err.message).toContain('the receiver answered HTTP 500');
      expect(err.message).not.toContain(slack.url);
      const [failed] = (await events('export.deliver')).filter((e) => e.status === 'Failure').slice(-1);
      expect(failed!.unmapped).toMatchObject({ error: 'slack #hr-leave: the receiver answered HTTP 500' });
    });

    it('reads the declared exports and their fields\' catalog tags from the approved manifest when the caller does not give them', async () => {
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: connectorYaml })).statusCode).toBeLessThan(300);
      await approvedApp(t, appYaml, 'leave-requests');
      const fromCatalog: ExportApp = { name: 'leave-requests', status: 'approved', classification: 'confidential' };
      const result = await send({ app: fromCatalog });
      expect(result.outcome).toBe('delivered');
      const delivered = (await events('export.deliver')).find((e) => (e.unmapped as { delivery_id?: string }).delivery_id === result.delivery_id)!;
      expect((delivered.unmapped as { fields: unknown }).fields).toEqual([
        { name: 'leave_balance', tags: [] },
        { name: 'name', tags: ['pii.name'] },
      ]);
      // The example app declares only its Slack export.
      expect(await refusal(send({ app: fromCatalog, destination: 'email', target: 'hr-leads@northwind-hr.com' }))).toMatchObject({ code: 'export_not_declared' });
    });

    it('refuses a receiver outside the destination\'s allowed hosts (502, nothing sent)', async () => {
      await t.services.secrets.put({ actor: systemActor }, 'hr-slack-redirected', { value: slack.url });
      const added = await t.as('admin', { method: 'POST', url: '/api/v1/export-destinations', payload: { destination: 'slack', target: '#hr-pinned', secret: 'hr-slack-redirected', allowHosts: ['hooks.slack.com'], allowPrivateHost: true } });
      expect(added.json()).toMatchObject({ allowHosts: ['hooks.slack.com'] });
      const pinned: ExportApp = { ...app, exports: [...app.exports!, { destination: 'slack', target: '#hr-pinned', fields: ['name'] }] };
      const err = await refusal(send({ app: pinned, target: '#hr-pinned', payload: { text: 'hello' } }));
      expect(err).toMatchObject({ code: 'export_delivery_failed', status: 502 });
      expect(err.message).toContain('egress_host_not_allowed');
      expect(slack.requests).toHaveLength(0);
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/export-destinations', payload: { destination: 'slack', target: '#x', secret: 'hr-slack-redirected', allowHosts: ['not a host'] } })).statusCode).toBe(400);
      expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/export-destinations/${added.json<{ id: string }>().id}` })).statusCode).toBe(204);
    });

    it('manages destinations by permission: admins configure, reviewers and auditors read, builders neither', async () => {
      const list = await t.as('reviewer', { method: 'GET', url: '/api/v1/export-destinations' });
      expect(list.statusCode).toBe(200);
      const items = list.json<{ items: { id: string; destination: string; target: string; secret?: string }[] }>().items;
      expect(items.map((d) => `${d.destination} ${d.target}`)).toEqual(['email hr-leads@northwind-hr.com', 'file leave-balances', 'slack #hr-leave']);
      expect(list.body).not.toContain(slack.url);
      expect((await t.as('builder', { method: 'GET', url: '/api/v1/export-destinations' })).statusCode).toBe(403);
      expect((await t.as('reviewer', { method: 'POST', url: '/api/v1/export-destinations', payload: { destination: 'file', target: 'x', directory: '/tmp' } })).statusCode).toBe(403);
      const dup = await t.as('admin', { method: 'POST', url: '/api/v1/export-destinations', payload: { destination: 'slack', target: '#hr-leave', secret: 'hr-slack-webhook' } });
      expect(dup.json()).toMatchObject({ status: 409, code: 'export_destination_exists' });
      const bad = await t.as('admin', { method: 'POST', url: '/api/v1/export-destinations', payload: { destination: 'file', target: 'x', directory: 'relative/dir' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('directory');
      const missing = await t.as('admin', { method: 'POST', url: '/api/v1/export-destinations', payload: { destination: 'teams', target: 'HR leads', secret: 'hr-teams-webhook' } });
      expect(missing.json()).toMatchObject({ status: 400, errors: [{ path: 'secret', message: 'no such secret in the secret store' }] });
      await t.services.secrets.put({ actor: systemActor }, 'hr-teams-webhook', { value: 'https://northwind.webhook.office.com/webhookb2/7f3a' });
      const teams = await t.as('admin', { method: 'POST', url: '/api/v1/export-destinations', payload: { destination: 'teams', target: 'HR leads', secret: 'hr-teams-webhook' } });
      expect(teams.statusCode).toBe(201);
      const id = teams.json<{ id: string }>().id;
      expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/export-destinations/${id}` })).statusCode).toBe(204);
      expect((await t.as('admin', { method: 'GET', url: `/api/v1/export-destinations/${id}` })).statusCode).toBe(404);
      expect((await events('export_destination.delete')).some((e) => e.resources[0]!.uid === id)).toBe(true);
    });
  });
}
