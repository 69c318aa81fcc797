/**
 * `trellis login` and `trellis logout`: sign in from a terminal with the device authorization
 * grant (RFC 8628) through the Trellis server, which holds the IdP client's secret. The code
 * and URL go to stderr (a person reads them), the result to stdout; the session credential
 * is saved per server in the credentials file (cli/credentials.ts), never printed.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';
import { formatTable, print } from '../cli/output.ts';
import { removeCredential, saveCredential, savedCredential } from '../cli/credentials.ts';
import type { Services } from '../module.ts';
import type { DeviceSession, DeviceStart, LiveSession } from './service.ts';

async function post(server: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(new URL(path, server.endsWith('/') ? server : server + '/'), {
      method: 'POST',
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw new CliError(`cannot reach the Trellis server at ${server}: ${(err as Error).message}`, exitCodes.server, 'pass --server URL or set TRELLIS_SERVER');
  }
  let json: Record<string, unknown> = {};
  try {
    json = (await res.json()) as Record<string, unknown>;
  } catch {
    // no JSON body: the status says enough
  }
  return { status: res.status, json };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function registerSsoCommands(program: Command, ctx: CliContext<Services>): void {
  program
    .command('login')
    .description('sign in through your identity provider (device code); the session is saved for this server')
    .addHelpText('after', '\nOpen the printed URL in any browser, check the code and sign in; the command waits.\n\nExamples:\n  trellis login\n  trellis login --server https://trellis.example.com\n  trellis login && trellis whoami')
    .action(async () => {
      const { server, output } = ctx.globals();
      const started = await post(server, 'auth/device');
      if (started.status !== 200) {
        const detail = typeof started.json.detail === 'string' ? started.json.detail : `HTTP ${started.status}`;
        throw new CliError(`the server cannot start a sign-in: ${detail}`, started.status === 404 ? exitCodes.notFound : exitCodes.server, started.status === 404 ? 'the server has no identity provider configured (development mode uses the bootstrap token)' : undefined);
      }
      const d = started.json as unknown as DeviceStart;
      process.stderr.write(`To sign in, open ${d.verification_uri_complete ?? d.verification_uri}\nand check that it shows the code ${d.user_code}.\nWaiting for approval…\n`);
      let interval = Math.max(1, d.interval) * 1000;
      const deadline = Date.now() + d.expires_in * 1000;
      for (;;) {
        await sleep(interval);
        if (Date.now() > deadline) throw new CliError('the code expired before it was approved', exitCodes.auth, 'run trellis login again');
        const polled = await post(server, 'auth/device/token', { handle: d.handle });
        if (polled.status === 200) {
          const s = polled.json as unknown as DeviceSession;
          const path = saveCredential(server, { token: s.token, subject: s.subject, role: s.role, expires_at: s.expires_at });
          const { token: _omit, ...shown } = s;
          void _omit;
          print(output, { ...shown, credentials_file: path }, () => `Signed in to ${server} as ${s.subject} (role ${s.role}) until ${s.expires_at}.\nSaved in ${path}.`);
          return;
        }
        const error = typeof polled.json.error === 'string' ? polled.json.error : '';
        if (error === 'authorization_pending') continue;
        if (error === 'slow_down') {
          interval += 5000;
          continue;
        }
        if (polled.status === 503) continue;
        const why = typeof polled.json.error_description === 'string' ? polled.json.error_description : typeof polled.json.detail === 'string' ? polled.json.detail : error || `HTTP ${polled.status}`;
        throw new CliError(`sign-in failed: ${why}`, exitCodes.auth);
      }
    });

  program
    .command('logout')
    .description('end the session saved by `trellis login` on the server and forget it here')
    .addHelpText('after', '\nExamples:\n  trellis logout\n  trellis --server https://trellis.example.com logout')
    .action(async () => {
      const { server, output } = ctx.globals();
      const saved = savedCredential(server);
      const token = program.opts<{ token?: string }>().token || process.env.TRELLIS_TOKEN || saved?.token;
      if (!token || !token.startsWith('trls_')) {
        removeCredential(server);
        throw new CliError('no signed-in session for this server', exitCodes.auth, 'API tokens are revoked with `trellis tokens revoke`, not logged out');
      }
      let endSessionUrl: string | undefined;
      try {
        const r = await ctx.client().json<{ end_session_url?: string }>('POST', '/auth/logout');
        endSessionUrl = r.end_session_url;
      } catch (err) {
        // An expired or already ended session is logged out as far as the server is concerned.
        if (!(err instanceof CliError && err.exitCode === exitCodes.auth)) throw err;
      }
      const removed = removeCredential(server);
      print(output, { logged_out: true, removed_saved_credential: removed, ...(endSessionUrl ? { end_session_url: endSessionUrl } : {}) }, () => `Signed out of ${server}.${endSessionUrl ? `\nTo also sign out of your identity provider, open ${endSessionUrl}` : ''}`);
    });

  const sessions = program.command('sessions').description("people's live sign-in sessions: list them (admin, auditor) and end one (admin)");
  sessions
    .command('list')
    .description('live sessions, newest first: who, which kind (browser or cli), when')
    .option('--subject <ref>', 'only this person (user:<email>)')
    .addHelpText('after', '\nExamples:\n  trellis sessions list\n  trellis sessions list --subject user:ana@example.com')
    .action(async (opts: { subject?: string }) => {
      const r = await ctx.client().json<{ items: LiveSession[] }>('GET', '/api/v1/sessions', { query: opts.subject ? { subject: opts.subject } : {} });
      print(ctx.globals().output, r.items, () => formatTable(r.items.map((x) => ({ id: x.session_id, subject: x.subject, role: x.role, kind: x.kind, since: x.created_at, last_seen: x.last_seen_at, ends: x.expires_at })), ['id', 'subject', 'role', 'kind', 'since', 'last_seen', 'ends']));
    });
  sessions
    .command('end <id>')
    .description("end someone's session on every replica (a lost laptop, an incident); audited")
    .addHelpText('after', '\nExamples:\n  trellis sessions end 3f9a0c1d2e4b5a69')
    .action(async (id: string) => {
      await ctx.client().json('DELETE', `/api/v1/sessions/${encodeURIComponent(id)}`);
      print(ctx.globals().output, { ended: id }, () => `Ended session ${id}.`);
    });
}
