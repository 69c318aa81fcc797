/**
 * The register page in a real browser: a manifest with a bad owner checked and its error shown
 * at its line and in the list; the golden path's leave-request manifest uploaded from a file,
 * checked valid and registered, opening the app's page with what governance decided; the
 * template form writing the YAML on a phone; and a role without apps:write given no page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { appYaml, connectorYaml } from '../leave-requests.ts';
import { browserTestsRun, expectNoSeriousA11yViolations, pageErrors, phone, startConsole, type ConsoleHarness } from './browser.ts';

const editorText = (page: Page) => page.getByRole('textbox', { name: 'Manifest YAML' }).innerText();

/** Replaces the editor's text as a person pasting would. */
async function paste(page: Page, text: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: 'Manifest YAML' });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Moves the pointer off whatever was just clicked, so axe measures the colours a person reads
 *  rather than a hover shade that lasts only while the pointer rests there. */
const unhover = (page: Page) => page.mouse.move(1, 1);

describe.runIf(browserTestsRun)('console: register an app', () => {
  let h: ConsoleHarness;
  let ana: string;
  beforeAll(async () => {
    h = await startConsole('register');
    await h.api('POST', '/api/v1/connectors', connectorYaml, { contentType: 'application/yaml' });
    ana = await h.tokenFor('builder', 'user:ana.hr@example.com');
  }, 180_000);
  afterAll(async () => h?.close());

  it('marks a bad manifest at its line, then registers the uploaded example and shows the decision', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage({ token: ana });
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Register an app' }).click();
    await page.getByRole('heading', { name: 'Register an app', level: 2 }).waitFor();
    // The editor starts from the form, with the signed-in person as owner.
    await expect.poll(() => editorText(page)).toContain('owner: user:ana.hr@example.com');

    const bad = appYaml.replace('owner: user:ana.hr@example.com', 'owner: ana from HR');
    const ownerLine = bad.split('\n').findIndex((l) => l.includes('owner: ana from HR')) + 1;
    await paste(page, bad);
    await page.getByRole('button', { name: 'Check' }).click();
    const errors = page.getByRole('list', { name: 'Manifest errors' });
    await errors.waitFor();
    expect(await errors.innerText()).toContain(`spec.owner (line ${ownerLine}`);
    expect(await errors.innerText()).toContain('must be a user reference');
    // The same error is drawn in the editor's gutter, on the owner's line.
    await expect.poll(() => page.locator('.cm-gutter-lint .cm-gutterElement .cm-lint-marker-error').count()).toBe(1);
    const markedLine = await page.evaluate(() => {
      const marker = document.querySelector('.cm-gutter-lint .cm-lint-marker-error')!.closest('.cm-gutterElement')!;
      const numbers = [...document.querySelectorAll('.cm-lineNumbers .cm-gutterElement')].filter((e) => (e as HTMLElement).offsetTop === (marker as HTMLElement).offsetTop);
      return numbers[0]?.textContent;
    });
    expect(markedLine).toBe(String(ownerLine));
    await unhover(page);
    await expectNoSeriousA11yViolations(page, 'register with errors');
    await h.screenshot(page, 'error-at-line');

    await page.locator('input[type=file]').setInputFiles({ name: 'trellis.yaml', mimeType: 'application/yaml', buffer: Buffer.from(appYaml) });
    await page.getByText('Loaded trellis.yaml').waitFor();
    await expect.poll(() => editorText(page)).toContain('owner: user:ana.hr@example.com');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByText('The manifest is valid').waitFor();
    await expect.poll(() => page.locator('.cm-lint-marker-error').count()).toBe(0);

    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await expect.poll(() => page.url()).toMatch(/\/console\/apps\/leave-requests$/);
    const note = page.getByRole('alert').filter({ hasText: 'leave-requests registered' });
    await note.waitFor();
    const said = await note.innerText();
    expect(said).toContain('queued for review');
    expect(said).toContain('Classification: restricted (declared confidential, detected restricted)');
    expect(said).toMatch(/Risk: medium \(\d+\/100\)/);
    expect(said).toMatch(/Warning: .*slack/i);
    await h.screenshot(page, 'registered');
    const app = await h.api<{ status: string; created_by: { name: string } }>('GET', '/api/v1/apps/leave-requests');
    expect(app.status).toBe('pending_review');
    expect(pageErrors(page)).toEqual([]);
  });

  it('shows the server’s refusal of a registration at the line it names', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage({ token: ana });
    await page.goto(`${h.url}/console/register`);
    // Valid by the schema, but it binds a connector that does not exist: only registering finds it.
    await paste(page, appYaml.replace('name: leave-requests', 'name: leave-elsewhere').replace('- name: hr', '- name: payroll'));
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Not registered' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('spec.connectors[0].name');
    await expect.poll(() => page.locator('.cm-gutter-lint .cm-lint-marker-error').count()).toBe(1);
    expect(page.url()).toMatch(/\/console\/register$/);
    expect(pageErrors(page)).toEqual([]);
  });

  it('writes the YAML from the template form on a phone, and registers it', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage({ token: ana }, phone);
    await page.goto(`${h.url}/console/register`);
    await page.getByRole('textbox', { name: 'Manifest YAML' }).waitFor();
    await page.getByRole('combobox', { name: 'Template' }).click();
    await page.getByRole('option', { name: 'Read-only HR report' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('leave-balances');
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Leave balances: who has days left');
    await page.getByRole('textbox', { name: 'Purpose' }).fill('Show managers their reports’ leave balances.');
    const text = await editorText(page);
    expect(text).toContain('name: leave-balances');
    expect(text).toContain('title: "Leave balances: who has days left"');
    expect(text).toContain('template: hr-readonly');
    expect(text).toContain('classification: confidential');
    expect(text).toMatch(/- name: hr\s+resources:\s+- name: employees\s+fields: \[id, name\]\s+access: read/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await unhover(page);
    await expectNoSeriousA11yViolations(page, 'register form on a phone');
    await h.screenshot(page, 'phone-form');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByText('The manifest is valid').waitFor();
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await expect.poll(() => page.url()).toMatch(/\/console\/apps\/leave-balances$/);
    expect(pageErrors(page)).toEqual([]);
  });

  it('gives a role without apps:write neither the page nor its link', { timeout: 60_000 }, async () => {
    const page = await h.signedInPage('reviewer');
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Review queue' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Register an app' }).count()).toBe(0);
    await page.goto(`${h.url}/console/register`);
    await page.getByText('No such page').waitFor();
    expect(await page.getByRole('button', { name: 'Register', exact: true }).count()).toBe(0);
  });
});
