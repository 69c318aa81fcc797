/**
 * Public API of `@trellis/dlp`, the DLP engine (re-exports only): what the Trellis server, its
 * CLI and the benchmarks use, with the option and result types of those functions. Everything
 * else in `src/` is internal and may change.
 */
export type { Finding, ScanOptions, PatternDetector } from './types.ts';
// `scan(text | record, options)`: the public entry takes either; scan.ts's own `scan` is text-only.
export { scanTextOrRecord as scan, type ScanRecordOptions } from './structured.ts';
export { scanInput, type InputFormat, type ScanInputOptions } from './scan-input.ts';
export { transform, applyOperator, type TransformContext, type TransformResult } from './transform.ts';
export type { TransformPlanInput, OperatorSpec } from './plan.ts';
export { detokenize } from './operators/tokenize.ts';
export { decrypt } from './operators/encrypt.ts';
export { compileCustomDetector, testCustomDetector, customDetectorSchema, type CustomDetectorDefinition, type CustomDetectorTestReport } from './custom.ts';
export { defaultDetectors, piiDetectors } from './detectors/index.ts';
export { secretDetectors } from './detectors/secrets/index.ts';
export { evaluateDataset, type EvalOptions } from './eval/evaluate.ts';
export { formatEvalReport, type EvalReport } from './eval/report.ts';
export { evaluateSecretCases, isSecretCase, type SecretCase, type SecretEvalReport } from './eval/secrets-dataset.ts';
export * from './errors.ts';
