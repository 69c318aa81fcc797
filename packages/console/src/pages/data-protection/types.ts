/**
 * The shapes the DLP routes answer with (packages/trellis/src/dlp/routes.ts and
 * dlp/detector-registry/routes.ts), as this page reads them. Findings carry offsets, never the
 * matched values: the page cuts the values out of the text the person typed.
 */

export interface Finding {
  entity: string;
  /** UTF-16 code units, as JavaScript string indices: start inclusive, end exclusive. */
  start: number;
  end: number;
  confidence: number;
  detector: string;
  kind?: string;
  rule?: string;
  path?: string;
  tag?: string;
  testValue?: boolean;
}

export interface ScanResult {
  findings: Finding[];
  count: number;
  test_values_suppressed: number;
}

export type OperatorType = 'mask' | 'redact' | 'replace' | 'hash' | 'tokenize' | 'encrypt';

export interface Applied {
  entity: string;
  start: number;
  end: number;
  operator: string;
  detector?: string;
}

export interface TransformResult {
  value: string;
  applied: Applied[];
}

export interface DetectorDefinition {
  id: string;
  entity: string;
  tag?: string;
  pattern?: string;
  caseInsensitive?: boolean;
  terms?: string[];
  group?: number;
  validator?: string;
  confidence?: number;
  context?: string[];
  keywords?: string[];
}

export interface SampleResult {
  index: number;
  matched: boolean;
  spans: { start: number; end: number; confidence: number }[];
}

export interface TestReport {
  ok: boolean;
  positives: SampleResult[];
  negatives: SampleResult[];
  missed: number[];
  falseMatches: number[];
}

export type DetectorStatus = 'draft' | 'active' | 'disabled';

export interface ActorRef {
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
