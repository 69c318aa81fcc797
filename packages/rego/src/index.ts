/**
 * @trellis/rego — an OPA-compatible Rego policy engine. Compile modules once with `compile`,
 * then evaluate many inputs against the compiled policy: `policy.evaluate('data.authz.allow',
 * { input })` for a document, `policy.query('x := data.a[_]', …)` for binding sets.
 */
import type { RegoErrorCode } from './compiler/errors.ts';

export { parseModule, parseQuery, parseTerm } from './ast/parser.ts';
export { RegoParseError } from './ast/errors.ts';
export { RegoError, RegoCompileError, type RegoErrorCode } from './compiler/errors.ts';
export type { Limits, EvalOptions } from './eval/context.ts';
export { stages } from './compiler/stages.ts';
export { runTests, formatTestReport, type TestReport, type TestResult, type RunTestsOptions } from './tester/index.ts';
export { Policy, compile, evalQuery, type CompileOptions, type EvaluateOptions, type Bindings } from './policy.ts';
export type { JSONValue, Value } from './value.ts';

/**
 * Every error code the engine reports (OPA's codes plus `eval_limit_error`), e.g. for a
 * documentation check or an HTTP status table.
 *
 * @example
 * errorCodes.includes(err.code); // true for any RegoError
 */
export const errorCodes: RegoErrorCode[] = [
  'rego_parse_error',
  'rego_compile_error',
  'rego_type_error',
  'rego_unsafe_var_error',
  'rego_recursion_error',
  'eval_conflict_error',
  'eval_type_error',
  'eval_builtin_error',
  'eval_cancel_error',
  'eval_limit_error',
];
