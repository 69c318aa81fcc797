/**
 * `trellis dlp reveal`: turn tokenized or encrypted values (from `dlp transform` plans with the
 * tokenize or encrypt operator) back into the originals through the server, which holds the
 * keys. Privileged (dlp:detokenize) and audited with the reason given.
 */
import { Option, type Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';
import { readTextInput } from '../cli/input.ts';
import { print } from '../cli/output.ts';

export function registerRevealCommand(dlp: Command, ctx: CliContext): void {
  dlp.command('reveal')
    .description('reveal the originals of tokenized or encrypted values (privileged; the reason is audited)')
    .argument('[values...]', 'tokens or ciphertexts, one an argument (quote values with spaces); none, or -, reads them from standard input, one a line')
    .requiredOption('--entity <name>', 'the entity they were transformed as, e.g. CREDIT_CARD (it keys the transformation)')
    .addOption(new Option('--operator <op>', 'how they were transformed').choices(['tokenize', 'encrypt']).makeOptionMandatory())
    .requiredOption('--reason <text>', 'why the originals are needed (kept in the audit trail), e.g. a ticket reference')
    .addHelpText('after', '\nExample:\n  trellis dlp reveal --entity CREDIT_CARD --operator tokenize --reason "chargeback 4711" "5302 8817 0062 4419"')
    .action(async (args: string[], opts: { entity: string; operator: 'tokenize' | 'encrypt'; reason: string }) => {
      const fromStdin = args.length === 0 || (args.length === 1 && args[0] === '-');
      const values = fromStdin
        ? (await readTextInput('-', 'pipe the values in, one a line')).split('\n').map((l) => l.trim()).filter(Boolean)
        : args;
      if (values.length === 0) throw new CliError('no values given', exitCodes.usage, 'pass values as arguments or on standard input');
      const r = await ctx.client().json<{ items: { value: string }[] }>('POST', '/api/v1/dlp/reveal', {
        body: { items: values.map((value) => ({ value, entity: opts.entity, operator: opts.operator })), reason: opts.reason },
      });
      print(ctx.globals().output, r, () => r.items.map((i) => i.value).join('\n'));
    });
}
