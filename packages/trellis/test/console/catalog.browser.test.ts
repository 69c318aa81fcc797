/**
 * The catalog page in a real browser, over 300 apps imported through the API: the first page
 * of 100 arrives and scrolling the table loads the next; search is debounced into the address
 * (a reloaded link shows the same list); status and team filters narrow it on the server; a row
 * opens its app; the order is chosen from a menu or the column headers, paged by the server and
 * kept in the address; an empty result says what to try; a phone shows it without sideways scrolling;
 * a viewer sees no register button; axe finds no serious violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTestsRun, expectNoSeriousA11yViolations, pageErrors, phone, startConsole, type ConsoleHarness } from './browser.ts';

const imported = 300;

/** A Backstage catalog file: every 25th app is a payroll bridge (12 of them, 6 in each team), the rest leave or expense apps in two teams. */
function backstageCatalog(): string {
  const entities: string[] = [];
  for (let i = 0; i < imported; i++) {
    const n = String(i).padStart(3, '0');
    const title = i % 25 === 7 ? `Payroll bridge ${n}` : i % 2 === 0 ? `Leave tracker ${n}` : `Expense report ${n}`;
    const team = i % 2 === 0 ? 'people-ops' : 'finance';
    entities.push(`apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: catalog-${n}\n  title: ${title}\nspec:\n  type: service\n  owner: group:${team}\n`);
  }
  return entities.join('---\n');
}

const appsTable = (page: Page) => page.getByRole('table', { name: 'Apps' });
const scrollToEnd = (page: Page) =>
  appsTable(page).evaluate((t) => {
    const scroller = t.parentElement!;
    scroller.scrollTop = scroller.scrollHeight;
  });
