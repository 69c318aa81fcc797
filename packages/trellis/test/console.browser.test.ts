/**
 * The web console in a real browser (Debian's Chromium driven by playwright-core): sign in
 * with a token, see the catalog, open an app, see the audit chain's status, scan text and
 * manage a custom detector. Runs when
 * Chromium is installed (.ci/run installs it); locally set TRELLIS_CHROMIUM to another path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunningServer } from '../src/server.ts';
import { startTestServer } from './server.ts';
import { startSsoTestApp, type TestIdp } from './sso-idp.ts';
import type { TestApp } from './app.ts';
import { testDatabases } from './databases.ts';

const executablePath = process.env.TRELLIS_CHROMIUM ?? '/usr/bin/chromium';

/** Headless Chromium as this machine runs it: no background traffic to hosts the closed network refuses. */
function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

describe.runIf(existsSync(executablePath) || process.env.CI)('web console', () => {
  let server: RunningServer;
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    ({ server, token } = await startTestServer('console'));
    const manifest = 'apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: leave-requests\n  title: Leave requests\nspec:\n  owner: user:ana@example.com\n  team: hr\n  classification: confidential\n';
    const res = await fetch(`${server.url}/api/v1/apps`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' }, body: manifest });
    expect(res.status).toBe(201);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in, lists and opens an app, and shows the audit chain as intact', { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url + '/');
    await page.fill('#token', 'trl_0000000000000000_' + 'A'.repeat(43));
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#sign-in-error:not(:empty)');
    expect(await page.textContent('#sign-in-error')).toContain('not valid');

    await page.fill('#token', token);
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#apps tbody tr');
    expect(await page.textContent('#apps tbody')).toContain('leave-requests');
    expect(await page.textContent('#who')).toContain('admin');

    await page.click('#apps tbody tr');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.textContent('#detail-title')).toContain('Leave requests');
    expect(await page.textContent('#manifest')).toContain('trellis.dev/v1');
    // Who made each change by name (the bootstrap token's), not by token id.
    expect(await page.textContent('#versions')).toMatch(/v1 — \S+ by bootstrap-admin/);
    expect(await page.textContent('#detail-facts')).toMatch(/Created\S+ by bootstrap-admin/);
    // Both tiers, the risk with its score, and what was decided.
    const facts = (await page.textContent('#detail-facts')) ?? '';
    expect(facts).toContain('Classificationconfidential (declared confidential, detected none)');
    expect(facts).toMatch(/Risk(low|medium|high|critical) — \d+\/100/);
    expect(facts).toMatch(/Decision(approved|pending review) \(policy bundle 1\)/);
    expect(facts).toMatch(/Risk factorsdata_tier: [\d.]+ points/);

    await page.click('button[data-view=audit]');
    await page.waitForSelector('#chain-status.ok');
    expect(await page.textContent('#chain-status')).toMatch(/intact — \d+ events verified/);
    expect(await page.textContent('#events')).toContain('app.register');
    expect(errors).toEqual([]);
  });

  it('scans text, and adds, tests and activates a custom detector that scans then use', { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url + '/');
    await page.fill('#token', token);
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#apps tbody tr');
    await page.click('button[data-view=dlp]');
    await page.waitForSelector('#detectors tbody tr');
    expect(await page.textContent('#detectors tbody')).toContain('no custom detectors yet');

    await page.fill('#scan-text', 'Write to ana.lima@northwindtraders.com about project bluebird');
    await page.click('#scan-form button[type=submit]');
    await page.waitForSelector('#redacted:not(:empty)');
    expect(await page.textContent('#findings tbody')).toContain('EMAIL_ADDRESS');
    expect(await page.textContent('#redacted')).not.toContain('ana.lima@northwindtraders.com');

    await page.fill('#det-id', 'project-code');
    await page.fill('#det-entity', 'PROJECT_CODE');
    await page.fill('#det-terms', 'bluebird, nightjar');
    await page.fill('#det-positive', 'project bluebird starts');
    await page.fill('#det-negative', 'a blue bird');
    await page.click('#det-test');
    await page.waitForSelector('#det-report:not([hidden])');
    expect(await page.textContent('#det-report')).toContain('all pass');
    await page.click('#detector-form button[type=submit]');
    await page.waitForSelector('#detectors tbody tr[data-id=project-code]');
    expect(await page.textContent('#detectors tbody tr[data-id=project-code]')).toContain('draft');
    await page.click('#detectors tbody tr[data-id=project-code] button:has-text("Activate")');
    await page.waitForSelector('#detectors tbody tr[data-id=project-code] .status-active');

    await page.click('#scan-form button[type=submit]');
    await page.waitForSelector('#findings tbody td:has-text("custom:project-code")');
    // The preview comes from a second request, after the findings.
    await page.waitForSelector('#redacted:has-text("PROJECT_CODE")');
    expect(await page.textContent('#redacted')).not.toContain('bluebird');

    // Tokenize a card through the API, then reveal it in the console with a reason.
    const card = '4532015112830366';
    const tr = await fetch(`${server.url}/api/v1/dlp/transform`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: card, plan: { rules: [{ entity: 'CREDIT_CARD', operator: { type: 'tokenize' } }] } }) });
    const tokenized = ((await tr.json()) as { value: string }).value;
    expect(tokenized).not.toBe(card);
    await page.fill('#rev-value', tokenized);
    await page.fill('#rev-entity', 'CREDIT_CARD');
    await page.fill('#rev-reason', 'dispute 4711');
    await page.click('#reveal-form button[type=submit]');
    await page.waitForSelector('#revealed:not([hidden])');
    expect(await page.textContent('#revealed')).toBe(card);
    expect(await page.textContent('#error')).toBe('');
    expect(errors).toEqual([]);
  });

  it('validates form fields with pattern attributes that Chromium accepts (the v flag rules)', { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    const messages: string[] = [];
    page.on('console', (m) => messages.push(m.text()));
    await page.goto(server.url + '/');
    // Chromium compiles `pattern` with the `v` flag and ignores one that does not compile.
    const invalid = await page.$$eval('input[pattern]', (inputs) =>
      inputs.flatMap((i) => {
        const p = i.getAttribute('pattern')!;
        try { new RegExp(`^(?:${p})$`, 'v'); return []; } catch { return [`${i.id}: ${p}`]; }
      }),
    );
    expect(invalid).toEqual([]);
    await page.fill('#token', token);
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#apps tbody tr');
    await page.click('button[data-view=dlp]');
    await page.waitForSelector('#det-id');
    const idValidity = async (value: string) => {
      await page.fill('#det-id', value);
      return page.$eval('#det-id', (i) => {
        const { validity } = i as unknown as { validity: { valid: boolean; patternMismatch: boolean } };
        return { valid: validity.valid, patternMismatch: validity.patternMismatch };
      });
    };
    expect(await idValidity('Project_Code')).toEqual({ valid: false, patternMismatch: true });
    expect(await idValidity('-project')).toEqual({ valid: false, patternMismatch: true });
    expect(await idValidity('project-code')).toEqual({ valid: true, patternMismatch: false });
    expect(messages.filter((m) => m.includes('pattern'))).toEqual([]);
  });

  it('shows no tabs before sign-in, and after it only those the role may use', { timeout: 120_000 }, async () => {
    const tokenFor = async (role: string): Promise<string> => {
      const res = await fetch(`${server.url}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `console-${role}`, role }) });
      expect(res.status).toBe(201);
      return ((await res.json()) as { token: string }).token;
    };
    // The test runs without the DOM type library, so elements are typed by the fields read here.
    type Shown = { offsetParent: unknown; hidden: boolean; id: string; dataset: Record<string, string> };
    const visibleTabs = (page: Page) => page.$$eval('button.tab', (bs) => (bs as unknown as Shown[]).filter((b) => b.offsetParent !== null).map((b) => b.dataset.view));
    const visibleParts = (page: Page) => page.$$eval('#dlp article, #detector-form', (as) => (as as unknown as Shown[]).filter((a) => !a.hidden).map((a) => a.id));

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url + '/');
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await visibleTabs(page)).toEqual([]);

    const cases = [
      { role: 'builder', tabs: ['catalog', 'dlp'], dlp: ['dlp-scan'] },
      { role: 'viewer', tabs: ['catalog'], dlp: [] },
      { role: 'auditor', tabs: ['catalog', 'audit', 'dlp'], dlp: ['dlp-scan', 'dlp-detectors'] },
      { role: 'admin', tabs: ['catalog', 'audit', 'dlp'], dlp: ['dlp-scan', 'dlp-detectors', 'detector-form', 'dlp-reveal'] },
    ];
    for (const c of cases) {
      await page.fill('#token', c.role === 'admin' ? token : await tokenFor(c.role));
      await page.click('#token-form button[type=submit]');
      await page.waitForSelector('#apps tbody tr');
      expect(await page.textContent('#who')).toContain(`(${c.role})`);
      expect(await visibleTabs(page), c.role).toEqual(c.tabs);
      if (c.tabs.includes('dlp')) {
        await page.click('button[data-view=dlp]');
        await page.waitForSelector('#dlp:not([hidden])');
        expect(await visibleParts(page), c.role).toEqual(c.dlp);
      }
      expect(await page.textContent('#error'), c.role).toBe('');
      await page.click('#sign-out');
      await page.waitForSelector('#sign-in:not([hidden])');
      expect(await visibleTabs(page)).toEqual([]);
    }
    expect(errors).toEqual([]);
  });

  it('fits a 420 px wide screen: nothing scrolls the page sideways', { timeout: 120_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const scrollWidth = () => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    await page.goto(server.url + '/');
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await scrollWidth(), 'sign-in').toBeLessThanOrEqual(420);
    await page.fill('#token', token);
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#apps tbody tr');
    await page.click('#apps tbody tr');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await scrollWidth(), 'catalog').toBeLessThanOrEqual(420);
    await page.click('button[data-view=audit]');
    await page.waitForSelector('#events tbody tr');
    expect(await scrollWidth(), 'audit').toBeLessThanOrEqual(420);
    await page.click('button[data-view=dlp]');
    await page.waitForSelector('#detectors tbody tr');
    expect(await scrollWidth(), 'data protection').toBeLessThanOrEqual(420);
    expect(errors).toEqual([]);
  });

  it('has a favicon the browser can draw', { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(server.url + '/');
    const width = await page.evaluate(async () => {
      type Img = { src: string; naturalWidth: number; decode(): Promise<void> };
      const g = globalThis as unknown as { Image: new () => Img; document: { querySelector(s: string): { getAttribute(a: string): string } | null } };
      const img = new g.Image();
      img.src = g.document.querySelector('link[rel=icon]')?.getAttribute('href') ?? '';
      await img.decode();
      return img.naturalWidth;
    });
    expect(width).toBeGreaterThan(0);
  });

  it('sends strict security headers with the page', async () => {
    const res = await fetch(server.url + '/');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});

/**
 * Single sign-on through the console in the browser: the sign-in page offers it when an IdP is
 * configured, the IdP (oidc-provider on loopback) signs the person in, the console resumes the
 * session from its cookie, an unsafe call carries the session's CSRF token, and signing out
 * ends the session and goes on to the IdP's logout.
 */
describe.runIf(existsSync(executablePath) || process.env.CI)('web console with single sign-on', () => {
  let idp: TestIdp;
  let t: TestApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ idp, t, base } = await startSsoTestApp(testDatabases[0]!, (idp) => {
      idp.accounts.set('alice', { email: 'alice@corp-test.net', email_verified: true, name: 'Alice Admin', groups: ['trellis-admins'], department: 'finance' });
      return { roleMap: 'trellis-admins=admin', acrValues: ['urn:trellis:mfa'] };
    }));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await idp?.close();
  });

  it('signs in at the IdP, works with the session cookie and its CSRF token, and signs out', { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base + '/');
    await page.waitForSelector('#sso:not([hidden])');
    idp.signInAs('alice', { acr: 'urn:trellis:mfa' });
    await page.click('#sso-link');
    await page.waitForSelector('#catalog:not([hidden])');
    expect(await page.textContent('#who')).toContain('admin');
    expect(new URL(page.url()).origin).toBe(base);

    // A POST authenticated by the cookie: the console sends the CSRF token, so it goes through.
    await page.click('button[data-view=dlp]');
    await page.fill('#scan-text', 'Write to ana.lima@northwindtraders.com');
    await page.click('#scan-form button[type=submit]');
    await page.waitForSelector('#redacted:not(:empty)');
    expect(await page.textContent('#findings tbody')).toContain('EMAIL_ADDRESS');

    const cookies = await page.context().cookies(base);
    expect(cookies.find((c) => c.name === 'trellis_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    await page.click('#sign-out');
    await page.waitForURL((u) => u.origin === idp.issuer);
    const after = await fetch(`${base}/api/v1/session`, { headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') } });
    expect(after.status).toBe(401);
    expect(errors).toEqual([]);
  });
});
