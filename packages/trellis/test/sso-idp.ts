/**
 * A real OIDC identity provider for tests: oidc-provider on 127.0.0.1 (ephemeral port) with
 * one confidential client for Trellis (client_secret_basic; authorization code and device
 * code grants; RP-initiated logout), accounts whose claims a test chooses, and a minimal
 * interaction that signs in whichever account and authentication context (acr, amr) the test
 * set with `signInAs`. Also a cookie-jar HTTP client that follows redirects by hand, so a
 * test walks the browser's path hop by hop.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { oidcSchema, type Config } from '../src/config.ts';
import { makeTestApp, type TestApp } from './app.ts';
import type { TestDatabase } from './databases.ts';
import { exportJWK, generateKeyPair } from 'jose';

export interface TestAccount {
  email: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
  department?: string;
  location?: string;
  employment_type?: string;
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /** The account (by id) the next interaction signs in, with its acr and amr. */
  signInAs(accountId: string, ctx?: { acr?: string; amr?: string[] }): void;
  close(): Promise<void>;
}

/** A free loopback port (closed again; tests bind it right after). */
async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * Runs `start` with a free port, and again with another if the port was taken between the
 * look and the listen (another test process on the machine): `start` listens on it and
 * cleans up after itself when that fails.
 */
async function onFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (err) {
      if (attempt >= 5 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}

/**
 * A Trellis test app listening on a free loopback port, signed in through its own test IdP:
 * `setup` adds the IdP's accounts and returns the oidc settings beyond the issuer and client,
 * which come from the IdP; `settings` is the rest of the server's configuration.
 */
export async function startSsoTestApp(tdb: TestDatabase, setup: (idp: TestIdp) => Record<string, unknown>, settings: Partial<Config> = {}): Promise<{ idp: TestIdp; t: TestApp; base: string }> {
  return onFreePort(async (port) => {
    const base = `http://127.0.0.1:${port}`;
    const idp = await startTestIdp(base);
    const oidc = oidcSchema.parse({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, ...setup(idp) });
    const t = await makeTestApp(tdb, {}, { ...settings, publicUrl: base, oidc });
    try {
      await t.app.listen({ host: '127.0.0.1', port });
    } catch (err) {
      await t.close();
      await idp.close();
      throw err;
    }
    return { idp, t, base };
  });
}

async function startTestIdp(trellisUrl: string): Promise<TestIdp> {
  let next: { accountId: string; acr?: string; amr?: string[] } = { accountId: 'nobody' };
  const accounts = new Map<string, TestAccount>();
  // Filled once the port (and so the issuer) is known.
  const late: { provider?: Provider; handler?: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void } = {};
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      void (async () => {
        try {
          const details = await late.provider!.interactionDetails(req, res);
          await late.provider!.interactionFinished(req, res, { login: { accountId: next.accountId, ...(next.acr ? { acr: next.acr } : {}), ...(next.amr ? { amr: next.amr } : {}) } }, { mergeWithLastSubmission: false });
          void details;
        } catch (err) {
          res.statusCode = 500;
          res.end(String(err));
        }
      })();
      return;
    }
    late.handler!(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'trellis-test';
  const clientSecret = 'test-client-secret-0123456789abcdef0123456789';
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), use: 'sig', alg: 'RS256', kid: 'test-idp' }] },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${trellisUrl}/auth/callback`],
        post_logout_redirect_uris: [`${trellisUrl}/`],
        grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    async findAccount(_ctx: unknown, id: string) {
      const a = accounts.get(id);
      if (!a) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...a }) };
    },
    claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name', 'groups', 'department', 'location', 'employment_type'] },
    scopes: ['openid', 'email', 'profile'],
    acrValues: ['urn:trellis:mfa', 'urn:trellis:pwd'],
    features: { devInteractions: { enabled: false }, deviceFlow: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // A first-party client: consent is implied, so the only interaction is the sign-in.
    async loadExistingGrant(ctx: { oidc: { client: { clientId: string }; session: { accountId: string } } }) {
      const grant = new provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    pkce: { required: () => true },
  });
  provider.on('server_error', (_ctx: unknown, err: unknown) => process.stderr.write(`idp server_error: ${String(err)}\n`));
  late.provider = provider;
  late.handler = provider.callback();
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    signInAs: (accountId, ctx = {}) => {
      next = { accountId, ...ctx };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Cookies per origin (paths ignored: each test origin is one server). */
export class Browser {
  readonly jars = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string | undefined): void {
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    this.jars.set(origin, jar);
    if (value === undefined) jar.delete(name);
    else jar.set(name, value);
  }

  /** One request, no redirect following; stores Set-Cookie. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const jar = this.jars.get(u.origin);
    const headers = new Headers(init.headers);
    if (jar && jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      this.setCookie(u.origin, name, expired || value === '' ? undefined : value);
    }
    return res;
  }

  /**
   * Follow redirects (and oidc-provider's auto-submitting forms) from `url` until a response
   * that is neither, or until the next hop would go to `stopAt` (returned unvisited).
   */
  async follow(url: string, opts: { stopAt?: string; init?: RequestInit } = {}): Promise<{ url: string; res?: Response }> {
    let current = url;
    let init = opts.init ?? {};
    for (let hops = 0; hops < 20; hops++) {
      if (opts.stopAt && current.startsWith(opts.stopAt)) return { url: current };
      const res = await this.fetch(current, init);
      init = {};
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current).toString();
        continue;
      }
      if (res.status === 200 && (res.headers.get('content-type') ?? '').includes('html')) {
        const html = await res.text();
        const form = /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
        if (form) {
          const body = new URLSearchParams();
          for (const m of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)) body.set(m[1]!, unescapeHtml(m[2]!));
          current = new URL(unescapeHtml(form[1]!), current).toString();
          init = { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
          continue;
        }
        return { url: current, res: new Response(html, { status: res.status, headers: res.headers }) };
      }
      return { url: current, res };
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

function unescapeHtml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
