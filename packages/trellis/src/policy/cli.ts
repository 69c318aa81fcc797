/** `trellis policy test DIR` and `trellis policy eval -d DIR -i input.json QUERY`: the Rego engine from the command line. */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * The modules that fail to parse as Rego v1 but parse as v0, named in a compile error so that
 * "unexpected `{`" on an old `allow { … }` rule points at `--v0` instead of at the syntax.
 */
async function v0Hint(modules: Record<string, string>): Promise<string> {
  const { parseModule } = await import('@trellis/rego');
  const parses = (text: string, regoVersion: 'v0' | 'v1') => {
    try {
      parseModule(text, { regoVersion });
      return true;
    } catch {
      return false;
    }
  };
  const old = Object.entries(modules).filter(([, text]) => !parses(text, 'v1') && parses(text, 'v0')).map(([file]) => file);
  if (old.length === 0) return '';
  const [what, it] = old.length === 1 ? [`${old[0]} looks like a v0 module (it parses`, 'it'] : [`these look like v0 modules: ${old.join(', ')} (they parse`, 'them'];
  return `\n${what} as Rego v0, not v1); try --v0, or update ${it} to v1 (\`import rego.v1\`, \`if\` and \`contains\` in rule heads)`;
}

export function registerPolicyCommands(program: Command, ctx: CliContext): void {
  const policy = program.command('policy').description('policy-as-code: test and evaluate Rego policies locally');

  policy
    .command('test <paths...>')
    .description('run the test_ rules in *_test.rego files, like `opa test`; exits 1 when any test fails')
    .option('-r, --run <regex>', 'only tests whose name matches')
    .option('-c, --coverage', 'report line coverage per file')
    .option('-v, --verbose', 'list every test, not only failures')
    .option('--v0', 'parse modules with the older v0 syntax (like `opa test --v0-compatible`)')
    .option('--timeout <ms>', 'time limit per test', '5000')
    .addHelpText('after', '\nExamples:\n  trellis policy test policies/\n  trellis policy test -v policies/ --run tier --coverage\n  trellis policy test --v0 legacy-policies/')
    .action(async (paths: string[], opts: { run?: string; coverage?: boolean; verbose?: boolean; v0?: boolean; timeout: string }) => {
      const { runTests, formatTestReport } = await import('@trellis/rego');
      const { loadBundle } = await import('./bundle.ts');
      if (opts.run !== undefined) {
        try {
          new RegExp(opts.run);
        } catch {
          throw new CliError(`--run is not a valid regular expression: ${opts.run}`, exitCodes.usage);
        }
      }
      const { data, modules } = loadBundle(paths);
      const files = Object.keys(modules);
      if (files.length === 0) throw new CliError(`no .rego files under ${paths.join(', ')}`, exitCodes.notFound);
      const report = await runTests(files, { ...(opts.run ? { run: opts.run } : {}), ...(opts.coverage ? { coverage: true } : {}), ...(opts.v0 ? { regoVersion: 'v0' as const } : {}), timeoutMs: Number(opts.timeout), data });
      if (report.compileError && !opts.v0) report.compileError += await v0Hint(modules);
      if (ctx.globals().output === 'json') process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else process.stdout.write(formatTestReport(report, { verbose: opts.verbose ?? false }) + '\n');
      if (report.compileError) process.exitCode = exitCodes.failed;
      else if (report.failed + report.errored > 0) process.exitCode = exitCodes.failed;
      else if (report.results.length === 0) {
        process.stderr.write('no tests found (test rules are named test_…)\n');
        process.exitCode = exitCodes.failed;
      }
    });

  policy
    .command('eval <query>')
    .description('evaluate a query against policies and data, like `opa eval`')
    .option('-d, --data <path>', 'policy or data directory/file (repeatable)', collect, [])
    .option('-i, --input <file>', 'input document (JSON or YAML)')
    .option('--fail', 'exit 1 when the result is undefined or empty')
    .option('--strict', 'compile in strict mode')
    .option('--v0', 'parse modules with the older v0 syntax')
    .option('--timeout <ms>', 'evaluation time limit', '5000')
    .addHelpText('after', "\nExamples:\n  trellis policy eval -d policies/ -i input.json 'data.trellis.admission.deny'\n  trellis policy eval -d policies/ 'x := data.trellis.tiers[_]'")
    .action(async (query: string, opts: { data: string[]; input?: string; fail?: boolean; strict?: boolean; v0?: boolean; timeout: string }) => {
      const { compile, RegoError, RegoParseError } = await import('@trellis/rego');
      const { loadBundle, parseDataFile } = await import('./bundle.ts');
      const { readFileSync } = await import('node:fs');
      const { modules, data } = loadBundle(opts.data);
      let input: unknown;
      if (opts.input) {
        let text: string;
        try {
          text = readFileSync(opts.input, 'utf8');
        } catch {
          throw new CliError(`cannot read input file ${opts.input}`, exitCodes.notFound);
        }
        input = parseDataFile(opts.input.endsWith('.json') ? opts.input : opts.input + '.yaml', text);
      }
      try {
        const policy = compile({ modules, data, ...(opts.strict ? { strict: true } : {}), ...(opts.v0 ? { regoVersion: 'v0' as const } : {}) });
        const lines: string[] = [];
        const results = policy.query(query, { ...(input !== undefined ? { input } : {}), limits: { timeoutMs: Number(opts.timeout) }, print: (l) => lines.push(l) });
        for (const l of lines) process.stderr.write(l + '\n');
        // A plain reference prints its value; any other query prints its binding sets.
        const isRef = /^\s*(data|input)(\.[A-Za-z_][A-Za-z0-9_]*|\[[^\]]+\])*\s*$/.test(query);
        let out: unknown;
        if (isRef) {
          const value = policy.evaluate(query, { ...(input !== undefined ? { input } : {}), limits: { timeoutMs: Number(opts.timeout) } });
          out = value === undefined ? { result: null, defined: false } : { result: value, defined: true };
          if (value === undefined && opts.fail) process.exitCode = exitCodes.failed;
        } else {
          out = { result: results, defined: results.length > 0 };
          if (results.length === 0 && opts.fail) process.exitCode = exitCodes.failed;
        }
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      } catch (err) {
        if (err instanceof RegoParseError || err instanceof RegoError || (err instanceof Error && /^rego_/.test((err as { code?: string }).code ?? ''))) {
          throw new CliError(err.message + (opts.v0 ? '' : await v0Hint(modules)), exitCodes.failed);
        }
        throw err;
      }
    });
}
