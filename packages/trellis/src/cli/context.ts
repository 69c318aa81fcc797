/** What every command gets: the global options and an API client built from them. */
import type { Command } from 'commander';
import { ApiClient, type GlobalOptions } from './client.ts';
import { CliError, exitCodes } from './errors.ts';

export interface CliContext {
  globals(): GlobalOptions;
  client(): ApiClient;
}

export function contextFor(program: Command): CliContext {
  const globals = (): GlobalOptions => {
    const o = program.opts<{ server?: string; token?: string; output?: string }>();
    const output = o.output ?? 'table';
    if (output !== 'table' && output !== 'json') throw new CliError(`--output must be table or json, not ${output}`, exitCodes.usage);
    return { server: o.server ?? process.env.TRELLIS_SERVER ?? 'http://127.0.0.1:8080', ...(o.token ?? process.env.TRELLIS_TOKEN ? { token: o.token ?? process.env.TRELLIS_TOKEN } : {}), output };
  };
  return { globals, client: () => new ApiClient(globals()) };
}
