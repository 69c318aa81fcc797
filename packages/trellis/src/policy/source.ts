/**
 * A policy bundle's source and what happens to it before it may be stored: the shape and size
 * checks, the content digest, the data files merged into one `data` document, compilation with
 * located errors, and the bundle's own tests run in memory under limits. Everything here is
 * pure (no database); the service strings the steps together.
 *
 * A bundle is three things: Rego modules (path → text, `*_test.rego` files included), data
 * files (path of a `data.json` → its JSON value, placed at the path of its folder exactly as
 * `bundle.ts` places them when it reads a directory), and the Rego syntax (`v1`, where a module
 * that only parses as v0 is accepted as v0, file by file; or `v0` for every module).
 */
import { createHash } from 'node:crypto';
import { compile, RegoCompileError, RegoError, RegoParseError, type Policy } from '@trellis/rego';
import { canonicalJson } from '../canonical-json.ts';
import { AppError, type FieldError } from '../errors.ts';
import { mergeAt } from './bundle.ts';
import { policyErrors } from './errors.ts';

export type RegoVersion = 'v0' | 'v1';

/** A bundle as stored: modules and data files by path, and the syntax its modules are in. */
export interface BundleSource {
  modules: Record<string, string>;
  data: Record<string, unknown>;
  regoVersion: RegoVersion;
}

/** A bundle as it arrives (the API body, a directory read by the CLI): data and syntax optional. */
export interface BundleInput {
  modules: Record<string, string>;
  data?: Record<string, unknown> | undefined;
  regoVersion?: RegoVersion | undefined;
}

/** Bounds on what a bundle may hold; above them a push is refused before anything is parsed. */
export const bundleLimits = {
  maxModules: 500,
  maxDataFiles: 500,
  /** Module texts plus data files as JSON, in UTF-8 bytes. */
  maxTotalBytes: 2 * 1024 * 1024,
  maxPathLength: 256,
} as const;

/** Module and data file paths: relative, forward slashes, no `.`/`..` segments, no odd characters. */
const PATH = /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;
const DATA_FILE = /(?:^|\/)data\.(?:json|ya?ml)$/;

function invalid(message: string, errors: FieldError[]): AppError {
  return policyErrors.error('bundle_invalid', message, { errors: errors.slice(0, 100) });
}

/**
 * Check a bundle's shape and size and normalise it (data and syntax filled in). Every problem
 * is reported together, each naming its field (`modules["a/b.rego"]`, `data["x/data.json"]`).
 */
export function checkSource(input: BundleInput): BundleSource {
  const errors: FieldError[] = [];
  const modules = input.modules;
  const data = input.data ?? {};
  const moduleNames = Object.keys(modules);
  const dataNames = Object.keys(data);
  if (moduleNames.length === 0) errors.push({ path: 'modules', message: 'a bundle needs at least one .rego module' });
  if (moduleNames.length > bundleLimits.maxModules) errors.push({ path: 'modules', message: `at most ${bundleLimits.maxModules} modules (got ${moduleNames.length})` });
  if (dataNames.length > bundleLimits.maxDataFiles) errors.push({ path: 'data', message: `at most ${bundleLimits.maxDataFiles} data files (got ${dataNames.length})` });
  let bytes = 0;
  for (const name of moduleNames) {
    const field = `modules[${JSON.stringify(name)}]`;
    if (name.length > bundleLimits.maxPathLength || !PATH.test(name)) errors.push({ path: field, message: 'must be a relative path of letters, digits, _ . - separated by /' });
    else if (!name.endsWith('.rego')) errors.push({ path: field, message: 'a module path must end in .rego' });
    const text = modules[name];
    if (typeof text !== 'string') errors.push({ path: field, message: 'must be the module text (a string)' });
    else bytes += Buffer.byteLength(text) + Buffer.byteLength(name);
  }
  for (const name of dataNames) {
    const field = `data[${JSON.stringify(name)}]`;
    if (name.length > bundleLimits.maxPathLength || !PATH.test(name) || !DATA_FILE.test(name)) {
      errors.push({ path: field, message: 'data keys are data file paths such as tiers/data.json (its value is placed at data.tiers; data.json alone is the root)' });
    }
    bytes += Buffer.byteLength(JSON.stringify(data[name]) ?? '') + Buffer.byteLength(name);
  }
  if (bytes > bundleLimits.maxTotalBytes) errors.push({ path: '', message: `the bundle is ${bytes} bytes; at most ${bundleLimits.maxTotalBytes} bytes of modules and data` });
  if (errors.length > 0) {
    const first = `${errors[0]!.path ? `${errors[0]!.path}: ` : ''}${errors[0]!.message}`;
    throw invalid(`the bundle is not valid: ${first}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`, errors);
  }
  // Stored in path order, so the digest and every listing are independent of upload order.
  const sorted = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
  const source: BundleSource = { modules: sorted(modules), data: sorted(data), regoVersion: input.regoVersion ?? 'v1' };
  mergedData(source);
  return source;
}

/** SHA-256 (hex) of the bundle's canonical JSON (RFC 8785): equal content, equal digest. */
export function bundleDigest(source: BundleSource): string {
  return createHash('sha256').update(canonicalJson({ modules: source.modules, data: source.data, regoVersion: source.regoVersion })).digest('hex');
}

/** The data files merged into one document, each at the path of its folder. */
export function mergedData(source: BundleSource): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [file, value] of Object.entries(source.data)) {
    const folder = file.split('/').slice(0, -1);
    try {
      mergeAt(root, folder, structuredClone(value), file);
    } catch (err) {
      if (err instanceof AppError) throw invalid(err.message, [{ path: `data[${JSON.stringify(file)}]`, message: err.message.replace(`${file}: `, '') }]);
      throw err;
    }
  }
  return root;
}

