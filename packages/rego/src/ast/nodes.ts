// CHANGED (additive, for the experimental `future.keywords.and/or/not` imports — see the
// conformance category `logic_operators`):
//  - ExprTerms gained `Logical` (`a and b`, `a or b`) and `Group` (`not { … }`); `isTerm` excludes them.
//  - Module gained `futureKeywords` (the future keywords imported by the module).
//  - NumberTerm.value may be ±Infinity for literals beyond float64 range (e.g. `2e308`); `raw` is exact.

/**
 * The Rego abstract syntax tree, modelled on OPA's `ast` package (Term / Expr / Rule / Module).
 *
 * The parser produces these plain objects; the compiler and evaluator consume them. Nodes are
 * plain data (no classes, no methods) discriminated by `type`, so they can be cloned,
 * serialised and pattern-matched with `switch (node.type)`. Every node keeps its `loc`.
 *
 * Normalisations the parser performs, so later stages see one shape per construct:
 *  - infix operators become `Call`s named after OPA's built-ins (`a + b` → `plus(a, b)`);
 *    `x in xs` → `internal.member_2(x, xs)`, `k, v in xs` → `internal.member_3(k, v, xs)`;
 *  - `-` directly before a number literal folds into the literal (`-1` is a NumberTerm);
 *  - each `_` becomes a fresh wildcard variable `$<n>` (unique within the parsed text,
 *    `wildcard: true`), as OPA does, so every `_` is a distinct variable;
 *  - a rule without a body gets the body `[true]` (one Expr whose term is the boolean `true`,
 *    located at the head), and a rule without a value (`allow if {…}`, `p.q if …`, v0
 *    `allow {…}`) gets the value `true` — except partial set rules, whose value stays
 *    undefined;
 *  - `set()` is parsed as an empty SetTerm (not a call).
 *
 * STABILITY: other modules code against this file. Changes are additive only; anything else
 * is listed in a `// CHANGED:` note at the top of this file.
 */

import type { Location } from './location.ts';

export type { Location } from './location.ts';

// ---------------------------------------------------------------------------------------------
// Terms
// ---------------------------------------------------------------------------------------------

/** `null`. */
export interface NullTerm {
  type: 'null';
  loc: Location;
}

/** `true` / `false`. */
export interface BooleanTerm {
  type: 'boolean';
  value: boolean;
  loc: Location;
}

/**
 * A number literal. `raw` is the source text (after folding a leading unary minus, e.g.
 * `"-1.5e3"`); `value` is the parsed value in value.ts's representation: a JS number for
 * floats and safe integers, a bigint only for integers outside ±2^53. A float literal beyond
 * float64 range (OPA accepts `2e308`, it uses big floats) has value ±Infinity; use `raw` then.
 */
export interface NumberTerm {
  type: 'number';
  raw: string;
  value: number | bigint;
  loc: Location;
}

/**
 * A string literal, already unescaped. `raw` is true for backtick (raw) strings — only
 * useful for printing the source back.
 */
export interface StringTerm {
  type: 'string';
  value: string;
  raw?: boolean;
  loc: Location;
}

/** Any of the four scalar literals. */
export type Scalar = NullTerm | BooleanTerm | NumberTerm | StringTerm;

/**
 * A variable. `data` and `input` are parsed as ordinary Vars (as in OPA); they are roots
 * of references, e.g. `input.x` is a Ref whose head is Var `input`.
 * `wildcard` is true for vars the parser made from `_` (their name is `$<n>`).
 */
export interface Var {
  type: 'var';
  name: string;
  wildcard?: boolean;
  loc: Location;
}

/**
 * A reference: a head term followed by a path of terms.
 *  - `input.x[y]` → head Var `input`, path [StringTerm "x", Var y]
 *  - `data.a.b`   → head Var `data`, path [StringTerm "a", StringTerm "b"]
 *  - `f(x).y`     → head Call `f(x)`, path [StringTerm "y"]
 *  - `[1,2][0]`   → head ArrayTerm, path [NumberTerm 0]
 * `.name` path elements become StringTerms; `[term]` elements are the term itself.
 * `path` is never empty: a bare `x` is a Var, not a Ref.
 */
