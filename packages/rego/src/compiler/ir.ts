/**
 * The compiler's intermediate representation: the AST after name resolution. Variables are
 * numbered frame slots, references to rules/imports are explicit `data`/`input` refs, and
 * calls name their target (a built-in declaration or a user function's data path). Later
 * stages (safety, recursion, types, indexing) and the planner only ever see this form.
 */
import type { Location, Annotations, Rule as AstRule, Module } from '../ast/nodes.ts';
import type { BuiltinDecl } from '../builtins/decl.ts';
import type { Value } from '../value.ts';

export type Slot = number;

/** What a call invokes. `user` functions are named by their full data path. */
export type FnTarget =
  | { kind: 'builtin'; name: string; decl: BuiltinDecl }
  | { kind: 'user'; name: string; path: string[] }
  | { kind: 'native'; name: string };

export type ITerm =
  | { k: 'const'; v: Value; loc: Location }
  | { k: 'var'; slot: Slot; name: string; loc: Location }
  | { k: 'input'; loc: Location }
  | { k: 'data'; loc: Location }
  | { k: 'ref'; head: ITerm; path: ITerm[]; loc: Location }
  | { k: 'array'; items: ITerm[]; loc: Location }
  | { k: 'object'; items: [ITerm, ITerm][]; loc: Location }
  | { k: 'set'; items: ITerm[]; loc: Location }
  | { k: 'arrayc'; head: ITerm; body: IBody; loc: Location }
  | { k: 'setc'; head: ITerm; body: IBody; loc: Location }
  | { k: 'objectc'; key: ITerm; value: ITerm; body: IBody; loc: Location }
  | { k: 'call'; fn: FnTarget; args: ITerm[]; loc: Location }
  | { k: 'template'; parts: (string | IExpr)[]; loc: Location };

/** Where a `with` modifier applies. */
export type WithTarget =
  | { kind: 'input'; path: string[] }
  | { kind: 'data'; path: string[] }
  | { kind: 'fn'; name: string };

export interface IWith {
  target: WithTarget;
  value: ITerm;
  /** True when `value` names a function (a `call` with no args standing for the function). */
  fnValue?: boolean;
  loc: Location;
}

export type IExprBody =
  | { k: 'term'; term: ITerm }
  | { k: 'unify'; a: ITerm; b: ITerm; assign: boolean }
  | { k: 'somein'; key: ITerm | undefined; value: ITerm; coll: ITerm }
  | { k: 'every'; key: ITerm | undefined; value: ITerm; domain: ITerm; body: IBody }
  | { k: 'noop' }
  /** `a and b`, `a or b`, `not { … }`: succeeds once if any of the bodies has a solution. */
  | { k: 'sub'; bodies: IBody[]; all: boolean };

export interface IExpr {
  e: IExprBody;
  negated: boolean;
  with: IWith[];
  loc: Location;
}

/**
 * A body: expressions (reordered for safety by check-safety), plus the slots it captures
 * from enclosing scopes (for comprehensions and `every`) and the slots declared inside it.
 */
export interface IBody {
  exprs: IExpr[];
  captures: Set<Slot>;
  locals: Set<Slot>;
}

export type RuleKind = 'complete' | 'set' | 'object' | 'function';

/** One rule definition (one body, with its `else` chain). */
export interface IRule {
  kind: RuleKind;
  /** The ground part of the head's path (package path included). */
  path: string[];
  /** For object rules and multi-value ref heads: the non-ground remainder of the head ref. */
  keys: ITerm[];
  /** Set element (partial set rules). */
  elem: ITerm | undefined;
  /** Value term (complete, object, function rules). */
  value: ITerm | undefined;
  args: ITerm[] | undefined;
  body: IBody;
  else: IRule | undefined;
  isDefault: boolean;
  /** Number of frame slots the rule (with its else chain) needs. */
  nslots: number;
  /** Slot names, for debugging and query bindings. */
  slotNames: string[];
  loc: Location;
  module: Module;
  ast: AstRule;
  annotations: Annotations[];
  /** Line numbers of the rule and its expressions, for coverage. */
}

/** A compiled query: its body and the user-visible variables. */
export interface IQuery {
  body: IBody;
  nslots: number;
  slotNames: string[];
}
