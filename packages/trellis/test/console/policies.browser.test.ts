/**
 * The Policies page in a real browser. An admin opens the built-in pack in the editor, types a
 * syntax error and sees it refused at its file and line (in the list and marked in the editor);
 * runs the tests of a draft that breaks the golden path and sees that test fail by name; saves a
 * rule that freezes one app as a new version, analyses its impact (that app would now be denied),
 * activates it after a confirmation, sees the decision in the playground (pasted input and a
 * catalog app, with the rule that fired) and rolls back. A reviewer, at phone width, may look and
 * evaluate but has no Save, Activate or Roll back; an auditor has no editor or playground; a
 * viewer has no Policies page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTestsRun, expectNoSeriousA11yViolations, pageErrors, phone, startConsole, type ConsoleHarness } from './browser.ts';

const manifest = (name: string, title: string) =>
  `apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: ${name}\n  title: ${title}\nspec:\n  owner: user:ana@example.com\n  team: ops\n  classification: internal\n`;
const moduleFile = 'trellis/admission/admission.rego';
const frozenMessage = 'app frozen-notes is frozen; ask the platform team to lift it';

describe.runIf(browserTestsRun)('policies page', () => {
  let h: ConsoleHarness;
  let moduleLines: number;

  beforeAll(async () => {
    h = await startConsole('policies');
    await h.api('POST', '/api/v1/apps', manifest('frozen-notes', 'Frozen notes'), { contentType: 'application/yaml' });
    await h.api('POST', '/api/v1/apps', manifest('team-calendar', 'Team calendar'), { contentType: 'application/yaml' });
    const v1 = await h.api<{ modules: Record<string, string> }>('GET', '/api/v1/policy/bundles/1');
    moduleLines = v1.modules[moduleFile]!.split('\n').length;
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  async function openPolicies(page: Page) {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Policies', exact: true }).click();
    await page.getByRole('heading', { name: 'Policies', level: 2 }).waitFor();
  }

  /** Types at the end of the module in the editor (CodeMirror's content is a textbox named by its label). */
  async function appendToModule(page: Page, text: string) {
    const editor = page.getByRole('textbox', { name: `Edit ${moduleFile}` });
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(text);
  }

  /**
   * axe on the page as a person leaves it: the pointer rests on the page title, not on the
   * control just clicked, and passing notifications are closed (a hovered control's and a
   * notification's colours are the shared theme's, not this page's).
   */
  async function checkA11y(page: Page, what: string) {
    await page.getByRole('heading', { level: 2 }).hover();
    for (const close of await page.getByRole('button', { name: 'Close notification' }).all()) await close.click();
    await expect.poll(() => page.getByRole('button', { name: 'Close notification' }).count()).toBe(0);
    await expectNoSeriousA11yViolations(page, what);
  }

  /**
   * The stored version with the frozen-notes rule (the first test saves it through the page; a
   * test run alone pushes it here), activated or not as the test needs.
   */
  async function frozenVersion(opts: { active: boolean }): Promise<number> {
    const list = await h.api<{ items: { version: number; message: string | null }[] }>('GET', '/api/v1/policy/bundles');
    let version = list.items.find((b) => b.message === 'freeze frozen-notes')?.version;
    if (version === undefined) {
      const v1 = await h.api<{ modules: Record<string, string>; data: Record<string, unknown> }>('GET', '/api/v1/policy/bundles/1');
      const pushed = await h.api<{ bundle: { version: number } }>('POST', '/api/v1/policy/bundles', {
        modules: { ...v1.modules, [moduleFile]: `${v1.modules[moduleFile]}deny contains "${frozenMessage}" if input.app.name == "frozen-notes"\n` },
        data: v1.data,
        message: 'freeze frozen-notes',
      });
      version = pushed.bundle.version;
    }
    const active = await h.api<{ active: { version: number } }>('GET', '/api/v1/policy/active');
    if (opts.active && active.active.version !== version) await h.api('POST', `/api/v1/policy/bundles/${version}/activate`);
    if (!opts.active && active.active.version === version) await h.api('POST', '/api/v1/policy/rollback');
    return version;
  }

  async function chooseFile(page: Page, path: string) {
    const box = page.getByRole('combobox', { name: 'File', exact: true });
    await box.click();
    await box.fill(path);
    await page.getByRole('option', { name: path, exact: true }).click();
  }

  it('edits, tests and saves a version, analyses its impact and activates it, as an admin', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin');
    await openPolicies(page);
    const inForce = page.getByRole('region', { name: 'Bundle in force' });
    await inForce.getByText('Version 1', { exact: true }).waitFor();
    const versions = page.getByRole('table', { name: 'Policy bundle versions' });
    await expect.poll(() => versions.textContent()).toContain('built-in policy pack');
    await h.screenshot(page, 'versions');
    await checkA11y(page, 'the policy versions');

    // A syntax error: refused, named at its file and line, and marked in the editor.
    await page.getByRole('tab', { name: 'Editor' }).click();
    await chooseFile(page, moduleFile);
    await appendToModule(page, 'deny contains "x" if := 1');
    await page.getByRole('button', { name: 'Save as new version' }).click();
    const problems = page.getByRole('list', { name: 'Problems by file' });
    await problems.waitFor();
    expect(await problems.textContent()).toContain(`${moduleFile} line ${moduleLines}:`);
    expect(await problems.textContent()).toContain('rego_parse_error');
    await page.locator('.cm-lintRange-error').first().waitFor();
    await h.screenshot(page, 'syntax-error');
    await checkA11y(page, 'the editor with a syntax error');
    expect((await h.api<{ items: unknown[] }>('GET', '/api/v1/policy/bundles')).items).toHaveLength(1);

    // A rule that also catches the golden path's app: its test fails, by name.
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await appendToModule(page, 'deny contains "app leave-requests is frozen" if input.app.name == "leave-requests"');
    await page.getByRole('button', { name: 'Run tests' }).click();
    const results = page.getByRole('table', { name: 'Test results of the draft' });
    await results.waitFor();
    const golden = results.getByRole('row').filter({ hasText: 'test_golden_path_without_input_connector_gives_the_same_decision' });
    expect(await golden.textContent()).toContain('failed');
    await page.getByText(/^\d+ of \d+ tests did not pass; \d+ passed\.$/).waitFor();
    expect(await results.getByRole('row').filter({ hasText: 'passed' }).count()).toBeGreaterThan(10);
    await h.screenshot(page, 'failing-test');

    // The rule for one other app: the tests pass and it is stored as version 2.
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await appendToModule(page, `deny contains "${frozenMessage}" if input.app.name == "frozen-notes"`);
    await page.getByRole('button', { name: 'Run tests' }).click();
    await page.getByText(/^All \d+ tests passed\.$/).waitFor();
    await page.getByLabel('What changed').fill('freeze frozen-notes');
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByText('Version 2 stored', { exact: true }).waitFor();
    await page.getByRole('table', { name: 'Test results of version 2' }).waitFor();

    // Impact before activation: the frozen app would be denied; only then is Activate offered.
    await page.getByRole('button', { name: 'Analyse the impact of version 2' }).click();
    await page.getByRole('heading', { name: 'Version 2', level: 3 }).waitFor();
    await page.getByRole('tab', { name: 'Changes against the active version' }).click();
    await page.getByText(`+deny contains "${frozenMessage}"`, { exact: false }).waitFor();
    await page.getByRole('tab', { name: 'Impact and activation' }).click();
    expect(await page.getByRole('button', { name: 'Activate version 2' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Analyse impact' }).click();
    const impact = page.getByRole('table', { name: 'Apps whose decision changes under version 2' });
    await impact.waitFor();
    const frozenRow = impact.getByRole('row').filter({ hasText: 'frozen-notes' });
    expect(await frozenRow.textContent()).toContain(frozenMessage);
    expect(await frozenRow.textContent()).toMatch(/→ deny/);
    expect(await impact.textContent()).not.toContain('team-calendar');
    await h.screenshot(page, 'impact');
    await checkA11y(page, 'the impact analysis');
    await page.getByRole('button', { name: 'Activate version 2' }).click();
    const dialog = page.getByRole('dialog', { name: 'Activate version 2?' });
    expect(await dialog.textContent()).toContain('1 of 2 apps change');
    await dialog.getByRole('button', { name: 'Activate version 2' }).click();
    await inForce.getByText('Version 2', { exact: true }).waitFor();
    await expect.poll(async () => (await h.api<{ active: { version: number } }>('GET', '/api/v1/policy/active')).active.version).toBe(2);
    expect(pageErrors(page)).toEqual([]);
  });

  it('evaluates a pasted input and a catalog app in the playground, then rolls back', { timeout: 90_000 }, async () => {
    const frozen = await frozenVersion({ active: true });
    const page = await h.signedInPage('admin');
    await page.goto(`${h.url}/console/policies?tab=playground`);
    const inForce = page.getByRole('region', { name: 'Bundle in force' });
    await inForce.getByText(`Version ${frozen}`, { exact: true }).waitFor();

    // The playground: a pasted input, then a catalog app, under the active bundle.
    await page.getByRole('tab', { name: 'Playground' }).click();
    const input = page.getByRole('textbox', { name: 'Input document (JSON)' });
    await input.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('{"app": {"name": "frozen-notes", "owner": "user:ana@example.com"}}');
    await page.getByRole('combobox', { name: 'Evaluate against' }).click();
    await page.getByRole('option', { name: 'The active bundle' }).click();
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.getByText(`Decision at data.trellis.admission under version ${frozen}`, { exact: false }).waitFor();
    expect(await page.getByRole('heading', { name: 'Deny messages' }).locator('..').textContent()).toContain(frozenMessage);
    const fired = page.getByRole('table', { name: 'Rules that fired' });
    expect(await fired.getByRole('row').filter({ hasText: frozenMessage }).textContent()).toContain(`${moduleFile}:${moduleLines}`);
    await h.screenshot(page, 'playground-input');
    await checkA11y(page, 'the playground');

    await page.getByText('A catalog app', { exact: true }).click();
    const appBox = page.getByRole('combobox', { name: 'App', exact: true });
    await appBox.click();
    await appBox.fill('team');
    await page.getByRole('option', { name: /^team-calendar — Team calendar/ }).click();
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await expect.poll(async () => page.getByRole('heading', { name: 'Deny messages' }).locator('..').textContent()).not.toContain(frozenMessage);

    // Roll back, after a confirmation: version 1 is in force again.
    await page.getByRole('button', { name: 'Roll back' }).click();
    await page.getByRole('dialog', { name: 'Roll back the policy bundle?' }).getByRole('button', { name: /^Roll back/ }).click();
    await expect.poll(async () => (await h.api<{ active: { version: number } }>('GET', '/api/v1/policy/active')).active.version).toBe(1);
    await inForce.getByText('Version 1', { exact: true }).waitFor();
    expect(pageErrors(page)).toEqual([]);
  });

  it('gives a reviewer (on a phone) no Save, Activate or Roll back; an auditor no editor; a viewer no page', { timeout: 60_000 }, async () => {
    const frozen = await frozenVersion({ active: false });
    const page = await h.signedInPage('reviewer', phone);
    await page.goto(`${h.url}/console/policies`);
    await page.getByRole('heading', { name: 'Policies', level: 2 }).waitFor();
    await page.getByRole('table', { name: 'Policy bundle versions' }).waitFor();
    expect(await page.getByRole('button', { name: 'Roll back' }).count()).toBe(0);
    await page.getByRole('button', { name: `Open version ${frozen}` }).click();
    await page.getByRole('tab', { name: 'Impact and activation' }).click();
    await page.getByRole('button', { name: 'Analyse impact' }).click();
    await page.getByRole('table', { name: `Apps whose decision changes under version ${frozen}` }).waitFor();
    expect(await page.getByRole('button', { name: /^Activate/ }).count()).toBe(0);
    await h.screenshot(page, 'reviewer-phone-impact');
    await checkA11y(page, 'the impact analysis for a reviewer at phone width');

    await page.getByRole('tab', { name: 'Editor' }).click();
    await page.getByRole('button', { name: 'Run tests' }).waitFor();
    expect(await page.getByRole('button', { name: 'Save as new version' }).count()).toBe(0);
    await h.screenshot(page, 'reviewer-phone-editor');
    await checkA11y(page, 'the editor for a reviewer at phone width');
    expect(pageErrors(page)).toEqual([]);

    const auditor = await h.signedInPage('auditor');
    await auditor.goto(`${h.url}/console/policies`);
    await auditor.getByRole('table', { name: 'Policy bundle versions' }).waitFor();
    expect(await auditor.getByRole('tablist').first().getByRole('tab').allTextContents()).toEqual(['Versions']);

    const viewer = await h.signedInPage('viewer');
    expect(await viewer.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Policies', exact: true }).count()).toBe(0);
  });
});