export interface Ref {
  type: 'ref';
  head: Term;
  path: Term[];
  loc: Location;
}

/** `[a, b, c]`. */
export interface ArrayTerm {
  type: 'array';
  items: Term[];
  loc: Location;
}

/** One `key: value` entry of an object literal. */
export interface ObjectItem {
  key: Term;
  value: Term;
}

/** `{k: v, …}`; `{}` is the empty object. Keys are arbitrary terms. */
export interface ObjectTerm {
  type: 'object';
  items: ObjectItem[];
  loc: Location;
}

/** `{a, b}`; `set()` is the empty set (items = []). */
export interface SetTerm {
  type: 'set';
  items: Term[];
  loc: Location;
}

/** `[term | body]`. */
export interface ArrayComprehension {
  type: 'arraycomprehension';
  term: Term;
  body: Expr[];
  loc: Location;
}

/** `{key: value | body}`. */
export interface ObjectComprehension {
  type: 'objectcomprehension';
  key: Term;
  value: Term;
  body: Expr[];
  loc: Location;
}

/** `{term | body}`. */
export interface SetComprehension {
  type: 'setcomprehension';
  term: Term;
  body: Expr[];
  loc: Location;
}

/**
 * A function call. `operator` is the function's name as a Ref or Var: `count` → Var
 * `count`; `json.marshal` → Ref(Var json, ["marshal"]); `data.lib.f` → Ref(Var data, …).
 * Infix and member operators are Calls too; `infix` then holds the source operator
 * (`+`, `==`, `in`, …) so the printer can reproduce it — semantics never depend on it.
 *
 * Operator built-in names used for infix forms (OPA's):
 *   `==` equal, `!=` neq, `<` lt, `<=` lte, `>` gt, `>=` gte,
 *   `+` plus, `-` minus, `*` mul, `/` div, `%` rem, `&` and, `|` or,
 *   `x in xs` internal.member_2, `k, v in xs` internal.member_3.
 */
export interface Call {
  type: 'call';
  operator: Var | Ref;
  args: Term[];
  infix?: string;
  loc: Location;
}

/**
 * A template (interpolated) string: `$"Hello {input.name}!"` or `` $`…{x}…` ``.
 * `parts` alternate freely between literal text (StringTerm, already unescaped — `\{`
 * became `{`) and embedded expressions (Expr — full expressions, `with` allowed, e.g.
 * `{a with input as 1}` or `{1 + a}`). Empty literal chunks are omitted.
 * `multiLine` is true for the backtick form.
 */
export interface TemplateString {
  type: 'templatestring';
  parts: Array<StringTerm | Expr>;
  multiLine: boolean;
  loc: Location;
}

/** Every kind of term. */
export type Term =
  | Scalar
  | Var
  | Ref
  | ArrayTerm
  | ObjectTerm
  | SetTerm
  | ArrayComprehension
  | ObjectComprehension
  | SetComprehension
  | Call
  | TemplateString;

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

/** `lhs := rhs` — declares the vars in `lhs` (local assignment). */
export interface Assign {
  type: 'assign';
  lhs: Term;
  rhs: Term;
  loc: Location;
}

/** `lhs = rhs` — unification. */
export interface Unify {
  type: 'unify';
  lhs: Term;
  rhs: Term;
  loc: Location;
}

/** `some x, y` — declares local vars. */
export interface SomeDecl {
  type: 'some';
  vars: Var[];
  loc: Location;
}

/**
 * `some v in xs` / `some k, v in xs`. `key` and `value` may be any terms (patterns such as
 * `[a, b]` are allowed); their vars are declared by the `some`. `key` is undefined for the
 * one-variable form.
 */
export interface SomeIn {
  type: 'somein';
  key: Term | undefined;
  value: Term;
  collection: Term;
  loc: Location;
}

