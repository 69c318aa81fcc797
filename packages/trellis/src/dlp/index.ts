/** Public API of the DLP engine (re-exports only). */
export type { Finding, ScanOptions, PatternDetector, EntityType, DetectorKind, DetectorTrigger } from './types.ts';
export { toText, DEFAULT_MIN_CONFIDENCE } from './scan.ts';
// `scan(text | record, options)`: the public entry takes either; scan.ts's own `scan` is text-only.
export { scanTextOrRecord as scan, scanRecord, TAG_ENTITIES, type ScanRecordOptions } from './structured.ts';
export { scanStream, scanStreamToArray, type StreamScanOptions } from './stream.ts';
export { transform, applyOperator, type TransformContext, type TransformResult, type AppliedTransform } from './transform.ts';
export { parseTransformPlan, operatorFor, transformPlanSchema, type TransformPlan, type TransformPlanInput, type OperatorSpec } from './plan.ts';
export { compileCustomDetector, testCustomDetector, customDetectorSchema, type CustomDetectorDefinition, type CustomDetectorTestReport } from './custom.ts';
export { tokenize, detokenize } from './operators/tokenize.ts';
export { encrypt, decrypt } from './operators/encrypt.ts';
export { mask } from './operators/mask.ts';
export { hmacHash } from './operators/hash.ts';
export { piiDetectors, defaultDetectors, supportedEntities } from './detectors/index.ts';
export { builtinValidators, type BuiltinValidatorName } from './validators/index.ts';
export { evaluateDataset, type EvalOptions } from './eval/evaluate.ts';
export { formatEvalReport, type EvalReport } from './eval/report.ts';
export * from './errors.ts';
