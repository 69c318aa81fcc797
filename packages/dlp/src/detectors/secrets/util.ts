/**
 * Shared building blocks for the secret detectors: the placeholder test that
 * separates documented examples and templated values from live credentials, a CRC32 for the
 * checksummed token formats, and two small factories (`prefixedToken`, `keyedSecret`) so each
 * provider file reads as a list of formats rather than a pile of regex plumbing.
 *
 * Every pattern built here avoids look-around and back-references so it runs on V8 and on RE2
 * alike, and uses bounded repetition so a hostile input cannot make a match attempt run away.
 */
import type { DetectorWindow, PatternDetector } from '../../types.ts';

/** Words that only occur in documentation, samples and templates, never in generated secrets
 *  (a random base62 string of 40 characters contains one of these with negligible probability). */
const PLACEHOLDER_WORDS = [
  'example', 'sample', 'dummy', 'placeholder', 'changeme', 'change_me', 'changeit', 'redacted',
  'your_', 'your-', 'yourkey', 'yourtoken', 'yoursecret', 'yourpass', 'youraccess', 'yourapi',
  'insert', 'replace', 'fake', 'xxxx', '****', '...', '\u2026', 'lorem', 'foobar', 'notreal', 'not_real',
  'invalid', 'secret_here', 'token_here', 'key_here', 'goes_here', 'put_your', 'mytoken', 'mysecret',
  'mypassword', 'password123', 'qwerty', 'letmein', 'abc123', 'test1234',
];

/** Templating and variable syntaxes: the value names a secret instead of holding one. */
const TEMPLATE_RE = /\$\{|\{\{|\}\}|\$\(|<[^<>]{1,80}>|^\$[A-Za-z_][A-Za-z0-9_]*$|^%[A-Za-z_][A-Za-z0-9_]*%$|^@[A-Za-z_][A-Za-z0-9_]*@$|^__[A-Z0-9_]+__$|^\[[^\]]*\]$/;

/** Longest run of characters whose codes step by +1 (`12345`, `abcde`) or -1, case-folded. */
export function longestSequentialRun(value: string): number {
  const s = value.toLowerCase();
  let best = 1;
  let up = 1;
  let down = 1;
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i) - s.charCodeAt(i - 1);
    const alnum = /[a-z0-9]/.test(s[i] ?? '') && /[a-z0-9]/.test(s[i - 1] ?? '');
    up = alnum && d === 1 ? up + 1 : 1;
    down = alnum && d === -1 ? down + 1 : 1;
    best = Math.max(best, up, down);
  }
  return best;
}

/** Longest run of one repeated character (`000000`, `aaaaaa`). */
export function longestRepeatRun(value: string): number {
  let best = value.length > 0 ? 1 : 0;
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    run = value[i] === value[i - 1] ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/** Number of distinct characters. */
export function distinctChars(value: string): number {
  return new Set(value).size;
}

/**
 * True when `value` is a documented example, a placeholder or a templated reference rather than
 * a live credential. General rules only: placeholder vocabulary, templating syntax, and low
 * entropy (a long run of one character, one sequential walk over half the value, too few
 * distinct characters for its length).
 * Pass the random part of a token (without its fixed prefix) so fixed prefixes such as `AAAA`
 * do not count as repetition.
 */
export function isPlaceholder(value: string): boolean {
  if (value.length === 0) return true;
  const lower = value.toLowerCase();
  for (const w of PLACEHOLDER_WORDS) if (lower.includes(w)) return true;
  if (TEMPLATE_RE.test(value)) return true;
  if (longestRepeatRun(value) >= 6) return true;
  // One walk (`abcdefghijklmnop…`) over half the value leaves too little randomness for a key.
  if (value.length >= 12 && longestSequentialRun(value) * 2 >= value.length) return true;
  const distinct = distinctChars(value);
  if (value.length >= 8 && distinct <= Math.min(5, Math.floor(value.length / 3))) return true;
  return false;
}

/**
 * True when `value` holds a run of six or more consecutive characters (`123456`, `abcdef`): typed
 * by a person, not generated (a random 32-character value has one with probability about 1e-4).
 * It is not low entropy, and people do paste real keys in that shape into tests and fixtures, so
 * a provider-specific detector reports it, with lowered confidence; only the generic detectors,
 * which have no provider format to lean on, treat it as a placeholder.
 */
export function isPatterned(value: string): boolean {
  return longestSequentialRun(value) >= 6;
}

/** The placeholder test of the generic detectors: `isPlaceholder` or `isPatterned`. */
export function isGenericPlaceholder(value: string): boolean {
  return isPlaceholder(value) || isPatterned(value);
}

/** How much confidence a patterned value (see `isPatterned`) loses. */
export const PATTERNED_PENALTY = 0.15;

// ---------------------------------------------------------------------------------------------
// CRC32 and base62, for the checksummed formats (GitHub, npm).

const CRC_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) of an ASCII string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (crc >>> 8) ^ (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] ?? 0);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Base62 encoding of a non-negative integer, left-padded with `0` to `width`. */
export function base62(n: number, width: number): string {
  let out = '';
  let v = n;
  do {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  } while (v > 0);
  return out.padStart(width, '0');
}

