/** Reading a command's input file (or standard input for `-`) as UTF-8 text. */
import { readFile } from 'node:fs/promises';
import { CliError, exitCodes } from './errors.ts';

/** The text of `file`, or of standard input when `file` is `-`; `hint` says how to pass it. */
export async function readTextInput(file: string, hint: string): Promise<string> {
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, exitCodes.usage, hint);
  }
}
