/**
 * `trellis apps credentials create|list|rotate|delete <app>`, `trellis oauth keys rotate`
 * (through the REST API with the caller's API token) and `trellis oauth token` (the client
 * side, for trying a service identity: it calls the token endpoint with the app's client id
 * and a secret read from a file or standard input — never from an argument, which would land
 * in shell history and process listings).
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';
import { readTextInput } from '../cli/input.ts';
import { formatTable, print } from '../cli/output.ts';
import type { CreatedCredential, CredentialsList } from './service.ts';

const credentialsPath = (app: string) => `/api/v1/apps/${encodeURIComponent(app)}/credentials`;

function createdText(r: CreatedCredential): string {
  const lines = [`${r.app}: credential ${r.credential.id} (${r.credential.type}) for client ${r.client_id}`];
  if (r.client_secret) lines.push('', `client secret (shown once; store it now): ${r.client_secret}`);
  for (const x of r.rotated ?? []) lines.push(`previous secret ${x.id} keeps working until ${x.expires_at}`);
  return lines.join('\n');
}

function overlapSeconds(hours: string | undefined): number | undefined {
  if (hours === undefined) return undefined;
  const h = Number(hours);
  if (!Number.isFinite(h) || h < 0 || h > 168) throw new CliError('--overlap-hours must be a number from 0 to 168 (7 days)', exitCodes.usage);
  return Math.round(h * 3600);
}

export function registerOAuthCommands(program: Command, ctx: CliContext): void {
  const apps = program.commands.find((c) => c.name() === 'apps') ?? program.command('apps');
  const creds = apps.command('credentials').description("an app's service identity credentials: client secrets and registered public keys");

  creds
    .command('create <app>')
    .description('a new client secret (printed once), or register public keys with --jwks-file for private_key_jwt')
    .option('--jwks-file <file>', 'a JWKS of public keys (- for standard input) instead of a secret')
    .addHelpText('after', '\nExamples:\n  trellis apps credentials create leave-requests\n  trellis apps credentials create leave-requests --jwks-file app-keys.jwks.json')
    .action(async (app: string, opts: { jwksFile?: string }) => {
      let body: unknown = { type: 'client_secret' };
      if (opts.jwksFile) {
        const text = await readTextInput(opts.jwksFile, 'pass a JWKS file: {"keys": [ …public keys… ]}');
        let jwks: unknown;
        try {
          jwks = JSON.parse(text);
        } catch {
          throw new CliError(`${opts.jwksFile} is not JSON`, exitCodes.usage);
        }
        body = { type: 'private_key_jwt', jwks };
      }
      const r = await ctx.client().json<CreatedCredential>('POST', credentialsPath(app), { body });
      print(ctx.globals().output, r, () => createdText(r));
    });

  creds
    .command('rotate <app>')
    .description('a new client secret (printed once); the current ones keep working for the overlap, then stop')
    .option('--overlap-hours <hours>', 'how long the previous secret keeps working (default 24, at most 168)')
    .addHelpText('after', '\nExample:\n  trellis apps credentials rotate leave-requests --overlap-hours 2')
    .action(async (app: string, opts: { overlapHours?: string }) => {
      const overlap = overlapSeconds(opts.overlapHours);
      const r = await ctx.client().json<CreatedCredential>('POST', credentialsPath(app), { body: { type: 'client_secret', ...(overlap !== undefined ? { overlap_seconds: overlap } : {}) } });
      print(ctx.globals().output, r, () => createdText(r));
    });

  creds
    .command('list <app>')
    .description("the app's client id and its credentials (never a secret)")
    .action(async (app: string) => {
      const r = await ctx.client().json<CredentialsList>('GET', credentialsPath(app));
      print(ctx.globals().output, r, () =>
        [
          `${r.app}: client ${r.client_id} (${r.client_type}, ${r.client_status})`,
          formatTable(
            r.items.map((c) => ({ id: c.id, type: c.type, status: c.status, created: c.created_at, expires: c.expires_at, kids: c.kids?.join(',') })),
            ['id', 'type', 'status', 'created', 'expires', 'kids'],
          ),
        ].join('\n'),
      );
    });

  creds
    .command('delete <app> <id>')
    .description('delete a credential; it stops working at once')
    .action(async (app: string, id: string) => {
      await ctx.client().json('DELETE', `${credentialsPath(app)}/${encodeURIComponent(id)}`);
      print(ctx.globals().output, { deleted: id }, () => `deleted ${id}`);
    });

  const oauth = program.command('oauth').description('the OAuth authorization server: signing keys, and trying the token endpoint');
  oauth
    .command('keys')
    .description('access-token signing keys')
    .command('rotate')
    .description('make a new signing key current (admins); the previous one verifies until its tokens expired')
    .action(async () => {
      const r = await ctx.client().json<{ kid: string; retiring: string | null }>('POST', '/api/v1/oauth/signing-keys/rotate');
      print(ctx.globals().output, r, () => `current key ${r.kid}${r.retiring ? `; ${r.retiring} retiring` : ''}`);
    });

  oauth
    .command('token')
    .description("get an access token as an app would (client_credentials with the app's client secret)")
    .requiredOption('--client-id <id>', "the app's client id (trellis apps credentials list <app>)")
    .requiredOption('--client-secret-file <file>', 'file holding the client secret, or - for standard input')
    .option('--scope <scopes>', 'space-separated scopes, to ask for less than the app was approved for')
    .option('--audience <aud...>', 'audiences (trellis:connector:<name>), to ask for less')
    .option('--expires-in <seconds>', 'the lifetime wanted; the token policy caps it')
    .addHelpText('after', '\nExample:\n  trellis oauth token --client-id trlc_… --client-secret-file secret.txt --scope hr:read')
    .action(async (opts: { clientId: string; clientSecretFile: string; scope?: string; audience?: string[]; expiresIn?: string }) => {
      const secret = (await readTextInput(opts.clientSecretFile, 'put the secret in a file (or pipe it) and pass --client-secret-file FILE|-')).trim();
      const form = new URLSearchParams({ grant_type: 'client_credentials' });
      if (opts.scope) form.set('scope', opts.scope);
      for (const a of opts.audience ?? []) form.append('audience', a);
      if (opts.expiresIn) form.set('expires_in', opts.expiresIn);
      const server = ctx.globals().server.replace(/\/+$/, '');
      const basic = Buffer.from(`${encodeURIComponent(opts.clientId)}:${encodeURIComponent(secret)}`).toString('base64');
      let res: Response;
      try {
        res = await fetch(`${server}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}`, accept: 'application/json' }, body: form.toString() });
      } catch (err) {
        throw new CliError(`cannot reach the Trellis server at ${server}: ${(err as Error).message}`, exitCodes.server);
      }
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (!res.ok) throw new CliError(`token request refused: ${String(body.error ?? res.status)}${body.error_description ? `: ${String(body.error_description)}` : ''}`, res.status === 401 ? exitCodes.auth : res.status >= 500 ? exitCodes.server : exitCodes.failed);
      print(ctx.globals().output, body, () => `${String(body.token_type)} token, expires in ${String(body.expires_in)} s, scope "${String(body.scope)}"\n${String(body.access_token)}`);
    });
}
