/**
 * `trellis dlp eval`: measures the engine against labelled JSONL test vectors. The format of
 * each line is recognised by its fields:
 *
 * - presidio (`entity`, `text`, `expected` spans, `expected_count`): one recognizer case. Only
 *   findings of that entity count; a finding overlapping an expected span is a TP, any other a
 *   FP, an expected span no finding overlaps a FN. Lines that give a count but fewer offsets
 *   match what they list and count up to the rest of `expected_count` unlocated findings as TP.
 *   Like Presidio's own tests, a finding counts at any confidence (threshold 0) unless
 *   `minConfidence` is given.
 * - presidio_context (`expected: null`): the entity is somewhere in the sentence; TP if found
 *   at the default threshold (context words must lift it), else FN.
 * - presidio_validate (`valid`): a checksum case. The value is "accepted" when a finding of the
 *   entity covers it: accepted valid → TP, rejected valid → FN, accepted invalid → FP; `null`
 *   is skipped.
 * - presidio-research sentences (`expected` spans each with its `entity`): the whole sentence is
 *   scanned with every detector at the default threshold; per entity, overlap matching as above.
 *   Findings of entities the dataset never labels are not counted (the dataset is silent on them).
 * - secret cases (`rule`, `kind` tp|fp, `text`): handed to eval/secrets-dataset.ts.
 *
 * Span matching rule: a finding matches an expected span of the same entity when the two
 * overlap by at least one character; each expected span and each finding is used once.
 * Entities the engine does not detect (PERSON, LOCATION, …) are listed as unsupported and
 * not counted.
 */
import { readFile } from 'node:fs/promises';
import type { Finding, ScanOptions } from '../types.ts';
import { scan, DEFAULT_MIN_CONFIDENCE } from '../scan.ts';
import { supportedEntities } from '../detectors/index.ts';
import { DlpEvalError } from '../errors.ts';
import { addCounts, emptyCounts, score, type Counts, type EvalReport } from './report.ts';
import { evaluateSecretCases, type SecretCase, type SecretEvalResult } from './secrets-dataset.ts';

/** Dataset entity names that mean one of ours. */
const ALIASES: Record<string, string> = { FIN: 'SG_NRIC_FIN', NRIC: 'SG_NRIC_FIN', DOMAIN_NAME: 'URL', IP: 'IP_ADDRESS', EMAIL: 'EMAIL_ADDRESS', PHONE: 'PHONE_NUMBER' };

export function canonicalEntity(name: string): string {
  return ALIASES[name] ?? name;
}

export interface EvalOptions {
  /** Overrides the per-format thresholds described above. */
  minConfidence?: number;
}

interface Span {
  start: number;
  end: number;
}

/** One-to-one overlap matching; returns the number of matched pairs. */
export function matchSpans(found: Span[], expected: Span[]): number {
  const used = new Array<boolean>(expected.length).fill(false);
  let matched = 0;
  for (const f of found) {
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i]!;
      if (!used[i] && f.start < e.end && e.start < f.end) {
        used[i] = true;
        matched++;
        break;
      }
    }
  }
  return matched;
}

function countsFor(found: Span[], expected: Span[], expectedCount: number): Counts {
  const matched = matchSpans(found, expected);
  const unlocated = Math.max(0, expectedCount - expected.length);
  const extra = Math.min(unlocated, found.length - matched);
  const tp = matched + extra;
  return { tp, fp: found.length - tp, fn: Math.max(expected.length, expectedCount) - tp };
}

class Accumulator {
  readonly byEntity = new Map<string, Counts>();
  readonly unsupported = new Set<string>();
  unsupportedItems = 0;
  readonly formats: Record<string, number> = {};
  /** Set when the dataset has secret cases. */
  secrets: SecretEvalResult | null = null;

  add(entity: string, c: Counts): void {
    const cur = this.byEntity.get(entity) ?? emptyCounts();
    addCounts(cur, c);
    this.byEntity.set(entity, cur);
  }

  skip(entity: string, items = 1): void {
    this.unsupported.add(entity);
    this.unsupportedItems += items;
  }

  format(name: string): void {
    this.formats[name] = (this.formats[name] ?? 0) + 1;
  }

  report(): EvalReport {
    const total = emptyCounts();
    const by_entity: EvalReport['by_entity'] = {};
    for (const [e, c] of [...this.byEntity].sort(([a], [b]) => a.localeCompare(b))) {
      by_entity[e] = score(c);
      addCounts(total, c);
    }
    const report: EvalReport = {
      total: score(total),
      by_entity,
      unsupported: [...this.unsupported].sort(),
      unsupported_items: this.unsupportedItems,
      supported_entities: this.byEntity.size,
      formats: this.formats,
    };
    if (this.secrets) {
      report.by_rule = this.secrets.by_rule;
      report.fp_flagged_rate = this.secrets.fp_flagged_rate;
      report.supported_rules = this.secrets.supported;
    }
    return report;
  }
}

type Line = Record<string, unknown>;

function scanFor(text: string, entity: string | null, minConfidence: number): Finding[] {
  const opts: ScanOptions = { minConfidence, includeTestValues: true };
  if (entity) opts.entities = [entity];
  return scan(text, opts);
}

