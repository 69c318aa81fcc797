/**
 * The shapes the DLP routes answer with (packages/trellis/src/dlp/routes.ts and
 * dlp/detector-registry/routes.ts), as this page reads them. Where the DLP engine declares what
 * a route returns as it is (packages/dlp/src: findings, transforms, detector definitions and
 * their sample tests), the engine's own types are imported, as types only, so none of its code
 * reaches the bundle. Findings carry offsets, never the matched values: the page cuts the
 * values out of the text the person typed.
 */
import type { Finding } from '../../../../dlp/src/types.ts';
import type { CustomDetectorDefinition, CustomDetectorTestReport } from '../../../../dlp/src/custom.ts';
import type { OperatorSpec } from '../../../../dlp/src/plan.ts';
import type { TransformResult as EngineTransformResult } from '../../../../dlp/src/transform.ts';
export type { Finding };
export type { SampleResult } from '../../../../dlp/src/custom.ts';

export type DetectorDefinition = CustomDetectorDefinition;
export type TestReport = CustomDetectorTestReport;

/** The operators the preview offers: every one but `keep`, which would show the text unchanged. */
export type OperatorType = Exclude<OperatorSpec['type'], 'keep'>;

/** POST /api/v1/dlp/transform of a text: the text transformed, and where each operator applied. */
export type TransformResult = EngineTransformResult<string>;

// POST /api/v1/dlp/scan: the route declares this answer only as JSON Schema, with no type to import.
export interface ScanResult {
  findings: Finding[];
  count: number;
  test_values_suppressed: number;
}

// The registry's detector (detector-registry/service.ts, DetectorInfo) is declared beside its
// service, which imports the server's database and audit modules and cannot be type-checked under
// the console's settings; and the route adds `samples` for managers. So these stay copies.
export type DetectorStatus = 'draft' | 'active' | 'disabled';

interface ActorRef {
  id: string;
  name: string | null;
}

export interface Detector {
  id: string;
  detector: string;
  status: DetectorStatus;
  version: number;
  definition: DetectorDefinition;
  definition_sha256?: string;
  sample_counts?: { positive: number; negative: number };
  /** Present only for callers who may manage detectors. */
  samples?: { positive: string[]; negative: string[] };
  last_test: TestReport;
  created_by?: ActorRef;
  created_at?: string;
  updated_by?: ActorRef;
  updated_at?: string;
}

export interface DetectorList {
  items: Detector[];
  load_errors?: { id: string; message: string }[];
}
