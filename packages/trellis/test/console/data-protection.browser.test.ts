/**
 * The data-protection page in a real browser. An admin scans text and sees each finding marked
 * in it and listed with its type, confidence and place; previews it masked and tokenized; and
 * reveals a token back to the original with a reason. The admin then builds a custom detector:
 * a broken pattern is refused at the Pattern field, the fixed one passes its samples, is saved
 * as a draft, activated (a scan then finds its entity), deactivated and deleted. An auditor
 * sees the detectors but no control to change them and no transform preview; the page fits a
 * phone; axe finds no serious violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTestsRun, expectNoSeriousA11yViolations, pageErrors, phone, startConsole, type ConsoleHarness } from './browser.ts';

const email = 'ana.ruiz@northwind-mail.com';
const card = '4539 1488 0343 6467';
const sample = `Refund Ana Ruiz <${email}> today.\nCard ${card}, expiry 04/29.`;

async function scan(page: Page, text: string): Promise<void> {
  await page.getByLabel('Text to scan').fill(text);
  await page.getByRole('button', { name: 'Scan', exact: true }).click();
  await page.getByTestId('scan-summary').waitFor();
  // The pointer would rest on Scan, whose hover shade is the theme's (the shell's) to keep in contrast.
  await page.mouse.move(0, 0);
}

describe.runIf(browserTestsRun)('data protection page', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsole('data-protection');
  }, 180_000);
  afterAll(async () => h?.close());

  it('scans text, marks and lists the findings, previews transforms and reveals a token', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin');
    await page.goto(`${h.url}/console/data-protection`);
    await page.getByRole('heading', { name: 'Data protection', level: 2 }).waitFor();
    await scan(page, sample);

    const findings = page.getByRole('table', { name: 'Findings' });
    await expect.poll(() => findings.getByRole('row').filter({ hasText: 'EMAIL_ADDRESS' }).count()).toBe(1);
    expect(await findings.getByRole('row').filter({ hasText: 'CREDIT_CARD' }).textContent()).toMatch(/line 2:6/);
    // The marks are cut from the person's own text at the server's offsets.
    const marks = await page.locator('mark').allTextContents();
    expect(marks).toContain(email);
    expect(marks).toContain(card);
    expect(await page.getByText(/\[#\d+ EMAIL_ADDRESS\]/).count()).toBe(1);

    // Masked by default: the card keeps its last four digits only.
    const transformed = page.getByTestId('transformed');
    await expect.poll(() => transformed.textContent()).toContain('6467');
    expect(await transformed.textContent()).not.toContain(card);
    expect(await transformed.textContent()).not.toContain(email);
    await expectNoSeriousA11yViolations(page, 'scan results');
    await h.screenshot(page, 'scan-masked');

    await page.getByLabel('Operator').selectOption('tokenize');
    const tokens = page.getByRole('table', { name: 'Tokens' });
    const cardRow = tokens.getByRole('row').filter({ hasText: 'CREDIT_CARD' });
    await cardRow.waitFor();
    const token = (await cardRow.getByRole('cell').nth(1).textContent())!.trim();
    expect(token).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(token).not.toBe(card);

    await cardRow.getByRole('button', { name: /Reveal/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Reveal the original value' });
    expect(await dialog.getByLabel('Token or ciphertext').inputValue()).toBe(token);
    await dialog.getByLabel('Reason').fill('ok');
    await dialog.getByRole('button', { name: 'Reveal', exact: true }).click();
    // Too short a reason is refused by the server at the Reason field.
    await expect.poll(() => dialog.getByText(/must NOT have fewer than 3 characters/).count()).toBeGreaterThan(0);
    await dialog.getByLabel('Reason').fill('ticket SEC-4711');
    await dialog.getByRole('button', { name: 'Reveal', exact: true }).click();
    await expect.poll(() => dialog.getByTestId('revealed').textContent()).toBe(card);
    await expectNoSeriousA11yViolations(page, 'reveal dialog');
    await h.screenshot(page, 'revealed');
    await dialog.getByRole('button', { name: 'Hide the value' }).click();
    expect(await dialog.getByTestId('revealed').count()).toBe(0);

    const trail = await h.api<{ items: { event: { api?: { operation?: string }; unmapped?: Record<string, unknown> } }[] }>('GET', '/api/v1/audit/events?limit=20');
    expect(JSON.stringify(trail)).toContain('dlp.reveal');
    expect(JSON.stringify(trail)).not.toContain(card);
    expect(pageErrors(page)).toEqual([]);
  });

  it('builds a custom detector: field errors, sample test, draft, activate, deactivate, delete', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin');
    await page.goto(`${h.url}/console/data-protection?tab=detectors`);
    await page.getByText('No custom detectors yet').waitFor();
    await page.getByRole('button', { name: 'New detector' }).click();
    const form = page.getByRole('form', { name: 'New detector' });
    await form.getByRole('textbox', { name: 'Id', exact: true }).fill('employee-id');
    await form.getByRole('textbox', { name: 'Entity', exact: true }).fill('employee_id');
    expect(await form.getByRole('textbox', { name: 'Entity', exact: true }).inputValue()).toBe('EMPLOYEE_ID');
    await form.getByRole('textbox', { name: 'Pattern', exact: true }).fill('EMP-(\\d{6}');
    await form.getByLabel('Positive samples').fill('badge EMP-123456 issued');
    await form.getByLabel('Negative samples').fill('EMP-12\nEMPLOYEE 123456');
    await form.getByRole('button', { name: 'Save as draft' }).click();
    // The RE2 compile error is shown at the Pattern input itself.
    const pattern = form.getByRole('textbox', { name: 'Pattern', exact: true });
    await expect.poll(() => pattern.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(async () => (await pattern.getAttribute('aria-describedby')) ?? '').toContain('error');
    await expectNoSeriousA11yViolations(page, 'detector form with an error');
    await h.screenshot(page, 'detector-pattern-error');

    await pattern.fill('\\bEMP-\\d{6}\\b');
    await form.getByRole('button', { name: 'Test on the samples' }).click();
    const report = form.getByTestId('detector-report');
    await report.getByText('Every sample passes').waitFor();
    expect(await report.locator('mark').allTextContents()).toEqual(['EMP-123456']);
    await form.getByRole('button', { name: 'Save as draft' }).click();

    const row = page.getByRole('table', { name: 'Custom detectors' }).getByRole('row').filter({ hasText: 'employee-id' });
    await expect.poll(() => row.textContent()).toContain('draft');
    await row.getByRole('button', { name: 'Activate employee-id' }).click();
    await expect.poll(() => row.textContent()).toContain('active');
    await h.screenshot(page, 'detector-active');

    await page.getByRole('tab', { name: 'Scan text' }).click();
    await scan(page, 'New hire EMP-654321 starts Monday');
    await expect.poll(() => page.getByRole('table', { name: 'Findings' }).getByRole('row').filter({ hasText: 'EMPLOYEE_ID' }).count()).toBe(1);

    await page.getByRole('tab', { name: 'Custom detectors' }).click();
    await row.getByRole('button', { name: 'Deactivate employee-id' }).click();
    await expect.poll(() => row.textContent()).toContain('disabled');
    await row.getByRole('button', { name: 'Delete employee-id' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete employee-id' }).click();
    await page.getByText('No custom detectors yet').waitFor();
    expect(pageErrors(page)).toEqual([]);
  });

  it('gives an auditor the list without controls, and no transform preview', { timeout: 90_000 }, async () => {
    await h.api('POST', '/api/v1/dlp/detectors', { detector: { id: 'project-code', entity: 'PROJECT_CODE', terms: ['bluebird', 'nightjar'] }, positive: ['project bluebird'], negative: ['a blue bird'] }, { expectStatus: 201 });
    const page = await h.signedInPage('auditor');
    await page.goto(`${h.url}/console/data-protection?tab=detectors`);
    const row = page.getByRole('table', { name: 'Custom detectors' }).getByRole('row').filter({ hasText: 'project-code' });
    await expect.poll(() => row.textContent()).toContain('draft');
    for (const name of ['New detector', 'Edit project-code', 'Activate project-code', 'Delete project-code']) expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    expect(await page.getByRole('tab', { name: 'Reveal a token' }).count()).toBe(0);

    await page.getByRole('tab', { name: 'Scan text' }).click();
    await scan(page, sample);
    await page.getByRole('table', { name: 'Findings' }).waitFor();
    expect(await page.getByText('Transform preview').count()).toBe(0);
    await expectNoSeriousA11yViolations(page, 'auditor view');
    expect(pageErrors(page)).toEqual([]);
  });

  it('fits a phone', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin', phone);
    await page.goto(`${h.url}/console/data-protection`);
    await scan(page, sample);
    await page.getByRole('table', { name: 'Findings' }).waitFor();
    await page.getByTestId('transformed').waitFor();
    await h.screenshot(page, 'phone-scan');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByRole('tab', { name: 'Custom detectors' }).click();
    await page.getByRole('table', { name: 'Custom detectors' }).waitFor();
    await page.getByRole('button', { name: 'New detector' }).click();
    await page.getByRole('form', { name: 'New detector' }).getByRole('textbox', { name: 'Entity', exact: true }).waitFor();
    await h.screenshot(page, 'phone-detector-form');
    await expectNoSeriousA11yViolations(page, 'phone detector form');
    expect(pageErrors(page)).toEqual([]);
  });
});
