/**
 * The shapes of compiled code the evaluator runs. The planner (compiler/plan.ts) turns IR
 * into these closures once; evaluation only calls them. All closures are in continuation-
 * passing style: a continuation returns `true` to stop the search (early exit) and `false`
 * to ask for more solutions; a binder sets a frame slot, calls its continuation, and clears
 * the slot again so backtracking needs no trail. The rule tree (stage `build-rule-tree`) is
 * here too, since each group carries its plan: the compiler imports these types, never the
 * reverse.
 */
import type { Module } from '../ast/nodes.ts';
import type { SetValue, Value } from '../value.ts';
import type { IRule, RuleKind } from '../compiler/ir.ts';
import type { EvalContext } from './context.ts';

export type Frame = (Value | undefined)[];
export type K = () => boolean;
export type VK = (v: Value) => boolean;
/** A body or expression: calls `k` once per solution. */
export type BodyFn = (c: EvalContext, f: Frame, k: K) => boolean;
/** A deterministic term: its value, or undefined. */
export type ValFn = (c: EvalContext, f: Frame) => Value | undefined;
/** A term that may have several values (iteration over unbound ref operands, relations). */
export type IterFn = (c: EvalContext, f: Frame, k: VK) => boolean;
/** A pattern: matches `v`, binding the pattern's unbound slots for the continuation. */
export type MatchFn = (c: EvalContext, f: Frame, v: Value, k: K) => boolean;

/** One rule definition, compiled. */
export interface DefPlan {
  rule: IRule;
  nslots: number;
  args: MatchFn[];
  body: BodyFn;
  keys: ValFn[];
  elem: ValFn | undefined;
  /** The element is a constant: it and its `valueKey`, computed at compile time. */
  constElem?: { value: Value; key: string };
  /** With `GroupPlan.constSet`: the place of this definition's element there. */
  constPos?: number;
  value: ValFn | undefined;
  /** The value is a constant: the first solution decides the definition. */
  constValue: boolean;
  else: DefPlan | undefined;
}

/** An index over a group's definitions on one input/data path compared to constants. */
export interface IndexPlan {
  lookup: ValFn;
  byValue: Map<string, DefPlan[]>;
  /** Definitions with no usable equality on the indexed path, in definition order. */
  always: DefPlan[];
  /** Candidate definitions for a value, in definition order (memoised). */
  order: Map<DefPlan, number>;
}

export interface GroupPlan {
  group: RuleGroup;
  defs: DefPlan[];
  default: DefPlan | undefined;
  /** The default's value when it is an unconditional constant (`default allow := false`). */
  defaultConst: Value | undefined;
  index: IndexPlan | undefined;
  /** Every definition has the same constant value: stop at the first that succeeds. */
  earlyExit: boolean;
  /**
   * A partial set whose every definition adds one constant element (`deny contains "msg" if
   * …`, at most 30 of them): the distinct elements in Rego order, and their `valueKey`s; `made`
   * holds the sets already built, by the bit mask of their elements (below 64).
   */
  constSet: { values: Value[]; keys: string[]; made: (SetValue | undefined)[] } | undefined;
}

/** The definitions of one rule (all with the same ground head path), and its plan. */
export interface RuleGroup {
  id: number;
  path: string[];
  name: string;
  kind: RuleKind;
  defs: IRule[];
  defaultRule: IRule | undefined;
  /** Filled by the `plan` stage. */
  plan: GroupPlan | undefined;
}

/** A node of the `data` namespace: children by key, and the rule group defined here, if any. */
export interface TreeNode {
  path: string[];
  children: Map<string, TreeNode>;
  group: RuleGroup | undefined;
}

/** The compiled policy's rules on a tree mirroring `data` (built by stage `build-rule-tree`). */
export interface RuleTree {
  root: TreeNode;
  groups: RuleGroup[];
  byName: Map<string, RuleGroup>;
  /** Every compiled module (for package-level metadata). */
  modules: Module[];
}
