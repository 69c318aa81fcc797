/** What every command gets: the global options, an API client built from them, and local access to an installation. */
import type { Command } from 'commander';
import { ApiClient, type GlobalOptions } from './client.ts';
import { CliError, exitCodes } from './errors.ts';
import { savedCredential } from './credentials.ts';

/** Which installation a local command opens (see cli/local.ts). */
export interface LocalOpenOptions {
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  config?: string | undefined;
}

/**
 * `S` is the service container (`Services` in module.ts). It is a parameter, not an import,
 * because module.ts names this type: importing it back would make an import cycle.
 */
export interface CliContext<S = unknown> {
  globals(): GlobalOptions;
  /** An API client; it refuses an `--output` other than table or json unless `anyOutput`. */
  client(opts?: { anyOutput?: boolean }): ApiClient;
  /**
   * Open an installation's database directly, as the server would (no server needed), with the
   * service container built on it. Refuses a place that holds no Trellis database. Close it.
   */
  openInstallation(opts: LocalOpenOptions): Promise<{ services: S; where: string; close(): Promise<void> }>;
}

export function contextFor<S>(program: Command, openInstallation: CliContext<S>['openInstallation']): CliContext<S> {
  // The token: --token, else TRELLIS_TOKEN, else what `trellis login` saved for this server.
  const connection = (): { server: string; token?: string } => {
    const o = program.opts<{ server?: string; token?: string }>();
    const server = o.server || process.env.TRELLIS_SERVER || 'http://127.0.0.1:8080';
    const token = o.token || process.env.TRELLIS_TOKEN || savedCredential(server)?.token;
    return { server, ...(token ? { token } : {}) };
  };
  const globals = (): GlobalOptions => {
    const output = program.opts<{ output?: string }>().output ?? 'table';
    if (output !== 'table' && output !== 'json') throw new CliError(`--output must be table or json, not ${output}`, exitCodes.usage);
    return { ...connection(), output };
  };
  // A command's client refuses an output format the command cannot print, unless the command
  // prints more (`dlp scan -o sarif --server-detectors` fetches from the server too).
  const client = (opts: { anyOutput?: boolean } = {}) => new ApiClient(opts.anyOutput ? connection() : globals());
  return { globals, client, openInstallation };
}
