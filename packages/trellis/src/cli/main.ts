/**
 * The `trellis` CLI's top level: parses, runs, and maps failures to exit codes.
 * bin/trellis.js calls it and is the only place that calls process.exit.
 */
import { CommanderError } from 'commander';
import { buildProgram } from './program.ts';
import { CliError, exitCodes } from './errors.ts';
import { AppError } from '../errors.ts';

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with code 0.
      return err.exitCode === 0 ? 0 : exitCodes.usage;
    }
    if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
      return err.exitCode;
    }
    if (err instanceof AppError) {
      const lines = (err.errors ?? []).map((e) => `  ${e.path}${e.line ? ` (line ${e.line}:${e.column ?? 0})` : ''}: ${e.message}`);
      process.stderr.write(`error: ${err.message}\n${lines.join('\n')}${lines.length ? '\n' : ''}`);
      return err.code === 'not_found' ? exitCodes.notFound : err.status >= 500 ? exitCodes.server : exitCodes.failed;
    }
    process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
    // Capability CLIs may throw their own errors carrying an exit code.
    const code = (err as { exitCode?: unknown })?.exitCode;
    return typeof code === 'number' && Number.isInteger(code) ? code : exitCodes.server;
  }
}
