/**
 * Public types of the DLP engine: what a detector finds, how confident it is, and how
 * a finding is transformed. Every other file in dlp/ speaks in these types; other
 * modules import them through dlp/index.ts only.
 */

/** Entity names follow Presidio's vocabulary for PII (EMAIL_ADDRESS, CREDIT_CARD, US_SSN, …)
 *  and `SECRET` for credentials; secret findings carry the rule id in `rule`. */
export type EntityType = string;

export type DetectorKind = 'pii' | 'secret' | 'custom';

export interface Finding {
  /** Entity type, e.g. `EMAIL_ADDRESS`, `CREDIT_CARD`, `SECRET`. */
  entity: EntityType;
  /** Start offset (UTF-16 code units, like JS string indices), inclusive. */
  start: number;
  /** End offset, exclusive. */
  end: number;
  /** 0..1; raised by validators and context words, lowered for known test values. */
  confidence: number;
  /** Id of the detector that fired, e.g. `credit-card`, `aws-access-key-id`. */
  detector: string;
  kind: DetectorKind;
  /** For secrets: the rule id (gitleaks-style name, e.g. `github-pat`). */
  rule?: string;
  /** True when the value is a documented example or placeholder (not a live secret). */
  testValue?: boolean;
  /** For structured scans: the JSON path of the field the finding is in. */
  path?: string;
  /** Data tag in the connector catalog vocabulary (`pii.email`, `pci.pan`, `secret.aws`, …). */
  tag?: string;
}

export interface ScanOptions {
  /** Restrict to these entity types (default: all). */
  entities?: EntityType[];
  /** Drop findings below this confidence (default 0.5). */
  minConfidence?: number;
  /** Include findings flagged as test values (default false). */
  includeTestValues?: boolean;
  /**
   * Called once for each documented test value the scan sets aside (when `includeTestValues` is
   * off), with the finding `includeTestValues` would have reported; the findings returned are
   * the same with or without it. Offsets and paths are those of the input given to the public
   * entry point (`scan`, `scanInput`), as for findings.
   * @example
   *   let suppressed = 0;
   *   scan('AKIAIOSFODNN7EXAMPLE', { onTestValue: () => suppressed++ }); // [], and suppressed === 1
   */
  onTestValue?: (finding: Finding) => void;
  /** Language hint for context words (default 'en'). */
  language?: string;
  /** Replace the detector set (default: built-in PII + secret detectors). */
  detectors?: PatternDetector[];
  /** Added to the detector set, e.g. a tenant's custom detectors. */
  extraDetectors?: PatternDetector[];
}

/**
 * A detector driven by a regular expression. The scan engine (scan.ts) runs it like this:
 * 1. prefilter: if `keywords` is non-empty, the pattern is tried only when at least one keyword
 *    occurs in the text (case-insensitive); keywords are lower-case literals.
 * 2. every match of `pattern` (which carries the `g` flag and is written to run in linear time);
 *    the value is capture group `group` when given, else the whole match.
 * 3. `validate(value)`: `false` drops the match; a number replaces the confidence.
 * 4. `minEntropy`: Shannon entropy (bits per character) of the value must reach it.
 * 5. `context` words within ~40 characters before the match raise confidence; `isTestValue`
 *    marks documented examples and placeholders (`testValue: true`, confidence lowered).
 */