/**
 * `every v in xs { body }` / `every k, v in xs { body }`. `key` and `value` are Vars
 * (OPA only allows vars here; the parser reports other terms as errors).
 */
export interface Every {
  type: 'every';
  key: Var | undefined;
  value: Var;
  domain: Term;
  body: Expr[];
  loc: Location;
}

/** `with target as value`; `target` is a Ref or Var (`input`, `data.x.y`, `time.now_ns`). */
export interface With {
  type: 'with';
  target: Var | Ref;
  value: Term;
  loc: Location;
}

/**
 * `lhs and rhs` / `lhs or rhs` — experimental logical operators, enabled per module by
 * `import future.keywords.and` / `.or` (or `import future.keywords`). They succeed or fail and
 * produce no value. Each operand is a body: a single literal operand is `[expr]`; an explicit
 * `{ a; b }` operand is its expressions (with their own scope). `and` binds tighter than `or`,
 * `not` tighter than both: `not a or b and c` is `(not a) or (b and c)`; chains are
 * left-associative, so `a or b or c` is `or([or([a],[b])], [c])`.
 */
export interface Logical {
  type: 'and' | 'or';
  lhs: Expr[];
  rhs: Expr[];
  loc: Location;
}

/**
 * `{ a; b }` as a whole expression: the operand of `not` under `import future.keywords.not`
 * (`not { some x in xs; x > 1 }` — negates the whole body), always with `negated: true`.
 */
export interface Group {
  type: 'group';
  body: Expr[];
  loc: Location;
}

/** What an Expr states: a term (often a Call), an assignment, a unification, or a decl. */
export type ExprTerms = Term | Assign | Unify | SomeDecl | SomeIn | Every | Logical | Group;

/**
 * One expression of a body or query: `not`? + terms + `with` modifiers.
 * `negated` is true for `not expr`. `with` is empty when there are no modifiers.
 */
export interface Expr {
  type: 'expr';
  negated: boolean;
  terms: ExprTerms;
  with: With[];
  loc: Location;
}

// ---------------------------------------------------------------------------------------------
// Rules, packages, imports, modules
// ---------------------------------------------------------------------------------------------

/**
 * - complete:       `p := 1`, `p.q.r if …`, `allow { … }` (v0), `p["a"] = 1`: head ref is ground
 * - partial_set:    `p contains x if …`, v0 `p[x] { … }`: `key` set, `value` undefined
 * - partial_object: `p[k] := v if …`, `a.b[c].d := 1`: head ref has a non-ground element
 *                   (`key` is the last ref element)
 * - function:       `f(x) := y if …`, `f(x) { … }` (v0): `args` set
 */
export type RuleKind = 'complete' | 'partial_set' | 'partial_object' | 'function';

/**
 * A rule head.
 *  - `ref` is the full head reference: for `a.b[c].d := 1` it is Ref(Var a, ["b", Var c, "d"]);
 *    for `p := 1` it is Var `p`; for a partial set rule `p contains x` it is Var `p` (the key
 *    is not part of the ref); for a partial object rule `p[k] := v` it is Ref(Var p, [k]).
 *    Path elements written `.name` are StringTerms.
 *  - `name` is the name of the head's first var (`a` for `a.b[c].d`, `p` for `p contains x`).
 *  - `args` is set only for functions.
 *  - `key` is set for partial_set (the element) and partial_object (last ref element).
 *  - `value` is the rule value (`true` when not written), undefined for partial_set rules.
 *  - `assign` is true when the head used `:=`, false for `=` or no operator.
 */
export interface RuleHead {
  ref: Var | Ref;
  name: string;
  args: Term[] | undefined;
  key: Term | undefined;
  value: Term | undefined;
  assign: boolean;
  kind: RuleKind;
  loc: Location;
}

/** A link to a related resource in METADATA (`related_resources`). */
export interface RelatedResource {
  ref: string;
  description?: string;
}

/** An author in METADATA (`authors`); a plain string `"Name <email>"` is split into both. */
export interface Author {
  name?: string;
  email?: string;
}

