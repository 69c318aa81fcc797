/**
 * The review queue in a real browser, on the golden path: the leave-request app registered by
 * its builder waits in the queue with its risk and who asked; its owner, holding a reviewer's
 * token, is refused by separation of duties with the server's message; a builder reads the
 * review with no decision controls; another reviewer, on a phone, is told which checklist items
 * are missing, then approves it and sees it approved and gone from the queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appYaml, connectorYaml } from '../leave-requests.ts';
import type { Page } from 'playwright-core';
import { browserTestsRun, expectNoSeriousA11yViolations, pageErrors, phone, startConsole, type ConsoleHarness } from './browser.ts';

/** Moves the pointer off whatever was just clicked, so axe measures the colours a person reads
 *  rather than a hover shade that lasts only while the pointer rests there. */
const unhover = (page: Page) => page.mouse.move(1, 1);

describe.runIf(browserTestsRun)('console: review queue', () => {
  let h: ConsoleHarness;
  let reviewId: string;
  beforeAll(async () => {
    h = await startConsole('reviews');
    await h.api('POST', '/api/v1/connectors', connectorYaml, { contentType: 'application/yaml' });
    const ana = await h.tokenFor('builder', 'user:ana.hr@example.com');
    await h.api('POST', '/api/v1/apps', appYaml, { token: ana, contentType: 'application/yaml', expectStatus: 201 });
    const queue = await h.api<{ items: { id: string }[] }>('GET', '/api/v1/reviews?status=open');
    reviewId = queue.items[0]!.id;
  }, 180_000);
  afterAll(async () => h?.close());

  it('lists the open review, and refuses its owner with the separation-of-duties message', { timeout: 90_000 }, async () => {
    // Ana owns the app; a reviewer's token acting for her may read the queue but not decide her app.
    const page = await h.signedInPage({ token: await h.tokenFor('reviewer', 'ana.hr@example.com') });
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Review queue' }).click();
    const row = page.getByRole('row').filter({ hasText: 'leave-requests' });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('v1');
    expect(text).toMatch(/medium · \d+/i);
    expect(text).toContain('restricted');
    expect(text).toContain('user:ana.hr@example.com');
    await unhover(page);
    await expectNoSeriousA11yViolations(page, 'review queue');
    await h.screenshot(page, 'queue');

    await row.click();
    const drawer = page.getByRole('dialog', { name: 'Review of leave-requests v1' });
    await drawer.waitFor();
    await drawer.getByRole('heading', { name: 'Risk factors' }).waitFor();
    expect(await drawer.getByRole('table', { name: 'Risk factors' }).innerText()).toContain('data_tier');
    expect(await drawer.getByRole('table', { name: 'Fields behind the classification' }).innerText()).toContain('hr.employees.email');
    expect(await drawer.innerText()).toMatch(/Warning: .*slack/i);
    await expect.poll(() => drawer.getByRole('textbox', { name: 'Manifest of leave-requests version 1' }).innerText()).toContain('owner: user:ana.hr@example.com');
    for (const item of ['classification', 'retention', 'connectors', 'isolation', 'monitoring']) await drawer.getByRole('checkbox', { name: new RegExp(`^${item}:`) }).check();
    await drawer.getByRole('button', { name: 'Approve' }).click();
    const refusal = drawer.getByRole('alert').filter({ hasText: 'Separation of duties' });
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('you own leave-requests; another reviewer must decide on it');
    expect(await refusal.innerText()).toContain('Ask another reviewer');
    await refusal.scrollIntoViewIfNeeded();
    await unhover(page);
    await expectNoSeriousA11yViolations(page, 'review drawer with a refusal');
    await h.screenshot(page, 'owner-refused');
    expect((await h.api<{ status: string }>('GET', '/api/v1/apps/leave-requests')).status).toBe('pending_review');
    expect(pageErrors(page)).toEqual([]);
  });

  it('shows a builder the review with no decision controls', { timeout: 60_000 }, async () => {
    const page = await h.signedInPage('builder');
    await page.goto(`${h.url}/console/reviews?review=${reviewId}`);
    const drawer = page.getByRole('dialog', { name: 'Review of leave-requests v1' });
    await drawer.getByText('Reviewers decide on this review').waitFor();
    for (const name of ['Approve', 'Reject', 'Request changes']) expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
  });

  it('tells a reviewer on a phone what the checklist lacks, then approves and shows it approved', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage({ token: await h.tokenFor('reviewer', 'user:rick.sec@example.com') }, phone);
    await page.goto(`${h.url}/console/reviews`);
    await page.getByRole('row').filter({ hasText: 'leave-requests' }).click();
    const drawer = page.getByRole('dialog', { name: 'Review of leave-requests v1' });
    await drawer.getByRole('checkbox', { name: /^classification:/ }).check();
    await drawer.getByRole('button', { name: 'Approve' }).click();
    await drawer.getByRole('alert').filter({ hasText: 'checklist is not complete' }).waitFor();
    // Each missing item's error sits at its own checkbox.
    await expect.poll(() => drawer.getByText('must be confirmed (true) to approve').count()).toBe(4);
    await h.screenshot(page, 'phone-checklist-missing');

    for (const item of ['retention', 'connectors', 'isolation', 'monitoring']) await drawer.getByRole('checkbox', { name: new RegExp(`^${item}:`) }).check();
    await drawer.getByRole('textbox', { name: 'Comment' }).fill('Fine for HR managers.');
    await drawer.getByRole('button', { name: 'Approve' }).click();
    await drawer.getByRole('heading', { name: 'Decision', exact: true }).waitFor();
    expect(await drawer.innerText()).toMatch(/approved by user:rick\.sec@example\.com/);
    expect(await drawer.innerText()).toContain('Comment: Fine for HR managers.');
    expect(await drawer.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await unhover(page);
    await expectNoSeriousA11yViolations(page, 'approved review on a phone');
    await h.screenshot(page, 'phone-approved');

    await drawer.getByRole('button', { name: 'Close the review' }).click();
    await page.getByText('No reviews are waiting').waitFor();
    expect(await h.api<{ status: string; approved_version: number }>('GET', '/api/v1/apps/leave-requests')).toMatchObject({ status: 'approved', approved_version: 1 });
    expect(pageErrors(page)).toEqual([]);
  });
});
