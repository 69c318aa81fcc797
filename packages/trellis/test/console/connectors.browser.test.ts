/**
 * The Connectors & secrets page in a real browser. An admin applies a connector manifest in the
 * editor (a misspelt key refused at its line, then the fixed one stored), reads its field
 * catalog and versions, retires and reactivates it; stores a secret typed into a password field
 * and rotates it to version 2, with neither value anywhere in the page or the tab's storage;
 * renews and revokes a real database lease (the golden path's app reading the machine's
 * PostgreSQL with dynamic credentials); and reads the master key's status. A reviewer and a
 * viewer see what they may read and no control to change it. The page fits a phone; axe finds
 * no serious violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTestsRun, expectNoSeriousA11yViolations, pageErrors, phone, startConsole, type ConsoleHarness } from './browser.ts';
import { connectedHrConnector, createHrSchema } from '../gateway-fixture.ts';
import { allChecked, appYaml } from '../leave-requests.ts';

const app = 'leave-requests';
const firstValue = 'crm-Key-1st-7f3a9c21d4';
const secondValue = 'crm-Key-2nd-b8e6d02f55';

const payroll = (tagsKey: string) => `apiVersion: trellis.dev/v1
kind: Connector
metadata:
  name: payroll
  title: Payroll API
spec:
  type: http
  owner: group:finance-platform
  resources:
    - name: payslips
      path: /v1/payslips/{id}
      methods: [GET]
      fields:
        - name: id
        - name: iban
          ${tagsKey}: [pii.bank_account]
`;

/**
 * Replaces the manifest editor's text by pasting over all of it: a paste event the editor
 * handles itself, as a person's Ctrl+V is (inserting text into the editable DOM directly would
 * have Chromium copy inline styles, which the CSP refuses and a person never causes).
 */
async function typeManifest(page: Page, text: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: 'Connector manifest (YAML)' });
  await editor.click();
  await page.keyboard.press('Control+A');
  await editor.evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

/** Whether a value appears anywhere a person or a script in the tab could read it. */
async function exposed(page: Page, value: string): Promise<boolean> {
  const html = await page.content();
  const storage = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  return html.includes(value) || storage.includes(value);
}