/** Rego errors as located field errors: the module path, line and column, and OPA's code. */
function regoFieldErrors(err: RegoCompileError | RegoParseError): FieldError[] {
  return err.errors.map((e) => {
    const detail = e instanceof RegoError ? e.detail : e.message;
    const code = e instanceof RegoError ? e.code : 'rego_parse_error';
    return { path: e.loc?.file ?? '', message: `${code}: ${detail}`, ...(e.loc ? { line: e.loc.row, column: e.loc.col } : {}) };
  });
}

export interface CompiledSource {
  policy: Policy;
  /** Modules accepted as Rego v0 (all of them when the bundle says v0). */
  v0Modules: string[];
}

/**
 * Compile a bundle (its tests included, so they can run against it). Throws `bundle_invalid`
 * whose detail starts with the first error as `path:line:column: code: message` and whose
 * `errors` list them all.
 */
export function compileSource(source: BundleSource): CompiledSource {
  let policy: Policy;
  try {
    policy = compile({ modules: source.modules, data: mergedData(source), regoVersion: source.regoVersion === 'v0' ? 'v0' : 'auto' });
  } catch (err) {
    if (err instanceof RegoCompileError || err instanceof RegoParseError) {
      const errors = regoFieldErrors(err);
      const first = errors[0];
      const where = first ? `${first.path}${first.line ? `:${first.line}:${first.column ?? 1}` : ''}: ${first.message}` : err.message;
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
      throw invalid(`the bundle does not compile: ${where}${more}`, errors);
    }
    throw err;
  }
  const v0Modules = policy.compiled.modules.filter((m) => m.regoVersion === 'v0').map((m) => m.file);
  return { policy, v0Modules };
}

/** Limits on running a bundle's tests (a push is refused when they are exceeded). */
export interface TestLimits {
  /** Wall time per test, ms. */
  testTimeoutMs: number;
  /** Expressions evaluated per test. */
  testMaxSteps: number;
  /** Wall time of all tests together, ms. */
  totalTimeoutMs: number;
}

export const defaultTestLimits: TestLimits = { testTimeoutMs: 1_000, testMaxSteps: 5_000_000, totalTimeoutMs: 10_000 };

export interface BundleTestResult {
  /** `data.pkg.test_name`. */
  name: string;
  file: string;
  line: number;
  status: 'pass' | 'fail' | 'error';
  duration_ms: number;
  error?: string;
}

export interface BundleTestReport {
  results: BundleTestResult[];
  passed: number;
  failed: number;
  errored: number;
  /** Set when the tests together ran past `totalTimeoutMs` (the rest did not run). */
  budgetExceeded?: string;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * Run every `test_*` rule of a compiled bundle, the way `opa test` does: a test passes when its
 * value is `true`, fails when false or undefined, errors when evaluation raises (a limit
 * included). Each test has its own time and step limits; between tests the event loop runs, so
 * a push never holds the server for more than one test's time limit at once.
 */
export async function runBundleTests(policy: Policy, limits: TestLimits = defaultTestLimits): Promise<BundleTestReport> {
  const tests = policy.compiled.tree.groups.filter((g) => g.kind !== 'function' && (g.path[g.path.length - 1] ?? '').startsWith('test_'));
  const results: BundleTestResult[] = [];
  const started = performance.now();
  let budgetExceeded: string | undefined;
  for (const [i, g] of tests.entries()) {
    if (performance.now() - started > limits.totalTimeoutMs) {
      budgetExceeded = `the tests ran past the total limit of ${limits.totalTimeoutMs} ms; ${tests.length - i} of ${tests.length} did not run`;
      break;
    }
    const loc = (g.defs[0] ?? g.defaultRule)?.loc;
    const start = performance.now();
    let status: BundleTestResult['status'];
    let error: string | undefined;
    try {
      const v = policy.evaluateValue(g.name, { limits: { timeoutMs: limits.testTimeoutMs, maxSteps: limits.testMaxSteps }, strictBuiltinErrors: true, print: () => {} });
      status = v === true ? 'pass' : 'fail';
    } catch (e) {
      status = 'error';
      error = e instanceof RegoError ? `${e.code}: ${e.detail}` : e instanceof Error ? e.message : String(e);
    }
    results.push({ name: g.name, file: loc?.file ?? '', line: loc?.row ?? 0, status, duration_ms: round(performance.now() - start), ...(error ? { error } : {}) });
    await new Promise((r) => setImmediate(r));
  }
  return {
    results,
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
    errored: results.filter((r) => r.status === 'error').length,
    ...(budgetExceeded ? { budgetExceeded } : {}),
  };
}

/** Refuse a bundle whose tests did not all pass: one located error per failing test, by name. */
export function checkTestReport(report: BundleTestReport): void {
  const bad = report.results.filter((r) => r.status !== 'pass');
  if (bad.length === 0 && !report.budgetExceeded) return;
  const errors: FieldError[] = bad.map((r) => ({ path: r.file, line: r.line, message: `${r.name}: ${r.status === 'fail' ? 'FAIL' : `ERROR (${r.error ?? 'error'})`}` }));
  if (report.budgetExceeded) errors.push({ path: '', message: report.budgetExceeded });
  const names = bad.map((r) => r.name);
  const what = names.length > 0 ? `${names.length} of ${report.results.length} test${report.results.length === 1 ? '' : 's'} did not pass: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}` : '';
  throw policyErrors.error('bundle_tests_failed', [what, report.budgetExceeded].filter(Boolean).join('; '), { errors: errors.slice(0, 100), extra: { tests: { passed: report.passed, failed: report.failed, errored: report.errored } } });
}
