/**
 * The dashboard in a real browser: a fresh install tells an admin to register an app (and a
 * viewer, who may not, sees no button); once apps exist through the API, the cards count them by
 * status, data tier and risk, the review queue by age, and the admission decisions of the day,
 * each with a text equivalent screen readers get; the audit chain card shows the checkpoint and
 * verifies the chain. A viewer sees neither the review queue nor the chain; a phone shows it all
 * without sideways scrolling; axe finds no serious violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTestsRun, expectNoSeriousA11yViolations, pageErrors, phone, startConsole, type ConsoleHarness } from './browser.ts';

const connector = {
  apiVersion: 'trellis.dev/v1',
  kind: 'Connector',
  metadata: { name: 'people' },
  spec: { type: 'postgres', owner: 'group:platform', resources: [{ name: 'staff', fields: [{ name: 'id' }, { name: 'email', tags: ['pii.email'] }, { name: 'team' }] }] },
};
const app = (name: string, fields: string[]) => ({
  apiVersion: 'trellis.dev/v1',
  kind: 'MicroApp',
  metadata: { name },
  spec: { owner: 'user:ana@example.com', purpose: 'Staff directory', classification: 'internal', runtime: 'sandbox', connectors: [{ name: 'people', resources: [{ name: 'staff', fields, access: 'read' }] }] },
});

/** The count a breakdown list shows beside a value's name ("Approved 1 (50%)"). */
const listed = async (page: Page, list: string, value: string) => {
  const item = page.getByRole('list', { name: list }).getByRole('listitem').filter({ hasText: value });
  return /([\d,]+)\s*\(/.exec((await item.textContent()) ?? '')?.[1];
};

describe.runIf(browserTestsRun)('console dashboard', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsole('dashboard');
  }, 120_000);
  afterAll(async () => h?.close());

  it('asks a fresh install to register an app, then counts the apps, the queue and the decisions, and verifies the chain', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin');
    await page.goto(`${h.url}/console/`);
    await page.getByRole('heading', { level: 2, name: 'Dashboard' }).waitFor();
    await page.getByText('No apps registered yet').waitFor();
    await page.getByRole('link', { name: 'Register an app' }).or(page.getByRole('button', { name: 'Register an app' })).first().waitFor();
    await h.screenshot(page, 'dashboard-fresh');

    await h.api('POST', '/api/v1/connectors', connector);
    // Untagged fields at low risk are approved at once; an e-mail field waits for a reviewer.
    expect((await h.api<{ status: string }>('POST', '/api/v1/apps', app('team-list', ['id', 'team']), { role: 'builder' })).status).toBe('approved');
    expect((await h.api<{ status: string }>('POST', '/api/v1/apps', app('staff-mail', ['id', 'email']), { role: 'builder' })).status).toBe('pending_review');

    await page.reload();
    await page.getByRole('list', { name: 'Apps by status' }).waitFor();
    expect(await page.getByText('No apps registered yet').count()).toBe(0);
    expect(await listed(page, 'Apps by status', 'Approved')).toBe('1');
    expect(await listed(page, 'Apps by status', 'Pending review')).toBe('1');
    expect(await listed(page, 'Apps by status', 'Rejected')).toBe('0');
    expect(await listed(page, 'Apps by data tier', 'Restricted')).toBe('1');
    expect(await listed(page, 'Apps by data tier', 'Internal')).toBe('1');
    expect(await listed(page, 'Apps by risk tier', 'Low')).toBe('1');
    await page.getByText('1 open review; the oldest has waited 0 h.').waitFor();
    await page.getByText('2 apps registered in the last 26 weeks; 2 in all.').waitFor();
    await page.getByText(/2\s+policy decisions \(0 denied\)/).waitFor();

    // The charts' numbers, as screen readers get them.
    const growth = page.getByRole('table', { name: 'Apps registered per week' });
    expect(await growth.getByRole('row').count()).toBe(27);
    const today = page.getByRole('table', { name: 'Decisions and refusals per day' }).getByRole('row').last();
    expect(await today.getByRole('cell').first().textContent()).toBe('2');

    // The chain card: events and checkpoint, and verification on demand.
    const chain = page.getByRole('region', { name: 'Audit chain' });
    await chain.getByText('Events in the chain').waitFor();
    await chain.getByRole('button', { name: 'Verify chain' }).click();
    await chain.getByText('Intact').waitFor();
    await h.screenshot(page, 'dashboard-admin');
    await expectNoSeriousA11yViolations(page, 'dashboard');
    expect(pageErrors(page)).toEqual([]);
  });

  it('shows a viewer no review queue, no chain and no register button, and fits a phone', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('viewer', phone);
    await page.goto(`${h.url}/console/`);
    await page.getByRole('list', { name: 'Apps by status' }).waitFor();
    await page.getByRole('region', { name: 'Growth' }).waitFor();
    expect(await page.getByRole('region', { name: 'Review queue' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Audit chain' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Register an app' }).count()).toBe(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectNoSeriousA11yViolations(page, 'dashboard on a phone');
    await h.screenshot(page, 'dashboard-viewer-phone');

    // An auditor reads the chain but may not register apps.
    const auditor = await h.signedInPage('auditor');
    await auditor.goto(`${h.url}/console/`);
    await auditor.getByRole('region', { name: 'Audit chain' }).getByRole('button', { name: 'Verify chain' }).waitFor();
    await auditor.getByRole('region', { name: 'Review queue' }).waitFor();
    expect(pageErrors(page)).toEqual([]);
  });
});