/** Where a METADATA block applies. */
export type AnnotationScope = 'package' | 'subpackages' | 'rule' | 'document';

/**
 * One `# METADATA` comment block, parsed as YAML. Known keys are typed; the full parsed
 * YAML object is kept in `raw` for `rego.metadata.*` (where `authors` and
 * `related_resources` are normalised to objects as OPA does).
 * `scope` defaults to `rule` before a rule and `package` before the package clause.
 */
export interface Annotations {
  scope: AnnotationScope;
  title?: string;
  description?: string;
  organizations?: string[];
  relatedResources?: RelatedResource[];
  authors?: Author[];
  schemas?: unknown[];
  entrypoint?: boolean;
  custom?: Record<string, unknown>;
  /** The YAML document as parsed (keys as written), with authors/related_resources normalised. */
  raw: Record<string, unknown>;
  loc: Location;
}

/**
 * A rule. `else` chains the `else` clauses in order (`p := 1 if {…} else := 2 if {…}`);
 * each else rule has its own head (same ref/args as the parent, its own value) and body.
 * v0 bodies spread over several blocks (`p { a } { b }`) become several Rules with the same
 * head, one per block (OPA does this too), all listed in Module.rules.
 */
export interface Rule {
  type: 'rule';
  head: RuleHead;
  body: Expr[];
  default: boolean;
  else: Rule | undefined;
  /** METADATA blocks that directly precede this rule (scope rule or document). */
  annotations: Annotations[];
  loc: Location;
}

/** `package a.b.c` — `path` is Ref(Var data, ["a", "b", "c"]) as in OPA. */
export interface Package {
  type: 'package';
  path: Ref;
  loc: Location;
}

/**
 * `import data.x.y as z`, `import input.x`, `import future.keywords.in`, `import rego.v1`.
 * `path` is the imported reference (a Var for `import input`); `alias` the `as` name.
 */
export interface Import {
  type: 'import';
  path: Var | Ref;
  alias: string | undefined;
  loc: Location;
}

/** A `#` comment; `text` excludes the `#`. */
export interface Comment {
  text: string;
  loc: Location;
}

export type RegoVersion = 'v0' | 'v1';

/**
 * A parsed module (one `.rego` file). `regoVersion` is the syntax the module was parsed
 * with (after 'auto' detection). `annotations` lists every METADATA block of the module
 * (package-scoped ones and those also attached to rules), in source order.
 */
export interface Module {
  type: 'module';
  file: string;
  package: Package;
  imports: Import[];
  rules: Rule[];
  comments: Comment[];
  regoVersion: RegoVersion;
  annotations: Annotations[];
  /**
   * Future keywords this module imported (`in`, `every`, `contains`, `if`, and the
   * experimental `and`, `or`, `not`). `not` here means the module opted into OPA's improved
   * negation semantics.
   */
  futureKeywords: string[];
  loc: Location;
}

// ---------------------------------------------------------------------------------------------
// Small helpers (pure, shape-only) that every consumer would otherwise re-write
// ---------------------------------------------------------------------------------------------

/** True when `e` is a term (as opposed to assign/unify/some/every) — narrows ExprTerms. */
export function isTerm(e: ExprTerms): e is Term {
  switch (e.type) {
    case 'assign':
    case 'unify':
    case 'some':
    case 'somein':
    case 'every':
    case 'and':
    case 'or':
    case 'group':
      return false;
    default:
      return true;
  }
}

/**
 * The dotted name of a Call operator or other ref made of a Var head and string path
 * elements (`json.marshal`, `data.lib.f`); undefined if some element is not a plain string.
 */
export function refToDottedName(t: Var | Ref): string | undefined {
  if (t.type === 'var') return t.name;
  if (t.head.type !== 'var') return undefined;
  let out = t.head.name;
  for (const p of t.path) {
    if (p.type !== 'string') return undefined;
    out += '.' + p.value;
  }
  return out;
}