function evalPresidioCase(acc: Accumulator, line: Line, opts: EvalOptions): void {
  const entity = canonicalEntity(String(line.entity));
  const expected = (line.expected as Span[]) ?? [];
  const expectedCount = typeof line.expected_count === 'number' ? line.expected_count : expected.length;
  if (!supportedEntities.has(entity)) return acc.skip(entity, Math.max(expectedCount, expected.length, 1));
  const found = scanFor(String(line.text), entity, opts.minConfidence ?? 0);
  acc.add(entity, countsFor(found, expected.slice(0, Math.max(expectedCount, 0) || expected.length), expectedCount));
}

function evalContextCase(acc: Accumulator, line: Line, opts: EvalOptions): void {
  const entity = canonicalEntity(String(line.entity));
  if (!supportedEntities.has(entity)) return acc.skip(entity);
  const found = scanFor(String(line.text), entity, opts.minConfidence ?? DEFAULT_MIN_CONFIDENCE);
  acc.add(entity, found.length > 0 ? { tp: 1, fp: 0, fn: 0 } : { tp: 0, fp: 0, fn: 1 });
}

function evalValidateCase(acc: Accumulator, line: Line, opts: EvalOptions): void {
  if (line.valid === null || line.valid === undefined) return;
  const entity = canonicalEntity(String(line.entity));
  if (!supportedEntities.has(entity)) return acc.skip(entity);
  const text = String(line.text);
  const found = scanFor(text, entity, opts.minConfidence ?? 0);
  const accepted = found.some((f) => f.start <= text.search(/\S/) && f.end >= text.trimEnd().length);
  if (line.valid === true) acc.add(entity, accepted ? { tp: 1, fp: 0, fn: 0 } : { tp: 0, fp: 0, fn: 1 });
  else acc.add(entity, accepted ? { tp: 0, fp: 1, fn: 0 } : emptyCounts());
}

function evalResearchSentence(acc: Accumulator, line: Line, labelled: Set<string>, opts: EvalOptions): void {
  const spans = (line.expected as Array<Span & { entity: string }>).map((s) => ({ ...s, entity: canonicalEntity(s.entity) }));
  const findings = scanFor(String(line.text), null, opts.minConfidence ?? DEFAULT_MIN_CONFIDENCE);
  for (const s of spans) if (!supportedEntities.has(s.entity)) acc.skip(s.entity);
  for (const entity of labelled) {
    const expected = spans.filter((s) => s.entity === entity);
    const found = findings.filter((f) => f.entity === entity);
    if (expected.length === 0 && found.length === 0) continue;
    acc.add(entity, countsFor(found, expected, expected.length));
  }
}

function detectFormat(line: Line): 'secret' | 'validate' | 'context' | 'presidio' | 'research' | null {
  if (typeof line.text !== 'string') return null;
  if ('kind' in line && 'rule' in line) return 'secret';
  if ('valid' in line && 'entity' in line) return 'validate';
  if ('entity' in line && line.expected === null) return 'context';
  if ('entity' in line && Array.isArray(line.expected)) return 'presidio';
  if (Array.isArray(line.expected)) return 'research';
  return null;
}

/** Parses JSONL text into records; blank lines are skipped, a bad line is an error naming it. */
export function parseJsonl(content: string, source: string): Line[] {
  const lines: Line[] = [];
  const raw = content.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i]!.trim();
    if (l === '') continue;
    try {
      const v = JSON.parse(l) as unknown;
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      lines.push(v as Line);
    } catch {
      throw new DlpEvalError(`${source}: line ${i + 1} is not a JSON object`);
    }
  }
  return lines;
}

export async function evaluateLines(lines: Line[], options: EvalOptions = {}): Promise<EvalReport> {
  const acc = new Accumulator();
  const researchLabels = new Set<string>();
  for (const l of lines) {
    if (detectFormat(l) === 'research') {
      for (const s of l.expected as Array<{ entity: string }>) {
        const e = canonicalEntity(s.entity);
        if (supportedEntities.has(e)) researchLabels.add(e);
      }
    }
  }
  const secretCases: SecretCase[] = [];
  for (const l of lines) {
    const format = detectFormat(l);
    if (!format) throw new DlpEvalError('unrecognised dataset line: expected presidio, presidio_context, presidio_validate, presidio-research or secret-case fields');
    acc.format(format);
    if (format === 'presidio') evalPresidioCase(acc, l, options);
    else if (format === 'context') evalContextCase(acc, l, options);
    else if (format === 'validate') evalValidateCase(acc, l, options);
    else if (format === 'research') evalResearchSentence(acc, l, researchLabels, options);
    else secretCases.push({ rule: (l.rule as string | null) ?? null, kind: l.kind === 'fp' ? 'fp' : 'tp', text: String(l.text) });
  }
  if (secretCases.length > 0) {
    const partial = await evaluateSecretCases(secretCases);
    acc.secrets = partial;
    for (const [entity, c] of Object.entries(partial.byEntity)) acc.add(entity, c);
    for (const u of partial.unsupported ?? []) acc.unsupported.add(u);
    acc.unsupportedItems += partial.unsupportedItems ?? 0;
  }
  return acc.report();
}

/**
 * Evaluates a JSONL dataset file.
 * @example
 *   const report = await evaluateDataset('data/dlp/presidio.jsonl');
 *   console.log(report.total.recall);
 */
export async function evaluateDataset(path: string, options: EvalOptions = {}): Promise<EvalReport> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch {
    throw new DlpEvalError(`cannot read dataset file ${path}`);
  }
  return evaluateLines(parseJsonl(content, path), options);
}