/** GitHub/npm token checksum: the last 6 characters are the base62 CRC32 of the 30 random
 *  characters before them (github.blog, "Behind GitHub's new authentication token formats"). */
export function hasValidBase62Crc(body: string): boolean {
  if (body.length < 7) return false;
  const random = body.slice(0, -6);
  return base62(crc32(random), 6) === body.slice(-6);
}

// ---------------------------------------------------------------------------------------------
// Factories.

/** What may follow a secret value in source, config and logs (gitleaks' terminator, widened to
 *  the closing brackets and separators of JSON, XML and query strings). Consumed, not looked at. */
export const VALUE_END = String.raw`(?:[\x60'"\s;,)}\]<>&|]|\\[nrt]|$)`;

/** Assignment between a name and its value: `=`, `:`, `:=`, `::=`, `=>`, `?=`, `.=`, `||`, `,`
 *  (call arguments), `>` (XML), with optional quotes and spaces on either side. */
export const ASSIGN = String.raw`[ \t\w.-]{0,20}[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|\.=|,)[\x60'"\s=]{0,5}`;

/**
 * The keyword window of a token whose only unbounded part is its tail (`[A-Za-z0-9+/]{100,}` then
 * an optional end): the engine re-runs on the whole text any match that reaches the end of its
 * window (scan.ts, EDGE), so the window need only hold the keyword and the token's bounded head,
 * and the rule runs around its keywords instead of over the whole text.
 */
export const TAIL_WINDOW: DetectorWindow = { before: 256, after: 512 };

/** Room for the unbounded middle of a block (a PEM body, a JWT payload, a Secret's data value)
 *  between a keyword and a part the match cannot do without: a block longer than this is not
 *  reported, where a whole-text run would report it. 64 KB holds any key or token in use. */
export const BLOCK_REACH = 65536;

export interface SecretSpec {
  id: string;
  description: string;
  /** Data tag, e.g. `secret.github`. */
  tag: string;
  /** Lower-case literals, one of which must be present for the rule to matter. */
  keywords: string[];
  baseConfidence?: number;
  minEntropy?: number;
  context?: string[];
  /** Extra plausibility check on the value; return false to drop, a number to set confidence. */
  validate?: (value: string) => boolean | number;
  /** Override the placeholder test (default: `isPlaceholder` on the value minus `fixedPrefix`). */
  isTestValue?: (value: string) => boolean;
  /** Window around a keyword, for an unbounded token (see `PatternDetector.window`). */
  window?: DetectorWindow;
}

function bodyOf(value: string, prefix: number | RegExp): string {
  return typeof prefix === 'number' ? value.slice(prefix) : value.replace(prefix, '');
}

