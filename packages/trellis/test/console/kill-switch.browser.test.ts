/**
 * The kill switch in a real browser. The golden path's leave-requests app is approved through the
 * API, with a client secret, a token, a database lease (the machine's PostgreSQL as the HR
 * database, dynamic credentials) and a configured Slack delivery. A reviewer then finds it on the
 * Kill switch page, sees each thing that will stop named, must type its name to confirm, suspends
 * it and reads the outcome; the API then says it is suspended, its credential gets no token, its
 * old token is refused and its lease is revoked. Reinstating it brings tokens back. A builder and
 * a viewer have no Kill switch at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTestsRun, expectNoSeriousA11yViolations, pageErrors, phone, startConsole, type ConsoleHarness } from './browser.ts';
import { connectedHrConnector, createHrSchema } from '../gateway-fixture.ts';
import { allChecked, appYaml } from '../leave-requests.ts';

const app = 'leave-requests';

describe.runIf(browserTestsRun)('kill switch', () => {
  let h: ConsoleHarness;
  let hr: { schema: string; drop: () => Promise<void> } | undefined;
  let rick: string;
  let client: { id: string; secret: string };
  let accessToken: string;
  let leaseId: string;

  /** POST /oauth/token by client credentials; the raw answer, so a refusal can be asserted. */
  const tokenRequest = () =>
    fetch(`${h.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
  const gatewayRead = (token: string) => fetch(`${h.url}/gw/v1/hr/employees/query`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ fields: ['id', 'name'] }) });

  beforeAll(async () => {
    h = await startConsole('kill-switch');
    hr = await createHrSchema();
    await h.api('PUT', '/api/v1/secrets/hr-db', { value: 'not-needed-with-trust-authentication' });
    await h.api('PUT', '/api/v1/secrets/hr-slack-webhook', { value: 'https://hooks.slack.com/services/T0000/B0000/killswitchtest' });
    await h.api('POST', '/api/v1/connectors', connectedHrConnector(hr.schema, 'dynamic'), { contentType: 'application/yaml' });
    const delivery = await h.api<{ id: string }>('POST', '/api/v1/export-destinations', { destination: 'slack', target: '#hr-leave', secret: 'hr-slack-webhook', allowHosts: ['hooks.slack.com'] });
    expect(delivery.id).toMatch(/^exd_/);

    const ana = await h.tokenFor('builder', 'user:ana.hr@example.com');
    rick = await h.tokenFor('reviewer', 'user:rick.sec@example.com');
    const registered = await h.api<{ status: string }>('POST', '/api/v1/apps', appYaml, { token: ana, contentType: 'application/yaml' });
    if (registered.status !== 'approved') {
      const open = await h.api<{ items: { id: string; app: string }[] }>('GET', '/api/v1/reviews?status=open', undefined, { token: rick });
      const review = open.items.find((r) => r.app === app)!;
      await h.api('POST', `/api/v1/reviews/${review.id}/approve`, { checklist: allChecked }, { token: rick });
    }
    const created = await h.api<{ client_id: string; client_secret: string }>('POST', `/api/v1/apps/${app}/credentials`, { type: 'client_secret' }, { token: ana });
    client = { id: created.client_id, secret: created.client_secret };
    const issued = await tokenRequest();
    expect(issued.status).toBe(200);
    accessToken = ((await issued.json()) as { access_token: string }).access_token;
    // The first read through the gateway makes the app's database lease.
    const read = await gatewayRead(accessToken);
    expect(read.status, await read.clone().text()).toBe(200);
    const leases = await h.api<{ items: { id: string; state: string }[] }>('GET', `/api/v1/leases?app=${app}&state=active`);
    expect(leases.items).toHaveLength(1);
    leaseId = leases.items[0]!.id;
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    await hr?.drop();
  });

  async function chooseApp(page: Page, label: 'App in force' | 'Suspended app') {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Kill switch', exact: true }).click();
    await page.getByRole('heading', { name: 'Kill switch', level: 2 }).waitFor();
    if (label === 'Suspended app') await page.getByText('Suspended', { exact: true }).click();
    const box = page.getByRole('combobox', { name: label, exact: true });
    await box.click();
    await box.fill('leave');
    await page.getByRole('option', { name: `${app} — Leave requests` }).click();
    await page.getByRole('heading', { name: `Leave requests (${app})`, level: 3 }).waitFor();
  }

  it('fits a phone: the chosen app, what stops and its map, with nothing wider than the screen', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage({ token: rick }, phone);
    await page.goto(`${h.url}/console/kill-switch?app=${app}`);
    await page.getByRole('heading', { name: 'What stops when it is suspended', level: 3 }).waitFor();
    await page.getByText(client.id).first().waitFor();
    await page.getByText(leaseId).first().waitFor();
    await page.getByRole('figure', { name: /Data-flow map of leave-requests/ }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await h.screenshot(page, 'phone-chosen');
    await expectNoSeriousA11yViolations(page, 'kill switch on a phone');
    expect(pageErrors(page)).toEqual([]);
  });

  it('names everything that stops, asks for the name, suspends the app, and the API agrees it is stopped', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage({ token: rick });
    await chooseApp(page, 'App in force');
    const stops = page.locator('section', { has: page.getByRole('heading', { name: 'What stops when it is suspended' }) });
    await stops.getByText(client.id).waitFor();
    await stops.getByText(leaseId).waitFor();
    await stops.getByRole('list', { name: 'Connectors' }).getByText('employees (read: id, name, email, leave_balance)', { exact: false }).waitFor();
    await stops.getByRole('list', { name: 'Exports' }).getByText('slack #hr-leave', { exact: false }).waitFor();
    expect(await stops.getByRole('list', { name: 'Exports' }).textContent()).toMatch(/delivers through exd_[0-9a-f]{20}/);
    await stops.getByRole('list', { name: 'Gateway quota' }).getByText(/requests a minute; \d+ used this minute/).waitFor();

    // The map of what it reads: the personal fields are marked in words, not colour alone.
    const map = page.getByRole('figure', { name: /Data-flow map of leave-requests/ });
    await map.getByLabel('Field hr.employees.email, sensitive: restricted (pii.email)').waitFor();
    await page.getByRole('button', { name: /Every flow as a list/ }).click();
    await page.getByText('hr.employees.email → leave-requests: reads; sensitive, restricted (pii.email)').waitFor();
    await h.screenshot(page, 'chosen');
    await expectNoSeriousA11yViolations(page, 'kill switch with an app chosen');

    await page.getByRole('button', { name: `Suspend ${app}…` }).click();
    const dialog = page.getByRole('dialog', { name: `Suspend ${app}?` });
    const named = dialog.getByRole('list', { name: 'What stops' });
    await named.waitFor();
    // An open dialog locks the page's scroll again, and its lock's style element carries the CSP nonce.
    expect(await page.evaluate(() => document.body.hasAttribute('data-scroll-locked'))).toBe(true);
    expect(pageErrors(page)).toEqual([]);
    const text = (await named.textContent()) ?? '';
    expect(text).toContain(`OAuth client ${client.id} is disabled`);
    expect(text).toContain(leaseId);
    expect(text).toContain('hr (employees)');
    expect(text).toContain('slack #hr-leave (delivery exd_');
    expect(text).toMatch(/gateway quota \(\d+ requests a minute/);

    const confirm = dialog.getByRole('button', { name: `Suspend ${app}`, exact: true });
    await dialog.getByLabel('Reason', { exact: false }).fill('Incident 4711: the app leaked leave balances');
    await dialog.getByLabel(`Type ${app} to confirm`, { exact: false }).fill('leave-requestz');
    await dialog.getByText(`That is not ${app}; type the app's name exactly.`).waitFor();
    expect(await confirm.isDisabled()).toBe(true);
    await h.screenshot(page, 'confirm');
    await expectNoSeriousA11yViolations(page, 'the suspend confirmation');
    await dialog.getByLabel(`Type ${app} to confirm`, { exact: false }).fill(app);
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();

    const outcome = page.getByRole('status').filter({ hasText: `${app} is suspended` });
    await outcome.waitFor();
    await outcome.getByText('Status now: suspended (was approved)', { exact: false }).waitFor();
    await outcome.getByText(`${leaseId}: revoked (app ${app} suspended)`, { exact: false }).waitFor();
    await outcome.getByText(`${client.id}: disabled`, { exact: false }).waitFor();
    // Suspended, there is nothing left to suspend; a reviewer may reinstate it.
    expect(await page.getByRole('button', { name: `Suspend ${app}…` }).count()).toBe(0);
    await page.getByRole('button', { name: `Reinstate ${app}…` }).waitFor();
    await h.screenshot(page, 'suspended');
    await expectNoSeriousA11yViolations(page, 'the outcome');

    const after = await h.api<{ status: string }>('GET', `/api/v1/apps/${app}`);
    expect(after.status).toBe('suspended');
    const history = await h.api<{ items: { to: string; reason: string | null }[] }>('GET', `/api/v1/apps/${app}/transitions`);
    expect(history.items.at(-1)).toMatchObject({ to: 'suspended', reason: 'Incident 4711: the app leaked leave balances' });
    const refused = await tokenRequest();
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/invalid_client|unauthorized_client|access_denied/);
    expect((await gatewayRead(accessToken)).status).toBe(401);
    const lease = await h.api<{ state: string }>('GET', `/api/v1/leases/${leaseId}`);
    expect(lease.state).toBe('revoked');
    expect(pageErrors(page)).toEqual([]);
  });

  it('reinstates a suspended app with a reason, and its credential gets tokens again', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage({ token: rick });
    await chooseApp(page, 'Suspended app');
    await page.getByRole('heading', { name: 'What it holds while suspended', level: 3 }).waitFor();
    await page.getByRole('button', { name: `Reinstate ${app}…` }).click();
    const dialog = page.getByRole('dialog', { name: `Reinstate ${app}?` });
    const confirm = dialog.getByRole('button', { name: `Reinstate ${app}`, exact: true });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Reason', { exact: false }).fill('Incident 4711 closed; the leak was fixed');
    await confirm.click();
    await page.getByRole('status').filter({ hasText: `${app} is in force again` }).waitFor();
    await page.getByRole('button', { name: `Suspend ${app}…` }).waitFor();
    await h.screenshot(page, 'reinstated');
    expect((await h.api<{ status: string }>('GET', `/api/v1/apps/${app}`)).status).toBe('approved');
    expect((await tokenRequest()).status).toBe(200);
    // A token voided by the suspension stays void.
    expect((await gatewayRead(accessToken)).status).toBe(401);
    expect(pageErrors(page)).toEqual([]);
  });

  it('gives a builder and a viewer no kill switch at all', { timeout: 60_000 }, async () => {
    for (const role of ['builder', 'viewer'] as const) {
      const page = await h.signedInPage(role);
      const nav = page.getByRole('navigation', { name: 'Pages' });
      await nav.getByRole('link', { name: 'Catalog', exact: true }).waitFor();
      expect(await nav.getByRole('link', { name: 'Kill switch', exact: true }).count(), role).toBe(0);
      await page.goto(`${h.url}/console/kill-switch?app=${app}`);
      await page.getByText('No such page').waitFor();
      expect(await page.getByRole('button', { name: /Suspend/ }).count(), role).toBe(0);
    }
  });
});
