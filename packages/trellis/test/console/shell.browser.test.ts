/**
 * The console's frame in a real browser: sign-in with a token (a wrong one refused with a
 * message), the navigation showing only what a role may open, a page a role may not open not
 * routed, sign-out, the phone layout, no CSP refusal or script error, and no serious
 * accessibility violation on the sign-in page and the frame.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, expectNoSeriousA11yViolations, pageErrors, phone, startConsole, type ConsoleHarness } from './browser.ts';

describe.runIf(browserTestsRun)('console shell', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsole('shell');
  }, 180_000);
  afterAll(async () => h?.close());

  it('refuses a wrong token with a message, then signs in and out', { timeout: 90_000 }, async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(`${h.url}/`);
    await expect.poll(() => page.url()).toContain('/console/');
    await page.getByLabel('API token').waitFor();
    await expectNoSeriousA11yViolations(page, 'sign-in');
    await h.screenshot(page, 'sign-in');
    await page.getByLabel('API token').fill('trl_0000000000000000_' + 'A'.repeat(43));
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await expect.poll(() => page.getByText('That token is not valid').count()).toBeGreaterThan(0);

    await page.getByLabel('API token').fill(h.tokens.admin);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await expect.poll(() => page.getByLabel('role admin').count()).toBe(1);
    await h.screenshot(page, 'signed-in-admin');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    await context.close();
  });

  it('shows each role only the pages it may open, and routes no other', { timeout: 90_000 }, async () => {
    const admin = await h.signedInPage('admin');
    const nav = admin.getByRole('navigation', { name: 'Pages' });
    for (const name of ['Dashboard', 'Catalog', 'Register an app', 'Review queue', 'Policies', 'Data protection', 'Connectors & secrets', 'Audit', 'Kill switch']) {
      await expect.poll(() => nav.getByRole('link', { name, exact: true }).count(), { message: name }).toBe(1);
    }
    await expectNoSeriousA11yViolations(admin, 'the frame as admin');

    const viewer = await h.signedInPage('viewer');
    const vnav = viewer.getByRole('navigation', { name: 'Pages' });
    await vnav.getByRole('link', { name: 'Catalog', exact: true }).waitFor();
    for (const name of ['Register an app', 'Kill switch', 'Review queue']) expect(await vnav.getByRole('link', { name, exact: true }).count(), name).toBe(0);
    await viewer.goto(`${h.url}/console/kill-switch`);
    await viewer.getByText('No such page').waitFor();
    await h.screenshot(viewer, 'viewer-no-kill-switch');
    expect(pageErrors(admin)).toEqual([]);
    expect(pageErrors(viewer)).toEqual([]);
  });

  it('fits a phone: the navigation folds behind a menu button', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin', phone);
    const menu = page.getByRole('button', { name: 'Open the navigation' });
    await menu.waitFor();
    await menu.click();
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Catalog', exact: true }).click();
    await expect.poll(() => page.url()).toContain('/console/apps');
    await h.screenshot(page, 'phone-catalog');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(pageErrors(page)).toEqual([]);
  });
});
