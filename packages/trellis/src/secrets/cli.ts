/**
 * `trellis secrets …` and `trellis keys …` through the REST API. A value is read from a file or
 * standard input, never from an argument (arguments land in shell history and `ps`); no command
 * prints one, since no answer carries one.
 */
import { Option, type Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';
import { readTextInput } from '../cli/input.ts';
import { formatTable, print } from '../cli/output.ts';
import type { KeyStatus, RewrapResult, Secret, SecretVersion } from './schema.ts';

const base = '/api/v1/secrets';
const path = (name: string, rest = '') => `${base}/${encodeURIComponent(name)}${rest}`;
const valueHint = 'pipe the value on standard input (trellis secrets put NAME < file) or give --file FILE';

/** `--value` exists only to be refused with the reason, rather than "unknown option". */
const valueOption = () => new Option('--value <value>', 'refused: values never go on the command line').hideHelp();

function refuseValueArgument(opts: { value?: string }): void {
  if (opts.value !== undefined) throw new CliError('refusing --value: a value on the command line is kept in shell history and visible to other users in the process list', exitCodes.usage, valueHint);
}

/** The value from --file (`-` for standard input) or from piped standard input; undefined when there is none. One trailing newline is dropped (what `echo` and editors add). */
async function readValue(file: string | undefined): Promise<string | undefined> {
  let text: string;
  if (file !== undefined) text = await readTextInput(file, valueHint);
  else if (process.stdin.isTTY) return undefined;
  else text = await readTextInput('-', valueHint);
  const value = text.replace(/\r?\n$/, '');
  if (value.length === 0) {
    if (file !== undefined) throw new CliError(`${file === '-' ? 'standard input' : file} is empty`, exitCodes.usage, valueHint);
    return undefined;
  }
  return value;
}

function secretText(s: Secret): string {
  const lines: [string, unknown][] = [
    ['name', s.name],
    ['kind', s.kind],
    ['version', s.current_version],
    ['description', s.description],
    ['rotation', s.rotation ? `every ${s.rotation.everyDays} days, previous valid ${s.rotation.overlapHours} h` : 'manual'],
    ['next rotation', s.next_rotation_at],
    ['rotation due', s.rotation_due ? 'yes: give a new value with `trellis secrets rotate`' : null],
    ['created', `${s.created_at} by ${s.created_by}`],
    ['updated', `${s.updated_at} by ${s.updated_by}`],
  ];
  return lines.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${k.padEnd(14)} ${String(v)}`).join('\n');
}

function keyStatusText(k: KeyStatus): string {
  const lines = [
    `root key         ${k.root_key_id} (sealed under master key ${k.root_master_key_id})`,
    `current master   ${k.current_master_key_id}`,
    `held by server   ${k.held_master_key_ids.join(', ')}`,
    'data keys by master key:',
    ...(k.data_keys.length === 0 ? ['  (none)'] : k.data_keys.map((d) => `  ${d.master_key_id}  ${d.count}${d.master_key_id === k.current_master_key_id ? ' (current)' : ''}`)),
    k.previous_keys_removable ? 'nothing needs a previous master key: TRELLIS_PREVIOUS_MASTER_KEYS can be removed' : 'some data is still under a previous master key: run `trellis keys rewrap`',
  ];
  return lines.join('\n');
}

function positiveInt(flag: string, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new CliError(`${flag} must be a whole number from 0 to ${max}`, exitCodes.usage);
    return n;
  };
}

export function registerSecretCommands(program: Command, ctx: CliContext): void {
  const secrets = program.command('secrets').description('the secret store: write-only values connectors refer to by name');

  secrets
    .command('put')
    .description('create a secret or store its next value (read from standard input or --file, never an argument)')
    .argument('<name>', 'the secret (lower-case letters, digits, hyphens)')
    .option('-f, --file <file>', 'read the value from this file (- for standard input)')
    .option('--description <text>', 'what it is for')
    .option('--generated', 'Trellis makes random values (no value given); rotate makes a new one')
    .option('--rotate-every-days <n>', 'rotation schedule: every N days', positiveInt('--rotate-every-days', 3650))
    .option('--overlap-hours <h>', 'how long the previous value stays valid after a rotation (default 24)', positiveInt('--overlap-hours', 8760))
    .addOption(valueOption())
    .addHelpText('after', '\nExamples:\n  trellis secrets put crm-api-key --file key.txt --description "CRM API key"\n  printf %s "$PASSWORD" | trellis secrets put hr-db-admin\n  trellis secrets put webhook-token --generated --rotate-every-days 30 --overlap-hours 48')
    .action(async (name: string, opts: { file?: string; description?: string; generated?: boolean; rotateEveryDays?: number; overlapHours?: number; value?: string }) => {
      refuseValueArgument(opts);
      if (opts.overlapHours !== undefined && opts.rotateEveryDays === undefined) throw new CliError('--overlap-hours goes with --rotate-every-days', exitCodes.usage);
      const value = opts.generated ? undefined : await readValue(opts.file);
      if (opts.generated && opts.file !== undefined) throw new CliError('--generated takes no value: Trellis makes it', exitCodes.usage);
      const body = {
        ...(value !== undefined ? { value } : {}),
        ...(opts.description !== undefined ? { description: opts.description } : {}),
        ...(opts.generated ? { kind: 'generated' } : {}),
        ...(opts.rotateEveryDays !== undefined ? { rotation: { everyDays: opts.rotateEveryDays, ...(opts.overlapHours !== undefined ? { overlapHours: opts.overlapHours } : {}) } } : {}),
      };
      const s = await ctx.client().json<Secret>('PUT', path(name), { body });
      print(ctx.globals().output, s, () => `stored secret ${s.name}, version ${s.current_version}`);
    });

  secrets
    .command('list')
    .description('list secrets (never their values)')
    .action(async () => {
      const { items } = await ctx.client().json<{ items: Secret[] }>('GET', base);
      print(ctx.globals().output, { items }, () =>
        formatTable(
          items.map((s) => ({ name: s.name, kind: s.kind, version: s.current_version, rotation: s.rotation ? `${s.rotation.everyDays}d` : '-', due: s.rotation_due ? 'yes' : '', updated: s.updated_at })),
          ['name', 'kind', 'version', 'rotation', 'due', 'updated'],
        ),
      );
    });

  secrets
    .command('show')
    .description("show a secret's metadata (never its value)")
    .argument('<name>')
    .action(async (name: string) => {
      const s = await ctx.client().json<Secret>('GET', path(name));
      print(ctx.globals().output, s, () => secretText(s));
    });

  secrets
    .command('versions')
    .description("a secret's versions, newest first")
    .argument('<name>')
    .action(async (name: string) => {
      const { items } = await ctx.client().json<{ items: SecretVersion[] }>('GET', path(name, '/versions'));
      print(ctx.globals().output, { items }, () =>
        formatTable(
          items.map((v) => ({ version: v.version, state: v.state, master_key: v.kek_id ?? '-', created: `${v.created_at} by ${v.created_by}`, expires: v.expires_at ?? '', destroyed: v.destroyed_at ?? '' })),
          ['version', 'state', 'master_key', 'created', 'expires', 'destroyed'],
        ),
      );
    });

  secrets
    .command('rotate')
    .description('store a new version: a random one for a generated secret, the value from standard input or --file for a static one')
    .argument('<name>')
    .option('-f, --file <file>', 'read the new value from this file (- for standard input)')
    .addOption(valueOption())
    .action(async (name: string, opts: { file?: string; value?: string }) => {
      refuseValueArgument(opts);
      const value = await readValue(opts.file);
      const s = await ctx.client().json<Secret>('POST', path(name, '/rotate'), { body: value !== undefined ? { value } : {} });
      print(ctx.globals().output, s, () => `rotated secret ${s.name} to version ${s.current_version}` + (s.rotation ? `; the previous version stays valid for ${s.rotation.overlapHours} h` : ''));
    });

  secrets
    .command('destroy-version')
    .description('destroy an old version for good (its data key is deleted)')
    .argument('<name>')
    .argument('<version>')
    .action(async (name: string, version: string) => {
      if (!/^[1-9][0-9]{0,9}$/.test(version)) throw new CliError('the version is a whole number from 1', exitCodes.usage);
      const v = await ctx.client().json<SecretVersion>('DELETE', path(name, `/versions/${version}`));
      print(ctx.globals().output, v, () => `destroyed version ${v.version} of secret ${name}`);
    });

  secrets
    .command('delete')
    .description('delete a secret and every version of it')
    .argument('<name>')
    .action(async (name: string) => {
      await ctx.client().json<void>('DELETE', path(name));
      print(ctx.globals().output, { deleted: name }, () => `deleted secret ${name}`);
    });

  const keys = program.command('keys').description('master-key rotation: status and re-wrapping');

  keys
    .command('status')
    .description('the root and master key ids, and how many data keys each master key wraps')
    .action(async () => {
      const k = await ctx.client().json<KeyStatus>('GET', '/api/v1/keys');
      print(ctx.globals().output, k, () => keyStatusText(k));
    });

  keys
    .command('rewrap')
    .description('re-wrap every data key and re-seal the root key under the current master key (after every replica runs with the new TRELLIS_MASTER_KEY)')
    .addHelpText('after', '\nRotation:\n  1. restart every replica with TRELLIS_MASTER_KEY=<new> TRELLIS_PREVIOUS_MASTER_KEYS=<old>\n  2. trellis keys rewrap\n  3. once `trellis keys status` says so, restart without TRELLIS_PREVIOUS_MASTER_KEYS')
    .action(async () => {
      const r = await ctx.client().json<RewrapResult>('POST', '/api/v1/keys/rewrap');
      print(ctx.globals().output, r, () => `re-wrapped ${r.rewrapped} data key${r.rewrapped === 1 ? '' : 's'}${r.root_resealed ? '; re-sealed the root key' : ''}\n\n${keyStatusText(r.status)}`);
    });
}