export interface PatternDetector {
  id: string;
  entity: EntityType;
  kind: DetectorKind;
  tag?: string;
  keywords: string[];
  pattern: RegExp;
  group?: number;
  baseConfidence: number;
  validate?: (value: string) => boolean | number;
  context?: string[];
  minEntropy?: number;
  isTestValue?: (value: string) => boolean;
  description?: string;
  /** Cheap gate checked before the pattern runs (engine extension, optional): the text must
   *  contain at least one of `anyOf` characters and at least `minDigits` ASCII digits. */
  trigger?: DetectorTrigger;
  /** Narrow a validated value to the part that is the entity (e.g. an IBAN cut to its country's
   *  length); returns the kept length, 0 to drop. Runs before `validate`. Without a `group`, the
   *  cut-off rest of the match is scanned again. */
  trim?: (value: string) => number;
  /** Confidence to apply when context words are present, instead of the default boost. */
  contextConfidence?: number;
  /** Highest confidence the detector reaches without a context word. When that is below the
   *  scan's threshold, the engine runs the detector only if one of its `context` words occurs
   *  in the text (found by the same keyword pass), which skips weak guessers cheaply. */
  maxConfidence?: number;
  /** Keyword-gated detectors (engine extension, optional): how far, in characters, a match can
   *  start before a keyword occurrence and end after it. The engine runs the pattern only in these
   *  windows. By default the window is the pattern's longest possible match (regex-bounds.ts) on
   *  either side, at least 256 before and 512 after, which holds every match that contains its
   *  keyword; set it for unbounded patterns (`+`, `*`) to bound the work per keyword. */
  window?: DetectorWindow;
  /** Detectors without keywords (engine extension, optional): where a match can be, from a
   *  profile of the text built once per scan (anchors.ts). Without it the pattern runs over the
   *  whole text whenever the trigger passes. */
  anchor?: DetectorAnchor;
  /** Anchored detectors (engine extension, optional): the highest confidence, before context words,
   *  that any match containing the anchor candidate `text[start, end)` can reach; negative when no
   *  match can contain it. A candidate whose bound is below the scan's threshold is kept only when
   *  one of the detector's `context` words occurs near it, so a weak guesser (a bare digit run read
   *  as a phone number) costs no regex, validator or allocation on the many candidates that have
   *  no context word nearby. Without it the bound is `maxConfidence` (or 1). `size` is the
   *  candidate's digit count for a `digits` anchor, else its length. */
  anchorConfidence?: (text: string, start: number, end: number, size: number) => number;
  /** Anchored detectors (engine extension, optional): false when no match of the pattern can
   *  contain the anchor candidate `text[start, end)` (`size` as for `anchorConfidence`). For shapes
   *  an anchor kind cannot say on its own (a UK NINO's digits are a cluster of exactly six right
   *  after a letter), so the pattern runs only around the candidates that can be part of a match;
   *  a text full of other numbers then costs a few windows instead of a whole-text pass. It must
   *  never reject a candidate that a match contains. Each call costs about as much as scanning a
   *  few dozen characters, so it pays only where the pattern is expensive over the whole text. */
  anchorFilter?: (text: string, start: number, end: number, size: number) => boolean;
}

export interface DetectorWindow {
  before: number;
  after: number;
}

/**
 * Candidates for a detector's matches; a match must contain a candidate and lie within `before`
 * characters before its start and `after` characters after its end. The engine widens each window
 * further, over every character the pattern can consume (scan.ts `syncRegions`), so a detector
 * that needs no context-word reach (no `anchorConfidence` / `maxConfidence`) may give 0 for both:
 * its windows then grow from the candidate over the match's own characters (e-mail, URL).
 * - `digits`: a cluster of digits joined by short runs of ` -.():/+` holding at least `minDigits`
 *   digits (every digit of a match must be in one cluster, so the separators a pattern allows
 *   between digit groups must be among these).
 * - `run`: a maximal run of ASCII digits, `minLength`..`maxLength` long (`minLength` at least 2),
 *   for codes whose digits are one unbroken block (`12345678Z`).
 * - `token`: a maximal run of ASCII letters and digits, `minLength`..`maxLength` long
 *   (`minLength` at least 9).
 * - `pattern`: each match of a cheap global regex (e.g. `/@/g`).
 *   `find`, when given, returns exactly the spans of that regex's matches (a hand-written scan
 *   that hops between `indexOf` hits where the regex engine would test every character); the
 *   pattern stays its specification.
 */
export type DetectorAnchor =
  | { kind: 'digits'; minDigits: number; before: number; after: number }
  | { kind: 'run'; minLength: number; maxLength: number; before: number; after: number }
  | { kind: 'token'; minLength: number; maxLength: number; before: number; after: number }
  | { kind: 'pattern'; pattern: RegExp; find?: (text: string) => AnchorSpans; before: number; after: number };

/** Candidate spans of a `find` anchor: candidate `k` is `[starts[k], ends[k])`, ascending. */
export interface AnchorSpans {
  starts: number[];
  ends: number[];
}

export interface DetectorTrigger {
  anyOf?: string;
  minDigits?: number;
}

