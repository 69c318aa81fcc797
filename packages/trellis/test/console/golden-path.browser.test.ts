/**
 * The golden path through the console, in Debian's Chromium, with real parts only: people sign
 * in through a real OpenID Connect provider (oidc-provider on loopback), the HR database is the
 * machine's PostgreSQL, Slack is a real HTTP receiver on loopback.
 *
 * Ana, an HR analyst (builder), registers the leave-request app in the console and sees it
 * classified restricted and scored; as its owner she has no way to approve it. Rui, a reviewer
 * who signed in with a second factor, approves it from the review queue. The app (played here by
 * the test, as its code would) trades its credential for a token, reads leave balances through
 * the gateway, and has its Slack export carrying an SSN blocked. Rui finds the reads and the
 * blocked export in the audit explorer, verifies the chain, and kills the app with the kill
 * switch; its credential then gets no token. Screenshots of every page visited are saved under
 * .tmp/screenshots/golden-path/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { testDatabases } from '../databases.ts';
import { startSsoTestApp, type TestIdp } from '../sso-idp.ts';
import type { TestApp } from '../app.ts';
import { appYaml, yaml } from '../leave-requests.ts';
import { connectedHrConnector, createHrSchema, putSecret } from '../gateway-fixture.ts';
import { startReceiver, type Receiver } from '../../src/webhooks/test-receiver.ts';
import { browserTestsRun, consoleDist, expectNoSeriousA11yViolations, launchChromium, pageErrors, screenshotDir } from './browser.ts';

const sqlite = testDatabases[0]!;

describe.runIf(browserTestsRun)('the golden path in the console', () => {
  let idp: TestIdp;
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let slack: Receiver;
  let hr: { schema: string; drop: () => Promise<void> };
  let ana: Page;
  let rui: Page;
  let shot = 0;
  const shots = screenshotDir('golden-path');
  const snap = async (page: Page, name: string) => {
    shot++;
    await page.screenshot({ path: join(shots, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };

  /** A new browser context signed in through the IdP as the account given. */
  async function signIn(account: string, ctx?: { amr?: string[] }): Promise<Page> {
    idp.signInAs(account, ctx);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(`${base}/console/`);
    await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 30_000 });
    return page;
  }

  beforeAll(async () => {
    hr = await createHrSchema();
    slack = await startReceiver();
    ({ idp, t, base } = await startSsoTestApp(
      sqlite,
      (p) => {
        p.accounts.set('ana', { email: 'ana.hr@example.com', email_verified: true, name: 'Ana Ferreira', groups: ['hr-analysts'], department: 'HR' });
        p.accounts.set('rui', { email: 'rui.sec@example.com', email_verified: true, name: 'Rui Costa', groups: ['trellis-reviewers'], department: 'Security' });
        return { roleMap: { 'hr-analysts': 'builder', 'trellis-reviewers': 'reviewer' }, amrValues: ['mfa'] };
      },
      { consoleDir: await consoleDist() },
    ));
    // The platform admin's part, through the API: the HR database's connector and its secret,
    // and Slack as an approved export destination.
    await putSecret(t, 'hr-db', 'not-used-under-trust-auth');
    await putSecret(t, 'hr-slack-webhook', slack.url);
    const connector = await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: connectedHrConnector(hr.schema) });
    expect(connector.statusCode, connector.body).toBeLessThan(300);
    await t.services.gateway.refreshConnectors();
    const dest = await t.as('admin', { method: 'POST', url: '/api/v1/export-destinations', payload: { destination: 'slack', target: '#hr-leave', secret: 'hr-slack-webhook', allowPrivateHost: true } });
    expect(dest.statusCode, dest.body).toBe(201);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await idp?.close();
    await slack?.close();
    await hr?.drop();
  });

  it('Ana signs in through the identity provider and registers the leave-request app', { timeout: 120_000 }, async () => {
    ana = await signIn('ana');
    expect(await ana.getByTestId('who').textContent()).toContain('ana.hr@example.com');
    await snap(ana, 'ana-dashboard');
    await ana.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Register an app' }).click();
    await registerThroughTheForm(ana, appYaml);
    await ana.waitForURL(/\/console\/apps\/leave-requests/);
    // Classified from the HR connector's field catalog and scored, on the app's own page.
    const main = ana.getByRole('main');
    await main.getByRole('heading', { name: /Leave requests/, level: 2 }).waitFor();
    await expect.poll(() => main.getByText(/restricted/i).count()).toBeGreaterThan(0);
    await expect.poll(() => main.getByText(/pending review/i).count()).toBeGreaterThan(0);
    await expect.poll(() => main.getByText(/medium/i).count()).toBeGreaterThan(0);
    await snap(ana, 'ana-app-registered');
    await expectNoSeriousA11yViolations(ana, 'the app page');
  });

  it('as its owner, Ana has no way to approve it', { timeout: 60_000 }, async () => {
    await ana.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Review queue' }).click();
    await ana.getByRole('row').filter({ hasText: 'leave-requests' }).click();
    const drawer = ana.getByRole('dialog', { name: 'Review of leave-requests v1' });
    await drawer.getByText('Reviewers decide on this review').waitFor();
    for (const name of ['Approve', 'Reject', 'Request changes']) expect(await ana.getByRole('button', { name }).count(), name).toBe(0);
    await snap(ana, 'ana-review-no-approve');
  });

  it('Rui, a reviewer with a second factor, approves it from the review queue', { timeout: 120_000 }, async () => {
    rui = await signIn('rui', { amr: ['pwd', 'mfa'] });
    await rui.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Review queue' }).click();
    await rui.getByRole('row').filter({ hasText: 'leave-requests' }).click();
    const drawer = rui.getByRole('dialog', { name: 'Review of leave-requests v1' });
    for (const item of ['classification', 'retention', 'connectors', 'isolation', 'monitoring']) await drawer.getByRole('checkbox', { name: new RegExp(`^${item}:`) }).check();
    await drawer.getByRole('textbox', { name: 'Comment' }).fill('Read-only HR data, e-mails masked at the gateway.');
    await snap(rui, 'rui-review');
    await drawer.getByRole('button', { name: 'Approve' }).click();
    await drawer.getByRole('heading', { name: 'Decision', exact: true }).waitFor();
    await drawer.getByRole('button', { name: 'Close the review' }).click();
    await expect.poll(async () => (await t.as('admin', { method: 'GET', url: '/api/v1/apps/leave-requests' })).json().status).toBe('approved');
  });

  let credential: { clientId: string; secret: string };
  let appToken: string;

  it('the app reads leave balances through the gateway and its Slack export with an SSN is blocked', { timeout: 60_000 }, async () => {
    const cred = await t.as('admin', { method: 'POST', url: '/api/v1/apps/leave-requests/credentials', payload: { type: 'client_secret' } });
    expect(cred.statusCode, cred.body).toBe(201);
    const list = await t.as('admin', { method: 'GET', url: '/api/v1/apps/leave-requests/credentials' });
    credential = { clientId: list.json().client_id, secret: cred.json().client_secret };
    appToken = await tokenFor(credential);
    const read = await fetch(`${base}/gw/v1/hr/employees/query`, { method: 'POST', headers: { authorization: `Bearer ${appToken}`, 'content-type': 'application/json' }, body: '{}' });
    expect(read.status).toBe(200);
    const rows = ((await read.json()) as { rows: Record<string, unknown>[] }).rows;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(Object.keys(row)).not.toContain('ssn');
    const blocked = await fetch(`${base}/gw/v1/exports/slack`, { method: 'POST', headers: { authorization: `Bearer ${appToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ target: '#hr-leave', text: 'Leave balances', records: [{ name: 'Marta Okafor', leave_balance: 12, note: 'SSN 512-44-8231' }] }) });
    expect(blocked.status).toBe(403);
    expect(slack.requests).toHaveLength(0);
    await t.services.gateway.flushAudit();
  });

  it('Rui sees the reads and the blocked export in the audit explorer and verifies the chain', { timeout: 120_000 }, async () => {
    await rui.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Audit' }).click();
    const events = rui.getByRole('table', { name: 'Audit events' });
    // Everything about the app: its reads are its Datastore Activity (the gateway names the
    // connector first, the app after it), and its blocked export is found by its action.
    await rui.getByLabel('App', { exact: true }).fill('leave-requests');
    await rui.getByRole('combobox', { name: 'Event class' }).click();
    await rui.getByRole('option', { name: 'Datastore Activity (6005)' }).click();
    await rui.getByRole('button', { name: 'Apply filters' }).click();
    // The list before the filters also shows gateway calls, and it is replaced while the filtered
    // one loads: wait for the filtered list itself, whose only row without a call is the header.
    await events.getByText('gateway.query').first().waitFor();
    await expect.poll(() => events.getByRole('row').filter({ hasNotText: 'gateway.query' }).count(), { timeout: 15_000 }).toBe(1);
    await snap(rui, 'rui-audit-gateway-reads');
    await rui.getByRole('combobox', { name: 'Event class' }).click();
    await rui.getByRole('option', { name: 'Any class' }).click();
    await rui.getByRole('combobox', { name: 'Action' }).fill('export.blocked');
    await rui.getByRole('button', { name: 'Apply filters' }).click();
    await events.getByText('export.blocked').first().waitFor();
    await snap(rui, 'rui-audit-export-blocked');
    await rui.getByRole('tab', { name: 'Integrity' }).click();
    await rui.getByRole('button', { name: 'Verify chain' }).click();
    await rui.getByText('Intact').waitFor();
    await snap(rui, 'rui-audit-verified');
    await expectNoSeriousA11yViolations(rui, 'the audit explorer');
  });

  it('Rui kills the app with the kill switch, and its credential gets no token after', { timeout: 120_000 }, async () => {
    await rui.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Kill switch' }).click();
    await killThroughTheSwitch(rui, 'leave-requests');
    await expect.poll(async () => (await t.as('admin', { method: 'GET', url: '/api/v1/apps/leave-requests' })).json().status).toBe('suspended');
    await snap(rui, 'rui-killed');
    await expect(tokenFor(credential)).rejects.toThrow();
    const after = await fetch(`${base}/gw/v1/hr/employees/query`, { method: 'POST', headers: { authorization: `Bearer ${appToken}`, 'content-type': 'application/json' }, body: '{}' });
    expect([401, 403]).toContain(after.status);
    expect(pageErrors(ana)).toEqual([]);
    expect(pageErrors(rui)).toEqual([]);
  });

  async function tokenFor(app: { clientId: string; secret: string }): Promise<string> {
    const r = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.secret)}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
    });
    const body = (await r.json()) as { access_token?: string; error?: string };
    if (r.status !== 200 || !body.access_token) throw new Error(`token refused: ${r.status} ${body.error ?? ''}`);
    return body.access_token;
  }
});

/** Uploads the manifest as a file on the register page and registers it. */
async function registerThroughTheForm(page: Page, manifest: string): Promise<void> {
  await page.locator('input[type=file]').setInputFiles({ name: 'trellis.yaml', mimeType: 'application/yaml', buffer: Buffer.from(manifest) });
  await page.getByRole('button', { name: 'Register', exact: true }).click();
}

/** Picks the app on the kill-switch page, sees what stops, confirms by typing its name, and suspends it. */
async function killThroughTheSwitch(page: Page, app: string): Promise<void> {
  const box = page.getByRole('combobox', { name: 'App in force', exact: true });
  await box.click();
  await box.fill('leave');
  await page.getByRole('option', { name: `${app} — Leave requests` }).click();
  await page.getByRole('heading', { name: 'What stops when it is suspended', level: 3 }).waitFor();
  await page.getByRole('button', { name: `Suspend ${app}…` }).click();
  const dialog = page.getByRole('dialog', { name: `Suspend ${app}?` });
  await dialog.getByLabel('Reason', { exact: false }).fill('Golden path drill: the app is switched off');
  await dialog.getByLabel(`Type ${app} to confirm`, { exact: false }).fill(app);
  await dialog.getByRole('button', { name: `Suspend ${app}`, exact: true }).click();
  await page.getByRole('status').filter({ hasText: `${app} is suspended` }).waitFor();
}
