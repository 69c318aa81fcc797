/** `trellis audit key|keygen|checkpoints|checkpoint|prove|witnesses`: the ledger from the command line. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../../cli/context.ts';
import { CliError, exitCodes } from '../../cli/errors.ts';
import { formatTable, print } from '../../cli/output.ts';
import { NoteError, parseVkey, type NoteVerifier } from './signed-note.ts';
import { verifyConsistencyDocument, verifyInclusionDocument, type ConsistencyProofDocument, type InclusionProofDocument, type ProofVerdict } from './proof-verify.ts';
import { readCheckpointFile, type CheckpointSource } from './verify.ts';
import type { CheckpointView } from './service.ts';

/** A verifier key given as the key itself or as a file holding it. */
export function readVerifier(keyOrFile: string): NoteVerifier {
  const text = existsSync(keyOrFile) ? readFileSync(keyOrFile, 'utf8').trim() : keyOrFile.trim();
  try {
    return parseVkey(text);
  } catch (err) {
    throw new CliError(`--key: ${err instanceof NoteError ? err.message : String(err)}`, exitCodes.usage);
  }
}

/** The offline verification inputs `--key` and `--witness` name. */
export async function ledgerInputs(opts: { key?: string; witness?: string }): Promise<{ verifier?: NoteVerifier; witness?: CheckpointSource[] }> {
  const out: { verifier?: NoteVerifier; witness?: CheckpointSource[] } = {};
  if (opts.key) out.verifier = readVerifier(opts.key);
  if (opts.witness) {
    if (!existsSync(opts.witness)) throw new CliError(`--witness: no file ${opts.witness}`, exitCodes.notFound);
    try {
      out.witness = await readCheckpointFile(opts.witness);
    } catch (err) {
      throw new CliError(`--witness: ${err instanceof Error ? err.message : String(err)}`, exitCodes.usage);
    }
  }
  return out;
}

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`${name} must be a positive integer`, exitCodes.usage);
  return n;
}

function reportProof(output: 'table' | 'json', verdict: ProofVerdict, doc: unknown, keySource: string): void {
  print(output, { ...verdict, key: keySource, proof: doc }, () => `${verdict.ok ? 'proof verified' : 'proof FAILED'}: ${verdict.message} [key: ${keySource}]`);
  if (!verdict.ok) process.exitCode = exitCodes.failed;
}