/** The name of the first app row (row 0 is the header). */
const firstApp = async (page: Page) => (await appsTable(page).getByRole('row').nth(1).getByRole('link').first().textContent())?.trim();
const shownCount = async (page: Page) => Number(/([\d,]+) apps? shown/.exec((await page.getByText(/apps? shown/).textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? NaN);

describe.runIf(browserTestsRun)('console catalog', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsole('catalog');
    const r = await h.api<{ imported: number }>('POST', '/api/v1/apps/import', backstageCatalog(), { contentType: 'application/yaml' });
    expect(r.imported).toBe(imported);
    // One app governance approves on registration (no data, sandboxed): another status to filter by.
    await h.api('POST', '/api/v1/apps', {
      apiVersion: 'trellis.dev/v1',
      kind: 'MicroApp',
      metadata: { name: 'zz-approved-notes', title: 'Team notes' },
      spec: { owner: 'user:ana@example.com', team: 'people-ops', classification: 'public', runtime: 'sandbox', purpose: 'Shared notes' },
    });
  }, 180_000);
  afterAll(async () => h?.close());

  it('pages through the catalog as the table scrolls, searches into the address, filters and opens a row', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin');
    await page.goto(`${h.url}/console/apps`);
    await appsTable(page).getByRole('link', { name: 'catalog-000' }).waitFor();
    await expect.poll(() => shownCount(page)).toBe(100);
    await page.getByText('more as you scroll').waitFor();
    await h.screenshot(page, 'catalog-first-page');
    await expectNoSeriousA11yViolations(page, 'catalog');

    // Scrolling to the end of the table loads the next page from the cursor, until the last.
    await scrollToEnd(page);
    await expect.poll(() => shownCount(page), { timeout: 15_000 }).toBe(200);
    await expect
      .poll(async () => {
        await scrollToEnd(page);
        return shownCount(page);
      }, { timeout: 30_000 })
      .toBe(imported + 1);
    expect(await page.getByText('more as you scroll').count()).toBe(0);
    await appsTable(page).getByRole('link', { name: 'zz-approved-notes' }).waitFor();

    // Search: typed, debounced into ?q=, and the server's matches only.
    await page.getByLabel('Search apps').fill('payr');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('payr');
    await expect.poll(() => shownCount(page)).toBe(12);
    expect(await appsTable(page).getByText(/^Payroll bridge/).count()).toBe(12);
    await h.screenshot(page, 'catalog-search');

    // The address is the view: a reload shows the same search.
    await page.reload();
    await expect.poll(() => page.getByLabel('Search apps').inputValue()).toBe('payr');
    await expect.poll(() => shownCount(page)).toBe(12);

    // Filters combine with the search, on the server.
    await page.getByLabel('Team').fill('finance');
    await expect.poll(() => new URL(page.url()).searchParams.get('team')).toBe('finance');
    await expect.poll(() => shownCount(page)).toBe(6);
    await page.getByRole('button', { name: 'Clear search and filters' }).first().click();
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await page.getByLabel('Status').selectOption('approved');
    await expect.poll(() => shownCount(page)).toBe(1);
    await appsTable(page).getByText('approved', { exact: true }).waitFor();

    // Nothing matches: the page says so and how to get back.
    await page.getByLabel('Search apps').fill('nothing-like-this');
    await page.getByText('No app matches').waitFor();
    await page.getByRole('button', { name: 'Clear search and filters' }).first().click();
    await expect.poll(() => shownCount(page)).toBe(100);

    // A row opens its app page.
    await appsTable(page).getByRole('row').filter({ hasText: 'catalog-001' }).getByText('Expense report 001').click();
    await expect.poll(() => page.url()).toContain('/console/apps/catalog-001');
    await page.getByRole('heading', { level: 2, name: 'Expense report 001' }).waitFor();
    expect(pageErrors(page)).toEqual([]);
  });

  it('sorts on the server from the menu and the column headers, and keeps the order in the address', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('admin');
    await page.goto(`${h.url}/console/apps`);
    await expect.poll(() => firstApp(page)).toBe('catalog-000');

    // The menu: newest registration first puts the app registered after the import on top.
    await page.getByLabel('Sort by').selectOption('-created_at');
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('-created_at');
    await expect.poll(() => firstApp(page)).toBe('zz-approved-notes');
    await page.getByText(/; order: Newest registration first$/).waitFor();

    // The App header: ascending first (the default order, left out of the address), then descending.
    const appHeader = appsTable(page).getByRole('columnheader', { name: /^App/ });
    await appHeader.getByRole('button').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBeNull();
    await expect.poll(() => firstApp(page)).toBe('catalog-000');
    await appHeader.getByRole('button').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('-name');
    await expect.poll(() => firstApp(page)).toBe('zz-approved-notes');
    expect(await appHeader.getAttribute('aria-sort')).toBe('descending');
    expect(await page.getByLabel('Sort by').inputValue()).toBe('-name');

    // The order pages like the name order (keyset cursor) and combines with search: reloaded from the address.
    await page.goto(`${h.url}/console/apps?q=payr&sort=-name`);
    await expect.poll(() => shownCount(page)).toBe(12);
    await expect.poll(() => firstApp(page)).toBe('catalog-282');
    await page.goto(`${h.url}/console/apps?sort=-name`);
    await expect.poll(() => shownCount(page)).toBe(100);
    await scrollToEnd(page);
    await expect.poll(() => shownCount(page), { timeout: 15_000 }).toBe(200);
    const names = await appsTable(page).getByRole('link').allTextContents();
    expect(names).toEqual([...names].sort().reverse());
    await h.screenshot(page, 'catalog-sorted');
    expect(pageErrors(page)).toEqual([]);
  });

  it('fits a phone, and shows a viewer no register button', { timeout: 90_000 }, async () => {
    const page = await h.signedInPage('viewer', phone);
    await page.goto(`${h.url}/console/apps?q=payroll`);
    await expect.poll(() => shownCount(page)).toBe(12);
    await appsTable(page).getByRole('link', { name: 'catalog-007' }).waitFor();
    expect(await page.getByRole('button', { name: 'Register an app' }).count()).toBe(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectNoSeriousA11yViolations(page, 'catalog on a phone');
    await h.screenshot(page, 'catalog-phone');

    const builder = await h.signedInPage('builder');
    await builder.goto(`${h.url}/console/apps`);
    await builder.getByRole('button', { name: 'Register an app' }).waitFor();
    expect(pageErrors(page)).toEqual([]);
  });
});
