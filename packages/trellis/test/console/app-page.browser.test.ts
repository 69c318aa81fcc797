/**
 * The app page in a real browser, over an app taken along the golden path through the API: bound
 * to a connector field tagged as personal data, queued for review, approved by a reviewer, given a
 * credential, then updated. Each tab shows what a person checks: ownership, risk factors, the
 * policy's messages and the status history; the manifest, its versions and a diff; the declared
 * and detected classification with the field behind it; the review; the credential (never its
 * secret) and revoking it; the audit events. An unknown app says so with a way back; tabs and
 * buttons a role lacks are absent; it fits a phone; axe finds no serious violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTestsRun, expectNoSeriousA11yViolations, pageErrors, phone, startConsole, type ConsoleHarness } from './browser.ts';

const name = 'leave-desk';

function manifest(description: string) {
  return {
    apiVersion: 'trellis.dev/v1',
    kind: 'MicroApp',
    metadata: { name, title: 'Leave desk', description },
    spec: {
      owner: 'user:ana@example.com',
      team: 'people-ops',
      purpose: 'Employees ask for leave; managers approve it',
      classification: 'internal',
      runtime: 'sandbox',
      connectors: [{ name: 'hr', resources: [{ name: 'employees', fields: ['id', 'email'], access: 'read' }] }],
    },
  };
}

const tab = (page: Page, label: string) => page.getByRole('tab', { name: label, exact: true });

describe.runIf(browserTestsRun)('console app page', () => {
  let h: ConsoleHarness;
  let secret: string;
  let credentialId: string;
  beforeAll(async () => {
    h = await startConsole('app-page');
    await h.api('POST', '/api/v1/connectors', {
      apiVersion: 'trellis.dev/v1',
      kind: 'Connector',
      metadata: { name: 'hr' },
      spec: { type: 'postgres', owner: 'group:hr-platform', resources: [{ name: 'employees', fields: [{ name: 'id' }, { name: 'email', tags: ['pii.email'] }] }] },
    });
    const registered = await h.api<{ status: string }>('POST', '/api/v1/apps', manifest('Leave requests for the people team'));
    expect(registered.status).toBe('pending_review');
    const reviews = await h.api<{ items: { id: string }[] }>('GET', `/api/v1/reviews?app=${name}&status=open`);
    const checklist = { classification: true, retention: true, connectors: true, isolation: true, monitoring: true };
    await h.api('POST', `/api/v1/reviews/${reviews.items[0]!.id}/approve`, { comment: 'Fields and purpose match', checklist }, { role: 'reviewer' });
    const created = await h.api<{ client_secret: string; credential: { id: string } }>('POST', `/api/v1/apps/${name}/credentials`, { type: 'client_secret' });
    secret = created.client_secret;
    credentialId = created.credential.id;
    await h.api('PUT', `/api/v1/apps/${name}`, manifest('Leave requests and balances for the people team'));
  }, 180_000);
  afterAll(async () => h?.close());

  it('shows where the app stands, its manifest history and a diff, and why it is classified so', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin');
    await page.goto(`${h.url}/console/apps/${name}`);
    await page.getByRole('heading', { level: 2, name: 'Leave desk' }).waitFor();
    await page.getByText('user:ana@example.com', { exact: true }).waitFor();
    await page.getByRole('table', { name: 'Risk factors' }).getByRole('cell', { name: 'data tier' }).waitFor();
    await page.getByRole('heading', { level: 3, name: 'Policy decision' }).waitFor();
    await page.getByText('pending review → approved').waitFor();
    await h.screenshot(page, 'overview');
    await expectNoSeriousA11yViolations(page, 'app overview');

    await tab(page, 'Manifest').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('tab')).toBe('manifest');
    await page.getByRole('heading', { level: 3, name: 'Current manifest (version 2)' }).waitFor();
    // The versions arrive in their own request, after the manifest.
    await expect.poll(() => page.getByRole('table', { name: 'Manifest versions' }).getByRole('row').count()).toBe(3);
    // The default comparison is the last two versions: the description changed.
    const changes = page.getByRole('list', { name: 'Changes between the versions' });
    await changes.getByText('/metadata/description').waitFor();
    await changes.getByText('changed').waitFor();
    await page.getByRole('textbox', { name: 'Manifest version 1' }).waitFor();
    await page.getByRole('textbox', { name: 'Manifest version 2' }).getByText('Leave requests and balances for the people team').waitFor();
    await h.screenshot(page, 'manifest');
    await expectNoSeriousA11yViolations(page, 'app manifest');
    await page.getByLabel('From (left)').selectOption('2');
    await page.getByText('Choose two different versions').waitFor();

    await tab(page, 'Classification').click();
    const because = page.getByRole('table', { name: 'Fields behind the detected classification' });
    await because.getByRole('row').filter({ hasText: 'hr.employees.email' }).getByText('pii.email').waitFor();
    await page.getByText(/is higher than the declared internal/).waitFor();
    await h.screenshot(page, 'classification');
    await expectNoSeriousA11yViolations(page, 'app classification');

    await tab(page, 'Reviews').click();
    const reviews = page.getByRole('table', { name: `Reviews of ${name}` });
    await reviews.getByText('Fields and purpose match').waitFor();
    await reviews.getByText('approved', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Open the review queue' }).waitFor();

    await tab(page, 'Activity').click();
    const events = page.getByRole('table', { name: `Audit events about ${name}, newest first` });
    await events.getByText('app.register').waitFor();
    await events.getByText('app.update').first().waitFor();
    await page.getByRole('heading', { level: 3, name: 'Gateway calls' }).waitFor();
    await h.screenshot(page, 'activity');
    await expectNoSeriousA11yViolations(page, 'app activity');
    expect(pageErrors(page)).toEqual([]);
  });

  it('lists the credentials without their secret and revokes one after a confirmation', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin');
    await page.goto(`${h.url}/console/apps/${name}?tab=access`);
    const table = page.getByRole('table', { name: `Credentials of ${name}` });
    await table.getByText(credentialId).waitFor();
    expect(await page.content()).not.toContain(secret);
    await h.screenshot(page, 'access');
    await expectNoSeriousA11yViolations(page, 'app access');
    await table.getByRole('button', { name: `Revoke ${credentialId}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this credential?' });
    await dialog.getByText('stops working at once').waitFor();
    await dialog.getByRole('button', { name: 'Revoke credential' }).click();
    await page.getByText('Credential revoked').waitFor();
    await expect.poll(() => table.getByText(credentialId).count()).toBe(0);
    const left = await h.api<{ items: unknown[] }>('GET', `/api/v1/apps/${name}/credentials`);
    expect(left.items).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
  });

  it('leaves out what a role may not read or do, says when an app does not exist, and fits a phone', { timeout: 90_000 }, async () => {
    const viewer = await h.signedInPage('viewer', phone);
    await viewer.goto(`${h.url}/console/apps/${name}`);
    await viewer.getByRole('heading', { level: 2, name: 'Leave desk' }).waitFor();
    for (const label of ['Overview', 'Manifest', 'Classification']) await tab(viewer, label).waitFor();
    for (const label of ['Reviews', 'Access', 'Activity']) expect(await tab(viewer, label).count(), label).toBe(0);
    const overflow = await viewer.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await h.screenshot(viewer, 'phone-viewer');
    await expectNoSeriousA11yViolations(viewer, 'app page on a phone');

    // A reviewer reads the credentials but may not revoke them: no button.
    const reviewer = await h.signedInPage('reviewer');
    await h.api('POST', `/api/v1/apps/${name}/credentials`, { type: 'client_secret' });
    await reviewer.goto(`${h.url}/console/apps/${name}?tab=access`);
    await reviewer.getByRole('table', { name: `Credentials of ${name}` }).getByText('client secret').waitFor();
    expect(await reviewer.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);

    await reviewer.goto(`${h.url}/console/apps/no-such-app`);
    await reviewer.getByText('No app named “no-such-app”').waitFor();
    await reviewer.getByRole('link', { name: 'Back to the catalog' }).click();
    await expect.poll(() => new URL(reviewer.url()).pathname).toBe('/console/apps');
    expect(pageErrors(viewer)).toEqual([]);
    expect(pageErrors(reviewer)).toEqual([]);
  });
});