export function registerLedgerCommands(audit: Command, ctx: CliContext): void {
  audit
    .command('key')
    .description('show the public key that signs audit checkpoints (give its --vkey to auditors)')
    .option('--vkey', 'print only the C2SP verifier key')
    .action(async (opts: { vkey?: boolean }) => {
      const k = await ctx.client().json<{ origin: string; vkey: string; algorithm: string; public_key: string }>('GET', '/api/v1/audit/key');
      if (opts.vkey) return void process.stdout.write(k.vkey + '\n');
      print(ctx.globals().output, k, () => `origin     ${k.origin}\nalgorithm  ${k.algorithm}\nvkey       ${k.vkey}`);
    });

  audit
    .command('keygen')
    .description('make a new checkpoint signing key (for TRELLIS_AUDIT_SIGNING_KEY_FILE); prints the key, and its verifier key on stderr')
    .option('--out <file>', 'write the key to FILE (mode 600) instead of standard output')
    .option('--origin <name>', 'the log origin it will sign as (TRELLIS_AUDIT_LOG_ORIGIN), for the verifier key shown')
    .action(async (opts: { out?: string; origin?: string }) => {
      const { newSigningKey, loadCheckpointSigner } = await import('./signing-key.ts');
      const { ephemeralKeyRing } = await import('../../keys/index.ts');
      const key = newSigningKey();
      const { signer } = loadCheckpointSigner({ key, keyFile: '', origin: opts.origin ?? '', dev: false, sqliteFile: undefined, keys: ephemeralKeyRing(), warn: () => undefined });
      if (opts.out) writeFileSync(opts.out, key + '\n', { mode: 0o600, flag: 'wx' });
      else process.stdout.write(key + '\n');
      process.stderr.write(`verifier key: ${signer.vkey}\n`);
    });

  audit
    .command('checkpoints')
    .description('list signed checkpoints, newest first')
    .option('-n, --limit <n>', 'how many', '20')
    .action(async (opts: { limit: string }) => {
      const limit = positive('--limit', opts.limit)!;
      const page = await ctx.client().json<{ items: CheckpointView[] }>('GET', '/api/v1/audit/checkpoints', { query: { order: 'desc', limit: Math.min(limit, 1000) } });
      print(ctx.globals().output, page.items, () => formatTable(page.items.map((c) => ({ tree_size: c.tree_size, root: c.root_hash.slice(0, 16) + '…', signed: c.created_at })), ['tree_size', 'root', 'signed']));
    });

  audit
    .command('checkpoint')
    .description('sign a checkpoint now over every sealed event not yet covered')
    .action(async () => {
      const r = await ctx.client().json<CheckpointView | { created: false; latest: CheckpointView | null }>('POST', '/api/v1/audit/checkpoints');
      const made = 'tree_size' in r ? r : undefined;
      print(ctx.globals().output, r, () => (made ? `signed checkpoint of ${made.tree_size} events\n\n${made.note}` : 'no new events since the last checkpoint'));
    });

  audit
    .command('witnesses')
    .description('where checkpoints are pushed and how far each witness has acknowledged')
    .action(async () => {
      const r = await ctx.client().json<{ items: Record<string, unknown>[] }>('GET', '/api/v1/audit/witnesses');
      print(ctx.globals().output, r.items, () => formatTable(r.items, ['witness', 'tree_size', 'pushed_at', 'last_error']));
    });

  audit
    .command('prove')
    .description('fetch and check a proof: --seq N (the event is in a signed checkpoint) or --from M [--to N] (checkpoint N extends checkpoint M)')
    .option('--seq <n>', 'the event to prove included')
    .option('--tree-size <n>', 'the checkpoint to prove it against (default: the first that covers it)')
    .option('--from <size>', 'consistency: the older checkpoint')
    .option('--to <size>', 'consistency: the newer checkpoint (default: the newest)')
    .option('--key <vkey|file>', "check against this verifier key (default: the server's own, which proves less)")
    .option('--out <file>', 'also save the proof document')
    .option('--proof-file <file>', 'check a saved proof document offline instead (needs --key)')
    .addHelpText('after', '\nExamples:\n  trellis audit prove --seq 1204 --key trellis.vkey\n  trellis audit prove --from 5000 --key trellis.vkey\n  trellis audit prove --proof-file proof.json --key trellis.vkey')
    .action(async (opts: { seq?: string; treeSize?: string; from?: string; to?: string; key?: string; out?: string; proofFile?: string }) => {
      const { output } = ctx.globals();
      if (opts.proofFile) {
        if (!opts.key) throw new CliError('--proof-file needs --key: an offline check uses the key you hold', exitCodes.usage);
        const doc = JSON.parse(readFileSync(opts.proofFile, 'utf8')) as InclusionProofDocument | ConsistencyProofDocument;
        const v = readVerifier(opts.key);
        return reportProof(output, 'seq' in doc ? verifyInclusionDocument(doc, v) : verifyConsistencyDocument(doc, v), doc, opts.key);
      }
      const seq = positive('--seq', opts.seq);
      const from = positive('--from', opts.from);
      if ((seq === undefined) === (from === undefined)) throw new CliError('give either --seq (inclusion) or --from (consistency)', exitCodes.usage);
      const client = ctx.client();
      const verifier = opts.key ? readVerifier(opts.key) : parseVkey((await client.json<{ vkey: string }>('GET', '/api/v1/audit/key')).vkey);
      const keySource = opts.key ?? 'from the server';
      if (seq !== undefined) {
        const doc = await client.json<InclusionProofDocument>('GET', '/api/v1/audit/proofs/inclusion', { query: { seq, tree_size: positive('--tree-size', opts.treeSize) } });
        if (opts.out) writeFileSync(opts.out, JSON.stringify(doc, null, 2) + '\n');
        return reportProof(output, verifyInclusionDocument(doc, verifier), doc, keySource);
      }
      const doc = await client.json<ConsistencyProofDocument>('GET', '/api/v1/audit/proofs/consistency', { query: { from, to: positive('--to', opts.to) } });
      if (opts.out) writeFileSync(opts.out, JSON.stringify(doc, null, 2) + '\n');
      reportProof(output, verifyConsistencyDocument(doc, verifier), doc, keySource);
    });
}
