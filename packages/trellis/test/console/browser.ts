/**
 * The harness for the console's browser tests: a real Trellis server (SQLite, a fresh data
 * directory) serving the built console, Debian's Chromium driven by playwright-core, pages signed
 * in as a role with an API token, screenshots under .tmp/screenshots/<test>/ (git-ignored) for a
 * person to look at, and axe-core's accessibility check.
 *
 * The console served is TRELLIS_CONSOLE_DIST when set (a helper's own build), else
 * packages/console/dist, built first when missing or stale. Browser tests run when Chromium is
 * installed (.ci/run installs it); TRELLIS_CHROMIUM names another binary.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { RunningServer } from '../../src/server.ts';
import { roles, type Role } from '../../src/module.ts';
import { startTestServer } from '../server.ts';

export const chromiumPath = process.env.TRELLIS_CHROMIUM ?? '/usr/bin/chromium';
/** Whether browser tests run here: always in CI (where a missing browser must fail), else when Chromium is installed. */
export const browserTestsRun = existsSync(chromiumPath) || Boolean(process.env.CI);

const repoRoot = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
const screenshotRoot = join(repoRoot, '.tmp', 'screenshots');

/** .tmp/screenshots/<test>/, made if missing: where a test's screenshots go. */
export function screenshotDir(test: string): string {
  const dir = join(screenshotRoot, test);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Headless Chromium as this machine runs it: no background traffic to hosts the closed network refuses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The built console to serve: the caller's own build, or the repository's (built when stale). */
export async function consoleDist(): Promise<string> {
  if (process.env.TRELLIS_CONSOLE_DIST) return process.env.TRELLIS_CONSOLE_DIST;
  const build = (await import(join(repoRoot, 'scripts', 'build-console.mjs'))) as { ensureConsoleBuilt(root?: string, say?: (l: string) => void): Promise<boolean> };
  await build.ensureConsoleBuilt(repoRoot, () => {});
  return join(repoRoot, 'packages', 'console', 'dist');
}

export const desktop = { width: 1280, height: 900 };
export const phone = { width: 390, height: 844 };

export interface ConsoleHarness {
  server: RunningServer;
  url: string;
  browser: Browser;
  /** An API token per role (the admin one is the bootstrap token). */
  tokens: Record<Role, string>;
  /** A JSON request to the API as a role (default admin); throws with the problem on a non-2xx answer unless `expectStatus` says otherwise. */
  api<T = unknown>(method: string, path: string, body?: unknown, opts?: { role?: Role; token?: string; contentType?: string; expectStatus?: number }): Promise<T>;
  /** An API token for a person: role and subject (user:<email>). */
  tokenFor(role: Role, subject: string): Promise<string>;
  /** A new page signed in with a token (a role's, or the one given), at desktop size unless told. */
  signedInPage(who: Role | { token: string }, viewport?: { width: number; height: number }): Promise<Page>;
  /** Saves a full-page screenshot as .tmp/screenshots/<test>/<nn>-<name>.png. */
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startConsole(test: string): Promise<ConsoleHarness> {
  const consoleDir = await consoleDist();
  const { server, token } = await startTestServer(`console-${test}`, { consoleDir });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  let shot = 0;
  const shotDir = screenshotDir(test);

  const api = async <T>(method: string, path: string, body?: unknown, opts: { role?: Role; token?: string; contentType?: string; expectStatus?: number } = {}): Promise<T> => {
    const bearer = opts.token ?? tokens[opts.role ?? 'admin'];
    const headers: Record<string, string> = { authorization: `Bearer ${bearer}` };
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      payload = typeof body === 'string' && opts.contentType ? body : JSON.stringify(body);
    }
    const res = await fetch(server.url + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as T) : (undefined as T);
    if (opts.expectStatus !== undefined) expect(res.status, `${method} ${path}: ${text.slice(0, 300)}`).toBe(opts.expectStatus);
    else if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 500)}`);
    return parsed;
  };

  const tokens = { admin: token } as Record<Role, string>;
  for (const role of roles) {
    if (role === 'admin') continue;
    tokens[role] = (await api<{ token: string }>('POST', '/api/v1/tokens', { name: `console-${role}`, role })).token;
  }

  const tokenFor = async (role: Role, subject: string) => (await api<{ token: string }>('POST', '/api/v1/tokens', { name: `console-${role}-${subject.replace(/[^A-Za-z0-9]/g, '-')}`.slice(0, 90), role, subject })).token;

  const signedInPage = async (who: Role | { token: string }, viewport = desktop): Promise<Page> => {
    // Reduced motion: dialogs open and close at once, so what a test reads or axe measures is never mid-fade.
    const context = await browser.newContext({ viewport, bypassCSP: false, reducedMotion: 'reduce' });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      // A CSP refusal is a bug in the console (an inline style or script the policy forbids).
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
    });
    (page as Page & { consoleErrors: string[] }).consoleErrors = errors;
    await page.goto(`${server.url}/console/`);
    await page.getByLabel('API token').fill(typeof who === 'string' ? tokens[who] : who.token);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return page;
  };

  return {
    server,
    url: server.url,
    browser,
    tokens,
    api,
    tokenFor,
    signedInPage,
    async screenshot(page, name) {
      shot++;
      await page.screenshot({ path: join(shotDir, `${String(shot).padStart(2, '0')}-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}.png`), fullPage: true });
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await server.close();
    },
  };
}

/** JavaScript errors and CSP refusals the page reported since it opened. */
export function pageErrors(page: Page): string[] {
  return (page as Page & { consoleErrors?: string[] }).consoleErrors ?? [];
}

let axeText: string | undefined;
const axeSourceText = (): string => (axeText ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical violation,
 * naming the rule and the elements.
 */
export async function expectNoSeriousA11yViolations(page: Page, what: string): Promise<void> {
  // A dialog or drawer fading in or out paints its text over a half-opaque backdrop, which axe
  // would measure mid-way: let every running animation and transition finish first.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  // evaluate() runs through the DevTools protocol, which the page's CSP does not govern, so the
  // policy stays as strict as in production.
  if (!hasAxe) await page.evaluate(axeSourceText());
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} [${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 160)}]`).join(', ')}`);
  });
  expect(violations, `accessibility on ${what}`).toEqual([]);
}
