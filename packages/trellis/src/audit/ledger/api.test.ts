/**
 * The ledger as people reach it: the REST routes (roles, problem documents) and `trellis audit
 * key|checkpoint|checkpoints|prove|verify --file --key` run as separate processes against a
 * loopback server, checking what it returns with nothing but the verifier key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trellis } from '../../../test/run-cli.ts';
import type { RunningServer } from '../../server.ts';
import { startTestServer } from '../../../test/server.ts';
import { makeTestApp, type TestApp } from '../../../test/app.ts';
import { testDatabases } from '../../../test/databases.ts';
import { parseVkey } from './signed-note.ts';
import { verifyInclusionDocument, type InclusionProofDocument } from './proof-verify.ts';

describe('ledger routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(testDatabases[0]!);
  });
  afterAll(() => t.close());

  it('serves the key, signs on request (admin only), and proves inclusion', async () => {
    const key = (await t.as('auditor', { method: 'GET', url: '/api/v1/audit/key' })).json<{ vkey: string; algorithm: string }>();
    expect(key.algorithm).toBe('Ed25519');
    expect((await t.as('auditor', { method: 'POST', url: '/api/v1/audit/checkpoints' })).statusCode).toBe(403);
    const empty = await t.as('auditor', { method: 'GET', url: '/api/v1/audit/checkpoints/latest' });
    if (empty.statusCode === 404) expect(empty.json()).toMatchObject({ code: 'not_found', detail: expect.stringContaining('no checkpoint') });
    // Something to sign: the token creations of the test app are events already.
    const made = await t.as('admin', { method: 'POST', url: '/api/v1/audit/checkpoints' });
    expect([200, 201]).toContain(made.statusCode);
    const latest = (await t.as('auditor', { method: 'GET', url: '/api/v1/audit/checkpoints/latest' })).json<{ tree_size: number; note: string }>();
    expect(latest.tree_size).toBeGreaterThan(0);
    const proof = await t.as('viewer', { method: 'GET', url: '/api/v1/audit/proofs/inclusion?seq=1' });
    expect(proof.statusCode).toBe(403);
    const doc = (await t.as('auditor', { method: 'GET', url: '/api/v1/audit/proofs/inclusion?seq=1' })).json<InclusionProofDocument>();
    expect(verifyInclusionDocument(doc, parseVkey(key.vkey))).toMatchObject({ ok: true });
    const verify = (await t.as('auditor', { method: 'GET', url: '/api/v1/audit/verify' })).json<{ ok: boolean; ledger: { ok: boolean; checkpoints: number } }>();
    expect(verify).toMatchObject({ ok: true, ledger: { ok: true, checkpoints: 1 } });
  });

  it('answers bad proof requests with problem documents naming the field', async () => {
    const cases: [string, number, string][] = [
      ['/api/v1/audit/proofs/inclusion?seq=0', 400, 'seq'],
      ['/api/v1/audit/proofs/inclusion?seq=abc', 400, 'seq'],
      ['/api/v1/audit/proofs/inclusion', 400, 'seq'],
      ['/api/v1/audit/proofs/inclusion?seq=999999', 404, 'seq'],
      ['/api/v1/audit/proofs/inclusion?seq=1&tree_size=999999', 404, 'tree_size'],
      ['/api/v1/audit/proofs/consistency?from=999999', 404, 'from'],
      ['/api/v1/audit/proofs/consistency?from=1&to=99999999999999999999', 400, 'to'],
      ['/api/v1/audit/checkpoints/0', 400, 'size'],
    ];
    for (const [url, status, field] of cases) {
      const r = await t.as('auditor', { method: 'GET', url });
      expect(r.statusCode, url).toBe(status);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(r.json()), url).toContain(field);
    }
  });
});

describe('trellis audit ledger commands', () => {
  let server: RunningServer;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
  beforeAll(async () => {
    ({ server, env } = await startTestServer('audit-ledger-cli'));
  });
  afterAll(() => server.close());

  it('exports the trail and verifies it offline with the verifier key, and proves an event included', async () => {
    const vkey = await trellis(['audit', 'key', '--vkey'], env);
    expect(vkey.code).toBe(0);
    const keyFile = join(dir, 'trellis.vkey');
    writeFileSync(keyFile, vkey.stdout);
    const cp = await trellis(['audit', 'checkpoint'], env);
    expect(cp.code).toBe(0);
    expect(cp.stdout).toMatch(/signed checkpoint of \d+ events/);
    const list = await trellis(['audit', 'checkpoints', '-o', 'json'], env);
    expect(JSON.parse(list.stdout)).toHaveLength(1);
    const out = join(dir, 'trail.jsonl');
    expect((await trellis(['audit', 'export', '--out', out], env)).code).toBe(0);
    const ok = await trellis(['audit', 'verify', '--file', out, '--key', keyFile]);
    expect(ok.stdout).toMatch(/audit chain intact: .*1 checkpoint\(s\), anchored to event \d+/);
    expect(ok.code).toBe(0);
    // Cut the last event off: the checkpoint names what is missing.
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, lines.slice(0, -1).join('\n') + '\n');
    const bad = await trellis(['audit', 'verify', '--file', cut, '--key', keyFile]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/NOT OK: .*were removed/);
    const proofFile = join(dir, 'proof.json');
    const prove = await trellis(['audit', 'prove', '--seq', '1', '--key', keyFile, '--out', proofFile], env);
    expect(prove.stdout).toMatch(/^proof verified: event 1 is included/);
    // Offline, from the saved document, no server: and a doctored one fails.
    expect((await trellis(['audit', 'prove', '--proof-file', proofFile, '--key', keyFile])).code).toBe(0);
    const doc = JSON.parse(readFileSync(proofFile, 'utf8')) as InclusionProofDocument;
    (doc.record.event as { message: string }).message = 'nothing happened';
    writeFileSync(proofFile, JSON.stringify(doc));
    const forged = await trellis(['audit', 'prove', '--proof-file', proofFile, '--key', keyFile]);
    expect(forged.code).toBe(1);
    expect(forged.stdout).toMatch(/proof FAILED: event 1 does not hash/);
    expect((await trellis(['audit', 'prove', '--seq', '1', '--from', '2'], env)).code).toBe(2);
  });
});