describe.runIf(browserTestsRun)('connectors & secrets page', () => {
  let h: ConsoleHarness;
  let hr: { schema: string; drop: () => Promise<void> } | undefined;

  beforeAll(async () => {
    h = await startConsole('connectors');
    // The golden path up to a lease: the HR database connected with dynamic credentials, the
    // leave-requests app approved, and its first read through the gateway.
    hr = await createHrSchema();
    await h.api('PUT', '/api/v1/secrets/hr-db', { value: 'not-needed-with-trust-authentication' });
    await h.api('PUT', '/api/v1/secrets/hr-slack-webhook', { value: 'https://hooks.slack.com/services/T0000/B0000/connectorstest' });
    await h.api('POST', '/api/v1/connectors', connectedHrConnector(hr.schema, 'dynamic'), { contentType: 'application/yaml' });
    // The app's manifest declares a Slack export; it is approved only with a destination for it.
    await h.api('POST', '/api/v1/export-destinations', { destination: 'slack', target: '#hr-leave', secret: 'hr-slack-webhook', allowHosts: ['hooks.slack.com'] });
    const ana = await h.tokenFor('builder', 'user:ana.hr@example.com');
    const rick = await h.tokenFor('reviewer', 'user:rick.sec@example.com');
    const registered = await h.api<{ status: string }>('POST', '/api/v1/apps', appYaml, { token: ana, contentType: 'application/yaml' });
    if (registered.status !== 'approved') {
      const open = await h.api<{ items: { id: string; app: string }[] }>('GET', '/api/v1/reviews?status=open', undefined, { token: rick });
      await h.api('POST', `/api/v1/reviews/${open.items.find((r) => r.app === app)!.id}/approve`, { checklist: allChecked }, { token: rick });
    }
    const client = await h.api<{ client_id: string; client_secret: string }>('POST', `/api/v1/apps/${app}/credentials`, { type: 'client_secret' }, { token: ana });
    const basic = Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64');
    const issued = await fetch(`${h.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` }, body: 'grant_type=client_credentials' });
    const { access_token } = (await issued.json()) as { access_token: string };
    const read = await fetch(`${h.url}/gw/v1/hr/employees/query`, { method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ fields: ['id', 'name'] }) });
    expect(read.status, await read.clone().text()).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    await hr?.drop();
  });

  it('applies a connector from the editor, shows its catalog and versions, retires and reactivates it', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin');
    await page.goto(`${h.url}/console/connectors`);
    await page.getByRole('table', { name: 'Connectors' }).getByText('hr', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Apply a manifest' }).click();
    const dialog = page.getByRole('dialog', { name: 'Apply a connector manifest' });
    await typeManifest(page, payroll('tagz'));
    await dialog.getByRole('button', { name: 'Validate' }).click();
    const problems = dialog.getByRole('alert').filter({ hasText: 'problem' });
    await expect.poll(() => problems.textContent()).toMatch(/unknown field "tagz"; did you mean `tags`\?/);
    expect(await problems.textContent()).toMatch(/line 16:11/);
    await expectNoSeriousA11yViolations(page, 'manifest with an error');
    await h.screenshot(page, 'manifest-error');

    await typeManifest(page, payroll('tags'));
    await dialog.getByRole('button', { name: 'Validate' }).click();
    await dialog.getByText('The manifest is valid').waitFor();
    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();

    const drawer = page.getByRole('dialog', { name: 'payroll — Payroll API' });
    const iban = drawer.getByRole('table', { name: 'Fields of payslips' }).getByRole('row').filter({ hasText: 'iban' });
    await expect.poll(() => iban.textContent()).toContain('pii.bank_account');
    expect(await drawer.getByRole('table', { name: 'Fields of payslips' }).getByRole('row').filter({ hasText: 'untagged' }).count()).toBe(1);
    await drawer.getByText('Catalog only').waitFor();
    await drawer.getByRole('table', { name: 'Versions of payroll' }).getByRole('cell', { name: '1', exact: true }).waitFor();
    await drawer.getByRole('button', { name: 'Show the manifest of version 1' }).click();
    await drawer.getByText('"owner": "group:finance-platform"').waitFor();
    await expectNoSeriousA11yViolations(page, 'connector detail');
    await h.screenshot(page, 'connector-detail');

    await drawer.getByRole('button', { name: 'Retire', exact: true }).click();
    const retire = page.getByRole('dialog', { name: 'Retire payroll?' });
    await retire.getByLabel('Reason').fill('replaced by the new HR suite');
    await retire.getByRole('button', { name: 'Retire payroll' }).click();
    await drawer.getByRole('button', { name: 'Reactivate', exact: true }).waitFor();
    expect(await drawer.getByText('retired', { exact: true }).count()).toBeGreaterThan(0);
    expect((await h.api<{ status: string }>('GET', '/api/v1/connectors/payroll')).status).toBe('retired');
    await drawer.getByRole('button', { name: 'Reactivate', exact: true }).click();
    await page.getByRole('dialog', { name: 'Reactivate payroll?' }).getByRole('button', { name: 'Reactivate payroll' }).click();
    await drawer.getByRole('button', { name: 'Retire', exact: true }).waitFor();
    expect((await h.api<{ status: string }>('GET', '/api/v1/connectors/payroll')).status).toBe('active');
    expect(pageErrors(page)).toEqual([]);
  });

  it('stores a secret and rotates it to version 2, never showing either value', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin');
    await page.goto(`${h.url}/console/connectors?tab=secrets`);
    await page.getByRole('table', { name: 'Secrets' }).getByText('hr-db').waitFor();
    await page.getByRole('button', { name: 'New secret' }).click();
    const form = page.getByRole('dialog', { name: 'New secret' });
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('CRM key');
    await form.getByLabel('Description').fill('CRM API key for the sales app');
    await form.getByLabel('Secret value').fill(firstValue);
    await form.getByRole('button', { name: 'Store the secret' }).click();
    // The refused name is named at the Name field; the typed value is cleared, never echoed.
    const name = form.getByRole('textbox', { name: 'Name', exact: true });
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByLabel('Secret value').inputValue()).toBe('');
    await expectNoSeriousA11yViolations(page, 'secret form with an error');

    await name.fill('crm-api-key');
    await form.getByLabel('Secret value').fill(firstValue);
    await form.getByRole('button', { name: 'Store the secret' }).click();
    const drawer = page.getByRole('dialog', { name: 'Secret crm-api-key' });
    await drawer.getByTestId('secret-version-1').waitFor();
    expect(await drawer.getByTestId('secret-version-1').textContent()).toContain('active');
    expect(await exposed(page, firstValue)).toBe(false);
    await h.screenshot(page, 'secret-stored');

    await drawer.getByRole('button', { name: 'Rotate crm-api-key' }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate crm-api-key' });
    await rotate.getByLabel('New value').fill(secondValue);
    await rotate.getByRole('button', { name: 'Store version 2' }).click();
    await expect.poll(() => drawer.getByTestId('secret-version-2').textContent()).toContain('active');
    expect(await drawer.getByTestId('secret-version-1').textContent()).toContain('previous');
    const row = page.getByRole('table', { name: 'Secrets' }).getByTestId('secret-crm-api-key');
    await expect.poll(() => row.getByRole('cell').nth(2).textContent()).toBe('2');
    expect(await exposed(page, firstValue)).toBe(false);
    expect(await exposed(page, secondValue)).toBe(false);
    await expectNoSeriousA11yViolations(page, 'secret versions');
    await h.screenshot(page, 'secret-rotated');
    expect((await h.api<{ current_version: number }>('GET', '/api/v1/secrets/crm-api-key')).current_version).toBe(2);

    // A schedule changes without a new version.
    await drawer.getByRole('button', { name: 'Schedule and description' }).click();
    const schedule = page.getByRole('dialog', { name: 'Schedule of crm-api-key' });
    await schedule.getByLabel('Rotate on a schedule').check();
    await schedule.getByLabel('Every (days)').fill('30');
    await schedule.getByRole('button', { name: 'Save', exact: true }).click();
    await drawer.getByText('every 30 days, 24 h overlap').waitFor();
    expect(await h.api('GET', '/api/v1/secrets/crm-api-key')).toMatchObject({ current_version: 2, rotation: { everyDays: 30, overlapHours: 24 } });
    expect(pageErrors(page)).toEqual([]);
  });

  it('renews and revokes a database lease, and shows the master key', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin');
    await page.goto(`${h.url}/console/connectors?tab=leases`);
    const lease = page.getByRole('table', { name: 'Leases' }).getByRole('row').filter({ hasText: app });
    await expect.poll(() => lease.textContent()).toContain('hr');
    expect(await lease.textContent()).toContain('active');
    const [before] = (await h.api<{ items: { id: string; expires_at: string; renewed_at: string | null }[] }>('GET', `/api/v1/leases?app=${app}&state=active`)).items;
    await lease.getByRole('button', { name: /^Renew lease/ }).click();
    const renew = page.getByRole('dialog', { name: `Renew the lease of ${app}` });
    await renew.getByLabel('New remaining life (minutes)').fill('90');
    await renew.getByRole('button', { name: 'Renew', exact: true }).click();
    await expect.poll(async () => (await h.api<{ renewed_at: string | null }>('GET', `/api/v1/leases/${before!.id}`)).renewed_at).not.toBeNull();
    await expectNoSeriousA11yViolations(page, 'leases');
    await h.screenshot(page, 'leases');

    await lease.getByRole('button', { name: /^Revoke lease/ }).click();
    const revoke = page.getByRole('dialog', { name: `Revoke the lease of ${app}?` });
    await revoke.getByLabel('Reason').fill('laptop lost');
    await revoke.getByRole('button', { name: 'Revoke the lease' }).click();
    await page.getByText('No lease matches these filters').or(page.getByText('No active leases')).waitFor();
    const after = await h.api<{ state: string; revoked_reason: string }>('GET', `/api/v1/leases/${before!.id}`);
    expect(after).toMatchObject({ state: 'revoked', revoked_reason: 'laptop lost' });
    await page.getByLabel('State').selectOption('revoked');
    await expect.poll(() => page.getByRole('table', { name: 'Leases' }).getByRole('row').filter({ hasText: app }).textContent()).toContain('revoked');

    await page.getByRole('tab', { name: 'Master key' }).click();
    await page.getByText('Current master key').waitFor();
    await page.getByRole('table', { name: 'Data keys by master key' }).getByText('current').waitFor();
    await expectNoSeriousA11yViolations(page, 'master key');
    expect(pageErrors(page)).toEqual([]);
  });

  it('gives a reviewer and a viewer what they may read and no control to change it', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('reviewer');
    await page.goto(`${h.url}/console/connectors?connector=hr`);
    const drawer = page.getByRole('dialog', { name: /^hr/ });
    await drawer.getByRole('table', { name: 'Fields of employees' }).waitFor();
    await drawer.getByText('secret hr-db').waitFor();
    expect(await drawer.getByRole('button', { name: 'Retire', exact: true }).count()).toBe(0);
    await drawer.getByRole('button', { name: 'Close' }).click();
    expect(await page.getByRole('button', { name: 'Apply a manifest' }).count()).toBe(0);

    await page.getByRole('tab', { name: 'Secrets' }).click();
    await page.getByRole('table', { name: 'Secrets' }).getByText('hr-db').waitFor();
    for (const name of ['New secret', 'Rotate hr-db']) expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    await page.getByRole('button', { name: 'Open secret hr-db' }).click();
    const secret = page.getByRole('dialog', { name: 'Secret hr-db' });
    await secret.getByTestId('secret-version-1').waitFor();
    for (const name of ['Rotate hr-db', 'Schedule and description', 'Delete', 'Destroy version 1']) expect(await secret.getByRole('button', { name }).count(), name).toBe(0);
    await secret.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('tab', { name: 'Leases' }).click();
    await page.getByLabel('State').selectOption('');
    await page.getByRole('table', { name: 'Leases' }).waitFor();
    expect(await page.getByRole('button', { name: /^(Renew|Revoke) lease/ }).count()).toBe(0);
    expect(await page.getByRole('tab', { name: 'Master key' }).count()).toBe(0);
    await expectNoSeriousA11yViolations(page, 'reviewer view');

    const viewer = await h.signedInPage('viewer');
    await viewer.goto(`${h.url}/console/connectors`);
    await viewer.getByRole('table', { name: 'Connectors' }).waitFor();
    expect(await viewer.getByRole('tab').allTextContents()).toEqual(['Connectors']);
    expect(await viewer.getByRole('button', { name: 'Apply a manifest' }).count()).toBe(0);
    expect(pageErrors(page)).toEqual([]);
    expect(pageErrors(viewer)).toEqual([]);
  });

  it('fits a phone', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin', phone);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.goto(`${h.url}/console/connectors`);
    await page.getByRole('table', { name: 'Connectors' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole('table', { name: 'Connectors' }).getByText('hr', { exact: true }).click();
    await page.getByRole('dialog', { name: /^hr/ }).getByRole('table', { name: 'Fields of employees' }).waitFor();
    await h.screenshot(page, 'phone-connector');
    await expectNoSeriousA11yViolations(page, 'connector on a phone');
    await page.getByRole('dialog', { name: /^hr/ }).getByRole('button', { name: 'Close' }).click();
    await page.getByRole('tab', { name: 'Secrets' }).click();
    await page.getByRole('table', { name: 'Secrets' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await h.screenshot(page, 'phone-secrets');
    expect(pageErrors(page)).toEqual([]);
  });
});
