import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';

// A Luhn-valid card number built for the test (not a known test value).
function luhnComplete(prefix: string): string {
  const digits = prefix.split('').map(Number);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits[digits.length - 1 - i]!;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return prefix + String((10 - (sum % 10)) % 10);
}

describe('DLP over the API', () => {
  let t: TestApp;
  const card = luhnComplete('453201511283036');
  beforeAll(async () => {
    t = await makeTestApp(testDatabases[0]!);
  });
  afterAll(() => t.close());

  it('scans text and returns spans, never the values', async () => {
    const text = `contact jane.doe@northwind-mail.com, card ${card}`;
    const res = await t.as('builder', { method: 'POST', url: '/api/v1/dlp/scan', payload: { text } });
    expect(res.statusCode).toBe(200);
    const entities = (res.json().findings as { entity: string; start: number; end: number }[]).map((f) => f.entity);
    expect(entities).toEqual(expect.arrayContaining(['EMAIL_ADDRESS', 'CREDIT_CARD']));
    expect(res.body).not.toContain(card);
    expect(res.body).not.toContain('jane.doe@northwind-mail.com');
  });

  it('says how many documented test values it left out of the findings', async () => {
    const text = 'contact test@example.com, key AKIAIOSFODNN7EXAMPLE';
    const res = await t.as('builder', { method: 'POST', url: '/api/v1/dlp/scan', payload: { text } });
    expect(res.json()).toEqual({ findings: [], count: 0, test_values_suppressed: 2 });
    const shown = await t.as('builder', { method: 'POST', url: '/api/v1/dlp/scan', payload: { text, include_test_values: true } });
    expect(shown.json()).toMatchObject({ count: 2, test_values_suppressed: 0 });
  });

  it('audits each scan and transform with the caller and counts by entity, never the input or the values', async () => {
    const email = 'rosa.vidal@northwind-mail.com';
    const text = `mail ${email}, card ${card}, mail again ops.lead@northwind-mail.com`;
    expect((await t.as('builder', { method: 'POST', url: '/api/v1/dlp/scan', payload: { text } })).statusCode).toBe(200);
    const plan = { rules: [{ entity: 'EMAIL_ADDRESS', operator: { type: 'mask' } }, { entity: 'CREDIT_CARD', operator: { type: 'tokenize' } }] };
    expect((await t.as('reviewer', { method: 'POST', url: '/api/v1/dlp/transform', payload: { text, plan } })).statusCode).toBe(200);
    const [scanned] = await t.services.audit.list({ action: 'dlp.scan', limit: 1, desc: true });
    const [transformed] = await t.services.audit.list({ action: 'dlp.transform', limit: 1, desc: true });
    expect(scanned!.event).toMatchObject({ class_uid: 2006, actor: { user: { name: 'test-builder', role: 'builder' } }, unmapped: { input: 'text', characters: text.length, count: 3, entities: { EMAIL_ADDRESS: 2, CREDIT_CARD: 1 } } });
    expect(transformed!.event).toMatchObject({ actor: { user: { role: 'reviewer' } }, unmapped: { count: 3, entities: { EMAIL_ADDRESS: 2, CREDIT_CARD: 1 }, operators: { mask: 2, tokenize: 1 } } });
    for (const e of [scanned!, transformed!]) {
      const stored = JSON.stringify(e);
      for (const secret of [email, card, 'ops.lead@northwind-mail.com', text]) expect(stored).not.toContain(secret);
    }
  });

  it('scans a record using catalog field tags', async () => {
    const res = await t.as('auditor', { method: 'POST', url: '/api/v1/dlp/scan', payload: { record: { employees: [{ email: 'not-an-address', note: 'ok' }] }, field_tags: { 'employees[*].email': 'pii.email', 'employees.email': 'pii.email' } } });
    expect(res.statusCode).toBe(200);
    // The tag decides: the value is no address, yet the field is declared to hold one.
    expect(res.json().findings).toEqual([expect.objectContaining({ entity: 'EMAIL_ADDRESS', path: '$.employees[0].email', tag: 'pii.email' })]);
    const untagged = await t.as('auditor', { method: 'POST', url: '/api/v1/dlp/scan', payload: { record: { employees: [{ email: 'not-an-address', note: 'ok' }] } } });
    expect(untagged.json().findings).toEqual([]);
  });

  it('masks under a plan, and refuses the privileged clearance to roles that cannot detokenize', async () => {
    const plan = { default: { type: 'redact' }, rules: [{ entity: 'CREDIT_CARD', operator: { type: 'mask', keepLast: 4 } }] };
    const res = await t.as('builder', { method: 'POST', url: '/api/v1/dlp/transform', payload: { text: `card ${card} on file`, plan } });
    expect(res.statusCode).toBe(200);
    const value = res.json().value as string;
    expect(value).not.toContain(card);
    expect(value).toContain(card.slice(-4));
    const priv = await t.as('builder', { method: 'POST', url: '/api/v1/dlp/transform', payload: { text: 'x', plan, clearance: 'privileged' } });
    expect(priv.statusCode).toBe(403);
  });

  it('rejects an invalid plan and a request with both text and record, naming the problem', async () => {
    const bad = await t.as('builder', { method: 'POST', url: '/api/v1/dlp/transform', payload: { text: 'x', plan: { rules: [{ entity: 'card', operator: { type: 'explode' } }] } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('validation_failed');
    const both = await t.as('builder', { method: 'POST', url: '/api/v1/dlp/scan', payload: { text: 'x', record: {} } });
    expect(both.statusCode).toBe(400);
  });

  it('tests a custom detector, and a hostile pattern finishes quickly', async () => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/dlp/detectors/test', payload: { detector: { id: 'project-code', entity: 'PROJECT_CODE', pattern: 'PRJ-[0-9]{4}' }, positive: ['see PRJ-1234'], negative: ['PRJ-12'] } });
    expect(res.statusCode).toBe(200);
    const hostile = await t.as('admin', { method: 'POST', url: '/api/v1/dlp/detectors/test', payload: { detector: { id: 'evil', entity: 'EVIL', pattern: '(a+)+$' }, positive: ['a'.repeat(50_000) + '!'] } });
    expect(hostile.statusCode).toBe(200);
    const invalid = await t.as('admin', { method: 'POST', url: '/api/v1/dlp/detectors/test', payload: { detector: { id: 'bad', entity: 'BAD', pattern: '(unclosed' } } });
    expect(invalid.statusCode).toBe(400);
  });

  it('reveals tokenized and encrypted values to admins only, with the reason audited and no value logged', async () => {
    const email = 'rosa.vidal@northwind-mail.com';
    const text = `card ${card}, mail ${email}`;
    const plan = { rules: [{ entity: 'CREDIT_CARD', operator: { type: 'tokenize' } }, { entity: 'EMAIL_ADDRESS', operator: { type: 'encrypt' } }] };
    const res = await t.as('builder', { method: 'POST', url: '/api/v1/dlp/transform', payload: { text, plan } });
    expect(res.statusCode, res.body).toBe(200);
    // `applied` spans are the input's; the output keeps the text around each replacement.
    const [, token = '', sealed = ''] = /^card (\S+), mail (\S+)$/.exec((res.json() as { value: string }).value) ?? [];
    expect(token).toMatch(/^[0-9]{16}$/);
    expect(token).not.toBe(card);
    const items = [{ value: token, entity: 'CREDIT_CARD', operator: 'tokenize' }, { value: sealed, entity: 'EMAIL_ADDRESS', operator: 'encrypt' }];

    expect((await t.as('builder', { method: 'POST', url: '/api/v1/dlp/reveal', payload: { items, reason: 'case 4711' } })).statusCode).toBe(403);
    const noReason = await t.as('admin', { method: 'POST', url: '/api/v1/dlp/reveal', payload: { items } });
    expect(noReason.statusCode).toBe(400);
    const revealed = await t.as('admin', { method: 'POST', url: '/api/v1/dlp/reveal', payload: { items, reason: 'chargeback case 4711' } });
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(revealed.json()).toEqual({ items: [{ value: card }, { value: email }] });

    // Encryption is bound to the entity: the wrong one fails, naming the item but not its value.
    const wrong = await t.as('admin', { method: 'POST', url: '/api/v1/dlp/reveal', payload: { items: [{ value: sealed, entity: 'PHONE_NUMBER', operator: 'encrypt' }], reason: 'test' } });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'reveal_failed', errors: [{ path: 'items[0].value' }] });
    expect(wrong.body).not.toContain(sealed);

    const events = await t.services.audit.list({ action: 'dlp.reveal', limit: 10 });
    expect(events.map((e) => e.event.status)).toEqual(['Success', 'Failure']);
    const trail = JSON.stringify(events);
    expect(trail).toContain('chargeback case 4711');
    expect(trail).not.toContain(card);
    expect(trail).not.toContain(email);
  });
});
