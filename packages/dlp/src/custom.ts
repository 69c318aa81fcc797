/**
 * Tenant-defined detectors. An admin supplies a pattern (RE2 syntax, compiled with the `re2`
 * package, whose automaton runs in linear time, so `(a+)+$` cannot stall the process), or a
 * list of literal terms, optionally a built-in validator by name and context words. Definitions
 * are checked with `testCustomDetector` against positive and negative samples before they are
 * activated.
 */
import RE2 from 're2';
import { z } from 'zod';
import type { Finding, PatternDetector } from './types.ts';
import { scan } from './scan.ts';
import { builtinValidators, isBuiltinValidator } from './validators/index.ts';
import { DlpInvalidDetectorError, DlpInvalidPatternError, DlpUnknownValidatorError } from './errors.ts';

export const customDetectorSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'ids are lower-case words joined by dashes'),
  entity: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'entity names are upper-case, e.g. PROJECT_CODE'),
  tag: z.string().max(100).optional(),
  pattern: z.string().min(1).max(4096).optional(),
  caseInsensitive: z.boolean().default(false),
  /** Literal terms (e.g. code names); matched as whole words, case-insensitively. */
  terms: z.array(z.string().min(1).max(200)).max(10000).optional(),
  /** Capture group holding the value (default: whole match). */
  group: z.number().int().min(1).max(20).optional(),
  validator: z.string().optional(),
  confidence: z.number().min(0).max(1).default(0.8),
  context: z.array(z.string().min(1).max(100)).max(100).default([]),
  /** Prefilter: the pattern only runs when one of these occurs (case-insensitive). */
  keywords: z.array(z.string().min(1).max(100)).max(100).default([]),
}).strict().refine((d) => (d.pattern === undefined) !== (d.terms === undefined), { message: 'give exactly one of pattern or terms' });

export type CustomDetectorDefinition = z.input<typeof customDetectorSchema>;

function escapeRe2(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Validates a definition and compiles it into a detector the scan engine can run. */
export function compileCustomDetector(input: CustomDetectorDefinition): PatternDetector {
  const parsed = customDetectorSchema.safeParse(input);
  if (!parsed.success) throw new DlpInvalidDetectorError(parsed.error.issues.map((i) => `${i.path.join('.') || '(detector)'}: ${i.message}`));
  const def = parsed.data;
  let source: string;
  let flags = 'gu';
  if (def.terms) {
    source = `(?:^|[^\\p{L}\\p{N}_])(${def.terms.map(escapeRe2).join('|')})(?:[^\\p{L}\\p{N}_]|$)`;
    flags += 'i';
  } else {
    source = def.pattern!;
    if (def.caseInsensitive) flags += 'i';
  }
  let pattern: RegExp;
  try {
    pattern = new RE2(source, flags);
  } catch (err) {
    // RE2's message describes the syntax problem; it quotes the pattern, which is the admin's
    // own configuration, not scanned data
    throw new DlpInvalidPatternError(def.id, err instanceof Error ? err.message : 'unknown error');
  }
  let validate: PatternDetector['validate'];
  if (def.validator !== undefined) {
    const name = def.validator;
    if (!isBuiltinValidator(name)) throw new DlpUnknownValidatorError(name, Object.keys(builtinValidators));
    const fn = builtinValidators[name];
    validate = (v) => fn(v);
  }
  const detector: PatternDetector = {
    id: `custom:${def.id}`,
    entity: def.entity,
    kind: 'custom',
    keywords: def.keywords.map((k) => k.toLowerCase()),
    pattern,
    baseConfidence: def.confidence,
    context: def.context.map((c) => c.toLowerCase()),
  };
  if (def.terms) detector.group = 1;
  else if (def.group !== undefined) detector.group = def.group;
  if (def.tag !== undefined) detector.tag = def.tag;
  if (validate) detector.validate = validate;
  return detector;
}

export interface SampleResult {
  index: number;
  matched: boolean;
  /** Spans found in the sample (offsets only; the sample text is the caller's). */
  spans: Array<{ start: number; end: number; confidence: number }>;
}

export interface CustomDetectorTestReport {
  ok: boolean;
  positives: SampleResult[];
  negatives: SampleResult[];
  /** Positive samples with no match and negative samples with one, by index. */
  missed: number[];
  falseMatches: number[];
}

/**
 * Compiles a definition and runs it over samples: every positive must match and no negative
 * may. Invalid definitions throw (DlpInvalidPatternError, DlpInvalidDetectorError, …).
 * @example
 *   testCustomDetector({ id: 'emp-id', entity: 'EMPLOYEE_ID', pattern: 'EMP-\\d{6}' },
 *     { positive: ['id EMP-123456'], negative: ['EMP-12'] }).ok // true
 */
export function testCustomDetector(def: CustomDetectorDefinition, samples: { positive?: string[]; negative?: string[] }): CustomDetectorTestReport {
  const detector = compileCustomDetector(def);
  const run = (text: string, index: number): SampleResult => {
    const found: Finding[] = scan(text, { detectors: [detector], minConfidence: 0, includeTestValues: true });
    return { index, matched: found.length > 0, spans: found.map((f) => ({ start: f.start, end: f.end, confidence: f.confidence })) };
  };
  const positives = (samples.positive ?? []).map(run);
  const negatives = (samples.negative ?? []).map(run);
  const missed = positives.filter((r) => !r.matched).map((r) => r.index);
  const falseMatches = negatives.filter((r) => r.matched).map((r) => r.index);
  return { ok: missed.length === 0 && falseMatches.length === 0, positives, negatives, missed, falseMatches };
}
