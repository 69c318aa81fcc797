/**
 * The audit explorer in a real browser, over a trail written through the API (apps registered,
 * a signed checkpoint made): events newest first, filters applied into the address (a reload
 * shows the same events), an app's events only, events of one OCSF class, a filter that matches nothing saying how to
 * widen it; a row opens the event as JSON with its inclusion proof checked in the browser; the
 * export downloads the trail as JSONL; the integrity tab shows the checkpoint and verifies the
 * chain. A builder (no audit:read) has no Audit page; an auditor on a phone sees a shared link's
 * events without sideways scrolling.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTestsRun, expectNoSeriousA11yViolations, pageErrors, phone, startConsole, type ConsoleHarness } from './browser.ts';

const app = (name: string) => ({
  apiVersion: 'trellis.dev/v1',
  kind: 'MicroApp',
  metadata: { name },
  spec: { owner: 'user:ana@example.com', classification: 'public', runtime: 'sandbox', purpose: 'Shared notes' },
});

async function chooseClass(page: Page, option: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Event class' }).click();
  await page.getByRole('option', { name: option }).click();
}

const table = (page: Page) => page.getByRole('table', { name: 'Audit events' });
const shown = async (page: Page) => Number(/([\d,]+) events? shown/.exec((await page.getByText(/events? shown/).textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? NaN);

describe.runIf(browserTestsRun)('console audit explorer', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsole('audit');
    for (const name of ['notes-one', 'notes-two', 'notes-three']) await h.api('POST', '/api/v1/apps', app(name), { role: 'builder' });
    // Once the sealer has chained them (the head stops moving), sign a checkpoint over them, so the
    // events above have inclusion proofs.
    const head = async () => (await h.api<{ seq: number }>('GET', '/api/v1/audit/head')).seq;
    for (let last = -1, now = await head(); now !== last || now < 6; last = now, now = await head()) await new Promise((r) => setTimeout(r, 1000));
    await h.api('POST', '/api/v1/audit/checkpoints');
  }, 120_000);
  afterAll(async () => h?.close());

  it('filters into the address, opens an event with its proof, exports the trail and verifies the chain', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin');
    await page.goto(`${h.url}/console/audit`);
    await table(page).getByText('app.register').first().waitFor();
    expect(await shown(page)).toBeGreaterThan(6);
    await expectNoSeriousA11yViolations(page, 'audit events');
    await h.screenshot(page, 'audit-events');

    // Filters: applied on the server and kept in the address.
    await page.getByRole('combobox', { name: 'Action' }).fill('app.register');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('action')).toBe('app.register');
    await expect.poll(() => shown(page)).toBe(3);
    await page.reload();
    await expect.poll(() => shown(page)).toBe(3);
    expect(await page.getByRole('combobox', { name: 'Action' }).inputValue()).toBe('app.register');
    await page.getByLabel('App', { exact: true }).fill('notes-two');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => shown(page)).toBe(1);
    await table(page).getByText('notes-two').first().waitFor();
    // The event's class, by its OCSF uid in the address: registrations are Application Lifecycle.
    await chooseClass(page, 'Application Lifecycle (6002)');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('class_uid')).toBe('6002');
    await expect.poll(() => shown(page)).toBe(1);
    await chooseClass(page, 'Authentication (3002)');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No events match these filters').waitFor();

    // Nothing matches: the page says how to widen the search, and clearing brings all back.
    await page.getByLabel('Actor', { exact: true }).fill('nobody-at-all');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No events match these filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await expect.poll(() => shown(page)).toBeGreaterThan(6);

    // A row opens the event: its JSON and its inclusion proof, checked here.
    await table(page).getByRole('row').filter({ hasText: 'notes-one' }).filter({ hasText: 'app.register' }).first().click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText('Included in a signed checkpoint').waitFor();
    await drawer.getByText('checked in your browser').waitFor();
    const json = await drawer.getByRole('textbox', { name: /as JSON/ }).textContent();
    expect(json).toContain('"operation": "app.register"');
    await expectNoSeriousA11yViolations(page, 'audit event drawer');
    await h.screenshot(page, 'audit-event');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    // The export: the trail as JSONL, checkpoints first.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export trail' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^trellis-audit-.*\.jsonl$/);
    const lines = readFileSync((await download.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toHaveProperty('checkpoint');
    expect(lines.some((l) => (l.event as { api?: { operation?: string } } | undefined)?.api?.operation === 'app.register')).toBe(true);

    // Integrity: the checkpoint and a verification of the whole chain.
    await page.getByRole('tab', { name: 'Integrity' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('tab')).toBe('integrity');
    await page.getByText('Latest checkpoint').waitFor();
    await page.getByText(/^covers events 1–/).waitFor();
    await page.getByText('No witnesses are configured', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText('Intact').waitFor();
    await expectNoSeriousA11yViolations(page, 'audit integrity');
    await h.screenshot(page, 'audit-integrity');
    expect(pageErrors(page)).toEqual([]);
  });

  it('fits a phone, and is no page for a builder', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('auditor', phone);
    await page.goto(`${h.url}/console/audit?action=app.register`);
    await expect.poll(() => shown(page)).toBe(3);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectNoSeriousA11yViolations(page, 'audit on a phone');
    await h.screenshot(page, 'audit-phone');

    const builder = await h.signedInPage('builder');
    await builder.goto(`${h.url}/console/`);
    await builder.getByRole('link', { name: 'Catalog' }).waitFor();
    expect(await builder.getByRole('link', { name: 'Audit' }).count()).toBe(0);
    expect(pageErrors(page)).toEqual([]);
  });
});