/** The factories' validation: the spec's own check, then a patterned body lowers confidence. */
function validateWithPattern(spec: SecretSpec, prefix: number | RegExp, base: number): (value: string) => boolean | number {
  return (value) => {
    const own = spec.validate ? spec.validate(value) : true;
    if (own === false) return false;
    const confidence = typeof own === 'number' ? own : base;
    return isPatterned(bodyOf(value, prefix)) ? Math.max(0.05, confidence - PATTERNED_PENALTY) : own;
  };
}

export interface PrefixedSpec extends SecretSpec {
  /** Regex source of the whole token (prefix and body), no capture groups. */
  token: string;
  /** How the token is delimited: `word` = `\b` on both sides (the token starts and ends with a
   *  word character), `delim` = start at `\b`, end at a separator (bodies with `-`, `=`, `/`),
   *  `none` = no trailing check. */
  boundary?: 'word' | 'delim' | 'none';
  /** Fixed leading part skipped by the placeholder test (regex or length). */
  fixedPrefix?: RegExp | number;
  flags?: string;
}

/** A token recognisable on its own by a documented prefix (`ghp_`, `xoxb-`, `AKIA`…). */
export function prefixedToken(spec: PrefixedSpec): PatternDetector {
  const boundary = spec.boundary ?? 'word';
  const tail = boundary === 'word' ? String.raw`\b` : boundary === 'delim' ? VALUE_END : '';
  const head = /^[\\(]?[A-Za-z0-9_]/.test(spec.token) || spec.token.startsWith('(?:') ? String.raw`\b` : '';
  return {
    id: spec.id,
    entity: 'SECRET',
    kind: 'secret',
    tag: spec.tag,
    keywords: spec.keywords,
    pattern: new RegExp(`${head}(${spec.token})${tail}`, spec.flags ?? 'g'),
    group: 1,
    baseConfidence: spec.baseConfidence ?? 0.9,
    ...(spec.minEntropy !== undefined ? { minEntropy: spec.minEntropy } : {}),
    ...(spec.context ? { context: spec.context } : {}),
    ...(spec.window ? { window: spec.window } : {}),
    validate: validateWithPattern(spec, spec.fixedPrefix ?? 0, spec.baseConfidence ?? 0.9),
    isTestValue: spec.isTestValue ?? ((v) => isPlaceholder(bodyOf(v, spec.fixedPrefix ?? 0))),
    description: spec.description,
  };
}

export interface KeyedSpec extends SecretSpec {
  /** Regex source of the provider names that label the value (`adafruit`, `message[_-]?bird`). */
  names: string;
  /** Regex source of the value itself, no capture groups. */
  value: string;
  fixedPrefix?: RegExp | number;
  /** Match `names` case-sensitively (e.g. `[Oo]kta|OKTA`, so `rookTable` is not Okta); `value`
   *  must then spell out both cases itself. */
  caseSensitive?: boolean;
}

/**
 * A secret with no distinctive shape of its own, recognised by the provider's name in the
 * variable or key that holds it: `ADAFRUIT_KEY = "…"`, `"twitch_token": "…"`, `<mattermostToken>…`.
 * The keywords are the provider names, so the rule costs nothing on text that never names it.
 */
export function keyedSecret(spec: KeyedSpec): PatternDetector {
  return {
    id: spec.id,
    entity: 'SECRET',
    kind: 'secret',
    tag: spec.tag,
    keywords: spec.keywords,
    pattern: new RegExp(`(?:${spec.names})${ASSIGN}(${spec.value})${VALUE_END}`, spec.caseSensitive ? 'g' : 'gi'),
    group: 1,
    baseConfidence: spec.baseConfidence ?? 0.75,
    ...(spec.minEntropy !== undefined ? { minEntropy: spec.minEntropy } : {}),
    ...(spec.context ? { context: spec.context } : {}),
    ...(spec.window ? { window: spec.window } : {}),
    validate: validateWithPattern(spec, spec.fixedPrefix ?? 0, spec.baseConfidence ?? 0.75),
    isTestValue: spec.isTestValue ?? ((v) => isPlaceholder(bodyOf(v, spec.fixedPrefix ?? 0))),
    description: spec.description,
  };
}

/** Regex source of a lower/upper-case hex UUID. */
export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
