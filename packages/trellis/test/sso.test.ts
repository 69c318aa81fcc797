/**
 * Single sign-on against a real IdP (oidc-provider on loopback), at the HTTP level: the
 * browser's authorization code flow with PKCE walked hop by hop with a cookie jar, sessions
 * (cookie flags, CSRF, idle and absolute timeouts, logout with the IdP's end-session URL,
 * the revocation feed), role mapping and MFA, refusals of tampered, replayed or cross-browser
 * callbacks and of open redirects, and the device authorization grant behind `trellis login`.
 * Trellis listens on 127.0.0.1 so the IdP can send the browser back to it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { trellis, trellisBin } from './run-cli.ts';
import { makeTestApp, type TestApp } from './app.ts';
import { buildApp } from '../src/app.ts';
import { createServices, startModules, stopModules } from '../src/services.ts';
import { testDatabases } from './databases.ts';
import { Browser, startSsoTestApp, type TestIdp } from './sso-idp.ts';

const MFA = { acr: 'urn:trellis:mfa', amr: ['pwd', 'otp'] };
const PASSWORD_ONLY = { acr: 'urn:trellis:pwd', amr: ['pwd'] };

for (const tdb of testDatabases) {
  describe(`single sign-on through oidc-provider (${tdb.name})`, () => {
    let idp: TestIdp;
    let t: TestApp;
    let base: string;

    beforeAll(async () => {
      ({ idp, t, base } = await startSsoTestApp(tdb, (idp) => {
        idp.accounts.set('alice', { email: 'Alice@Example.com', email_verified: true, name: 'Alice Admin', groups: ['trellis-admins', 'staff'], department: 'finance', location: 'Berlin', employment_type: 'employee' });
        idp.accounts.set('bob', { email: 'bob@example.com', name: 'Bob Builder', groups: ['engineering'] });
        idp.accounts.set('carol', { email: 'carol@example.com', name: 'Carol', groups: ['marketing'] });
        idp.accounts.set('dave', { email: 'dave@example.com', name: 'Dave', groups: ['hr-reviewers'] });
        return { roleMap: 'trellis-admins=admin,hr-reviewers=reviewer,engineering=builder', acrValues: ['urn:trellis:mfa'], amrValues: ['otp', 'mfa'] };
      }));
    }, 60_000);

    afterAll(async () => {
      await t?.close();
      await idp?.close();
    });

    /** Walk a browser sign-in up to the callback (returned unvisited) for the account. */
    async function toCallback(account: string, ctx: { acr?: string; amr?: string[] }, returnTo = '/apps', browser = new Browser()): Promise<{ browser: Browser; callback: string }> {
      const start = await browser.fetch(`${base}/auth/login?return_to=${encodeURIComponent(returnTo)}`);
      expect(start.status).toBe(302);
      const location = start.headers.get('location')!;
      expect(location.startsWith(`${idp.issuer}/`)).toBe(true);
      idp.signInAs(account, ctx);
      const hop = await browser.follow(location, { stopAt: `${base}/auth/callback` });
      expect(hop.url.startsWith(`${base}/auth/callback?`)).toBe(true);
      return { browser, callback: hop.url };
    }

    async function signIn(account: string, ctx: { acr?: string; amr?: string[] } = MFA, returnTo = '/apps'): Promise<{ browser: Browser; res: Response }> {
      const { browser, callback } = await toCallback(account, ctx, returnTo);
      return { browser, res: await browser.fetch(callback) };
    }

    async function csrfOf(browser: Browser): Promise<string> {
      const r = await browser.fetch(`${base}/api/v1/session`);
      expect(r.status).toBe(200);
      return ((await r.json()) as { csrf_token: string }).csrf_token;
    }

    async function events(action: string, outcome?: 'success' | 'failure') {
      return (await t.services.audit.list({ action, ...(outcome ? { outcome } : {}), limit: 500 })).map((r) => r.event);
    }

    it('signs a person in: PKCE and state at the IdP, a session cookie with safe flags, the API answers the cookie', async () => {
      const b = new Browser();
      const start = await b.fetch(`${base}/auth/login?return_to=${encodeURIComponent('/apps?tab=mine')}`);
      const authUrl = new URL(start.headers.get('location')!);
      expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authUrl.searchParams.get('code_challenge')).toBeTruthy();
      expect(authUrl.searchParams.get('state')).toBeTruthy();
      expect(authUrl.searchParams.get('nonce')).toBeTruthy();
      expect(authUrl.searchParams.get('redirect_uri')).toBe(`${base}/auth/callback`);
      expect(authUrl.searchParams.get('acr_values')).toBe('urn:trellis:mfa');
      expect(authUrl.searchParams.get('scope')).toBe('openid email profile');
      idp.signInAs('alice', MFA);
      const hop = await b.follow(authUrl.toString(), { stopAt: `${base}/auth/callback` });
      const res = await b.fetch(hop.url);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/apps?tab=mine');
      const session = res.headers.getSetCookie().find((c) => c.startsWith('trellis_session='))!;
      expect(session).toMatch(/^trellis_session=trls_[0-9a-f]{16}_[A-Za-z0-9_-]{43};/);
      expect(session).toContain('HttpOnly');
      expect(session).toContain('SameSite=Lax');
      expect(session).toContain('Path=/');
      // Development mode on plain-http loopback: a Secure cookie would never come back.
      expect(session).not.toContain('Secure');
      expect(b.cookie(base, 'trellis_login')).toBeUndefined();

      const who = await b.fetch(`${base}/api/v1/whoami`);
      expect(who.status).toBe(200);
      expect(await who.json()).toMatchObject({ kind: 'session', role: 'admin', subject: 'user:alice@example.com', name: 'Alice Admin' });
      const me = (await (await b.fetch(`${base}/api/v1/session`)).json()) as Record<string, unknown>;
      expect(me).toMatchObject({ kind: 'browser', subject: 'user:alice@example.com', role: 'admin', attributes: { department: 'finance', location: 'Berlin', employment_type: 'employee', groups: ['trellis-admins', 'staff'] } });
      expect(typeof me.csrf_token).toBe('string');
      expect(Date.parse(me.expires_at as string) - Date.now()).toBeGreaterThan(11.9 * 3600_000);

      const signIns = await events('sign_in', 'success');
      const mine = signIns.find((e) => e.actor.user.uid_alt === 'user:alice@example.com')!;
      expect(mine).toMatchObject({ class_uid: 3002, unmapped: { method: 'browser', role: 'admin' } });
      // No credential of any kind in the trail.
      expect(JSON.stringify(signIns)).not.toMatch(/trls_|eyJ/);
    });

    it('needs the CSRF token and this origin for cookie-authenticated changes, and audits refusals', async () => {
      const { browser: b } = await signIn('alice');
      const csrf = await csrfOf(b);
      const target = `${base}/api/v1/tokens/0123456789abcdef`;
      const without = await b.fetch(target, { method: 'DELETE', headers: { origin: base } });
      expect(without.status).toBe(403);
      expect(((await without.json()) as { code: string }).code).toBe('forbidden');
      const wrong = await b.fetch(target, { method: 'DELETE', headers: { origin: base, 'x-csrf-token': csrf.slice(1) + 'x' } });
      expect(wrong.status).toBe(403);
      const crossOrigin = await b.fetch(target, { method: 'DELETE', headers: { origin: 'https://evil.example', 'x-csrf-token': csrf } });
      expect(crossOrigin.status).toBe(403);
      const noOrigin = await b.fetch(target, { method: 'DELETE', headers: { 'x-csrf-token': csrf } });
      expect(noOrigin.status).toBe(403);
      // Both checks pass: the request reaches the route (which finds no such token).
      const ok = await b.fetch(target, { method: 'DELETE', headers: { origin: base, 'x-csrf-token': csrf } });
      expect(ok.status).toBe(404);
      const viaReferer = await b.fetch(target, { method: 'DELETE', headers: { referer: `${base}/apps`, 'x-csrf-token': csrf } });
      expect(viaReferer.status).toBe(404);
      // Safe methods need neither.
      expect((await b.fetch(`${base}/api/v1/whoami`)).status).toBe(200);
      const refused = await events('session.csrf_refused', 'failure');
      expect(refused.map((e) => (e.unmapped as { reason: string }).reason)).toEqual(expect.arrayContaining(['missing_token', 'wrong_token', 'cross_origin']));
      expect(JSON.stringify(refused)).not.toContain(csrf);
    });

    it('maps groups to roles: the most privileged mapped group wins, no mapped group is refused', async () => {
      const bob = await signIn('bob', PASSWORD_ONLY);
      expect(bob.res.status).toBe(303);
      expect(await (await bob.browser.fetch(`${base}/api/v1/whoami`)).json()).toMatchObject({ role: 'builder', subject: 'user:bob@example.com' });
      const dave = await signIn('dave', { amr: ['pwd', 'mfa'] });
      expect(await (await dave.browser.fetch(`${base}/api/v1/whoami`)).json()).toMatchObject({ role: 'reviewer' });

      const carol = await signIn('carol', MFA);
      expect(carol.res.status).toBe(403);
      expect(await carol.res.json()).toMatchObject({ code: 'sign_in_refused', reason: 'no_mapped_group' });
      expect(carol.res.headers.getSetCookie().some((c) => c.startsWith('trellis_session='))).toBe(false);
      const failures = await events('sign_in', 'failure');
      expect(failures.find((e) => e.actor.user.uid === 'user:carol@example.com')?.unmapped).toMatchObject({ reason: 'no_mapped_group', method: 'browser' });
    });

    it('refuses admin and reviewer sign-ins that do not prove MFA (acr or amr)', async () => {
      const alice = await signIn('alice', PASSWORD_ONLY);
      expect(alice.res.status).toBe(403);
      expect(await alice.res.json()).toMatchObject({ code: 'sign_in_refused', reason: 'mfa_required' });
      const dave = await signIn('dave', { amr: ['pwd'] });
      expect(dave.res.status).toBe(403);
      // amr alone proves it when one of the accepted methods is there.
      const aliceOtp = await signIn('alice', { amr: ['pwd', 'otp'] });
      expect(aliceOtp.res.status).toBe(303);
      const failures = await events('sign_in', 'failure');
      expect(failures.filter((e) => (e.unmapped as { reason: string }).reason === 'mfa_required').length).toBeGreaterThanOrEqual(2);
    });

    it('refuses a callback from another browser, a replayed callback and a tampered code, and audits each', async () => {
      // Another browser (no binding cookie) presents a callback it did not start.
      const first = await toCallback('alice', MFA);
      const stranger = await new Browser().fetch(first.callback);
      expect(stranger.status).toBe(400);
      expect(await stranger.json()).toMatchObject({ code: 'sign_in_failed' });

      // The state is spent: replaying the callback, even from the right browser, fails.
      const second = await toCallback('alice', MFA);
      expect((await second.browser.fetch(second.callback)).status).toBe(303);
      const replay = await second.browser.fetch(second.callback);
      expect(replay.status).toBe(400);

      // A code changed on the way is refused by the IdP.
      const third = await toCallback('alice', MFA);
      const tampered = new URL(third.callback);
      tampered.searchParams.set('code', tampered.searchParams.get('code')!.slice(0, -2) + 'xx');
      const bad = await third.browser.fetch(tampered.toString());
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ code: 'sign_in_failed' });

      // A state nobody issued.
      const forged = await new Browser().fetch(`${base}/auth/callback?code=abc&state=forged`);
      expect(forged.status).toBe(400);

      const reasons = (await events('sign_in', 'failure')).map((e) => (e.unmapped as { reason: string }).reason);
      expect(reasons).toEqual(expect.arrayContaining(['state_mismatch', 'unknown_state', 'idp_error']));
    });

    it('refuses a return_to that leaves Trellis (open redirect)', async () => {
      for (const target of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'apps', '/%0d%0aLocation:x'.replace('%0d%0a', '\r\n')]) {
        const res = await new Browser().fetch(`${base}/auth/login?return_to=${encodeURIComponent(target)}`);
        expect(res.status, target).toBe(400);
        expect(res.headers.get('location'), target).toBeNull();
      }
      expect((await events('sign_in', 'failure')).some((e) => (e.unmapped as { reason: string }).reason === 'unsafe_return_to')).toBe(true);
    });

    it('ends a session unused for the idle timeout, and any session at the absolute timeout despite use', async () => {
      const sso = t.services.sso;
      try {
        const idle = await signIn('bob', PASSWORD_ONLY);
        const t0 = Date.now();
        sso.clock = () => t0 + 29 * 60_000;
        expect((await idle.browser.fetch(`${base}/api/v1/whoami`)).status).toBe(200);
        // Used at 29 minutes: idle counts from there.
        sso.clock = () => t0 + 58 * 60_000;
        expect((await idle.browser.fetch(`${base}/api/v1/whoami`)).status).toBe(200);
        sso.clock = () => t0 + 89 * 60_000;
        const gone = await idle.browser.fetch(`${base}/api/v1/whoami`);
        expect(gone.status).toBe(401);
        expect(((await gone.json()) as { detail: string }).detail).toContain('expired');

        sso.clock = Date.now;
        const busy = await signIn('bob', PASSWORD_ONLY);
        const t1 = Date.now();
        for (let m = 20; m < 12 * 60; m += 20) {
          sso.clock = () => t1 + m * 60_000;
          expect((await busy.browser.fetch(`${base}/api/v1/whoami`)).status, `minute ${m}`).toBe(200);
        }
        sso.clock = () => t1 + 12 * 3600_000 + 1000;
        expect((await busy.browser.fetch(`${base}/api/v1/whoami`)).status).toBe(401);
      } finally {
        sso.clock = Date.now;
      }
      const reasons = (await events('session.expire', 'failure')).map((e) => (e.unmapped as { reason: string }).reason);
      expect(reasons).toEqual(expect.arrayContaining(['idle_timeout', 'absolute_timeout']));
    });

    it('logs out: the cookie is cleared, the session refused, and the IdP end-session URL carries the ID token hint', async () => {
      const { browser: b } = await signIn('alice');
      const stolen = b.cookie(base, 'trellis_session')!;
      const csrf = await csrfOf(b);
      expect((await b.fetch(`${base}/auth/logout`, { method: 'POST' })).status).toBe(403);
      const out = await b.fetch(`${base}/auth/logout`, { method: 'POST', headers: { origin: base, 'x-csrf-token': csrf } });
      expect(out.status).toBe(200);
      expect(out.headers.getSetCookie().find((c) => c.startsWith('trellis_session='))).toMatch(/^trellis_session=; .*Max-Age=0/);
      const body = (await out.json()) as { ended: boolean; end_session_url: string };
      expect(body.ended).toBe(true);
      const end = new URL(body.end_session_url);
      expect(end.origin).toBe(idp.issuer);
      expect(end.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
      expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/`);
      expect(end.searchParams.get('client_id')).toBe(idp.clientId);
      // The old cookie, replayed, is refused.
      const replay = await fetch(`${base}/api/v1/whoami`, { headers: { cookie: `trellis_session=${stolen}` } });
      expect(replay.status).toBe(401);
      expect((await events('session.logout', 'success')).length).toBeGreaterThanOrEqual(1);
    });

    it('ends the sessions of a person the directory deprovisions (subject revoked in the feed) within a second', async () => {
      const { browser: b } = await signIn('bob', PASSWORD_ONLY);
      expect((await b.fetch(`${base}/api/v1/whoami`)).status).toBe(200);
      await t.services.database.db.transaction().execute((tx) => t.services.revocations.revoke(tx, 'subject', 'user:bob@example.com', 'deprovisioned'));
      // No refresh(): the feed's follower brings the entry, as on another replica.
      await expect.poll(async () => (await b.fetch(`${base}/api/v1/whoami`)).status, { timeout: 1000, interval: 50 }).toBe(401);
      // A sign-in after the cut-off works again (a reinstated person).
      await new Promise((r) => setTimeout(r, 5));
      const again = await signIn('bob', PASSWORD_ONLY);
      expect((await again.browser.fetch(`${base}/api/v1/whoami`)).status).toBe(200);
    });

    it('lists live sessions for admins and auditors, marks a deprovisioned person\'s ended, and lets an admin end one', async () => {
      const { browser: davesBrowser } = await signIn('dave', MFA);
      expect((await davesBrowser.fetch(`${base}/api/v1/whoami`)).status).toBe(200);
      const listed = await t.as('auditor', { method: 'GET', url: '/api/v1/sessions?subject=user:dave@example.com' });
      expect(listed.statusCode, listed.body).toBe(200);
      const mine = listed.json().items as { session_id: string; subject: string; kind: string }[];
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((x) => x.subject === 'user:dave@example.com' && x.kind === 'browser')).toBe(true);
      expect(listed.body).not.toMatch(/secret|trls_/);
      // An admin ends it: refused at once, gone from the list, audited.
      const id = mine[0]!.session_id;
      expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/sessions/${id}` })).statusCode).toBe(204);
      expect((await davesBrowser.fetch(`${base}/api/v1/whoami`)).status).toBe(401);
      expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/sessions/${id}` })).statusCode).toBe(404);
      const events = await t.as('admin', { method: 'GET', url: '/api/v1/audit/events?action=session.end' });
      expect(events.body).toContain(id);
      // Deprovisioned through the feed: the remaining sessions are marked ended as well.
      await signIn('dave', MFA);
      await t.services.database.db.transaction().execute((tx) => t.services.revocations.revoke(tx, 'subject', 'user:dave@example.com', 'deprovisioned'));
      await t.services.revocations.refresh();
      await expect.poll(async () => (await t.as('admin', { method: 'GET', url: '/api/v1/sessions?subject=user:dave@example.com' })).json().items.length, { timeout: 1000, interval: 50 }).toBe(0);
    });

    it('a session ended on one replica is refused by another (same database and key) within a second', async () => {
      const services = await createServices(t.services.database, t.services.keys, t.services.config);
      await startModules(services);
      const { app } = await buildApp({ config: { bodyLimit: 1024 * 1024, authFailureLimit: 1000, trustProxy: false, logLevel: 'silent' }, services });
      try {
        const { browser: b } = await signIn('alice');
        const cookie = `trellis_session=${b.cookie(base, 'trellis_session')!}`;
        const other = () => app.inject({ method: 'GET', url: '/api/v1/whoami', headers: { cookie } });
        expect((await other()).statusCode).toBe(200);
        // The CSRF token one replica hands out is good on the other.
        const csrf = await csrfOf(b);
        expect((await app.inject({ method: 'DELETE', url: '/api/v1/tokens/0123456789abcdef', headers: { cookie, origin: base, 'x-csrf-token': csrf } })).statusCode).toBe(404);
        expect((await b.fetch(`${base}/auth/logout`, { method: 'POST', headers: { origin: base, 'x-csrf-token': csrf } })).status).toBe(200);
        await expect.poll(async () => (await other()).statusCode, { timeout: 1000, interval: 50 }).toBe(401);
      } finally {
        await app.close();
        await stopModules(services);
        await services.audit.stop();
      }
    });

    it('signs in a terminal with the device authorization grant: pending, then a trls_ session token', async () => {
      const started = await fetch(`${base}/auth/device`, { method: 'POST' });
      expect(started.status).toBe(200);
      const d = (await started.json()) as { handle: string; user_code: string; verification_uri: string; verification_uri_complete: string; interval: number; expires_in: number };
      expect(d.verification_uri.startsWith(idp.issuer)).toBe(true);
      expect(d.interval).toBeGreaterThan(0);
      const poll = () => fetch(`${base}/auth/device/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: d.handle }) });
      const pending = await poll();
      expect(pending.status).toBe(400);
      expect(await pending.json()).toMatchObject({ error: 'authorization_pending' });
      expect((await fetch(`${base}/auth/device/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: 'not-a-handle' }) })).status).toBe(400);

      // The person approves the code at the IdP in a browser.
      idp.signInAs('alice', MFA);
      const approved = await new Browser().follow(d.verification_uri_complete);
      expect(approved.res?.status).toBe(200);

      const done = await poll();
      expect(done.status).toBe(200);
      const s = (await done.json()) as { token: string; subject: string; role: string };
      expect(s).toMatchObject({ subject: 'user:alice@example.com', role: 'admin' });
      expect(s.token).toMatch(/^trls_[0-9a-f]{16}_/);
      const who = await fetch(`${base}/api/v1/whoami`, { headers: { authorization: `Bearer ${s.token}` } });
      expect(await who.json()).toMatchObject({ kind: 'session', role: 'admin', subject: 'user:alice@example.com' });
      const me = await fetch(`${base}/api/v1/session`, { headers: { authorization: `Bearer ${s.token}` } });
      expect(await me.json()).toMatchObject({ kind: 'cli' });
      // A bearer session needs no CSRF token (no browser sends it on its own).
      expect((await fetch(`${base}/api/v1/tokens/0123456789abcdef`, { method: 'DELETE', headers: { authorization: `Bearer ${s.token}` } })).status).toBe(404);
      // The handle gave one session.
      expect(await (await poll()).json()).toMatchObject({ error: 'invalid_grant' });
      // A CLI credential is not a cookie, nor the reverse.
      expect((await fetch(`${base}/api/v1/whoami`, { headers: { cookie: `trellis_session=${s.token}` } })).status).toBe(401);

      const out = await fetch(`${base}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` } });
      expect(out.status).toBe(200);
      expect((await fetch(`${base}/api/v1/whoami`, { headers: { authorization: `Bearer ${s.token}` } })).status).toBe(401);
    });

    it('trellis login: prints the code, waits for approval, saves the session (0600); whoami and logout use it', async () => {
      const home = mkdtempSync(join(tmpdir(), 'trellis-sso-cli-'));
      const env = { XDG_CONFIG_HOME: home, TRELLIS_SERVER: base };
      const proc = spawn(process.execPath, [trellisBin, 'login'], { env: { ...process.env, TRELLIS_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no code printed:\n${stderr}`)), 20_000);
        proc.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          const m = /open (http\S+)/.exec(stderr);
          if (m && /code (\S+)\./.test(stderr)) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      idp.signInAs('alice', MFA);
      await new Browser().follow(url);
      expect(await exited).toBe(0);
      expect(stdout).toContain('as user:alice@example.com (role admin)');
      expect(stdout).not.toContain('trls_');
      const file = join(home, 'trellis', 'credentials.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { servers: Record<string, { token: string }> };
      expect(saved.servers[base]?.token).toMatch(/^trls_/);

      const who = await trellis(['whoami'], env);
      expect(who.code).toBe(0);
      expect(who.stdout).toContain('Alice Admin (role admin');
      const out = await trellis(['logout'], env);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toContain(`${idp.issuer}/`);
      expect((JSON.parse(readFileSync(file, 'utf8')) as { servers: Record<string, unknown> }).servers[base]).toBeUndefined();
      // The session ended on the server too.
      expect((await fetch(`${base}/api/v1/whoami`, { headers: { authorization: `Bearer ${saved.servers[base]!.token}` } })).status).toBe(401);
      const after = await trellis(['whoami'], env);
      expect(after.code).toBe(4);
    }, 60_000);

    it('refuses a device sign-in the role mapping refuses, with access_denied', async () => {
      const d = (await (await fetch(`${base}/auth/device`, { method: 'POST' })).json()) as { handle: string; verification_uri_complete: string };
      idp.signInAs('carol', MFA);
      await new Browser().follow(d.verification_uri_complete);
      const r = await fetch(`${base}/auth/device/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: d.handle }) });
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({ error: 'access_denied' });
    });

    it('throttles device authorizations per address (each calls the IdP and stores a row, for anyone)', async () => {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 12; i++) {
        const r = await fetch(`${base}/auth/device`, { method: 'POST' });
        statuses.push(r.status);
        if (r.status === 429) retryAfter = r.headers.get('retry-after');
      }
      expect(statuses).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    });
  });
}

describe('start-up without an identity provider', () => {
  it('refuses to start outside development mode, naming the settings', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trellis-sso-noidp-'));
    const err = await startServer(loadConfig({ port: 0, dataDir, logLevel: 'silent', dev: false }, { env: { TRELLIS_AUDIT_SIGNING_KEY: randomBytes(32).toString('base64') } }), { out: () => undefined }).then(
      (s) => s.close().then(() => undefined),
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toContain('TRELLIS_OIDC_ISSUER');
    expect(err!.message).toContain('TRELLIS_OIDC_CLIENT_ID');
  });

  it('answers the sign-in routes with sso_not_configured in development mode without one', async () => {
    const t = await makeTestApp(testDatabases[0]!);
    try {
      const r = await t.app.inject({ method: 'GET', url: '/auth/login' });
      expect(r.statusCode).toBe(404);
      expect(r.json()).toMatchObject({ code: 'sso_not_configured' });
      expect((await t.app.inject({ method: 'POST', url: '/auth/device' })).json()).toMatchObject({ code: 'sso_not_configured' });
      // An API token is not a session.
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/session' })).statusCode).toBe(404);
      expect((await t.as('viewer', { method: 'POST', url: '/auth/logout' })).statusCode).toBe(400);
    } finally {
      await t.close();
    }
  });
});
