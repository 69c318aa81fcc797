/**
 * The shapes of compiled code the evaluator runs. The planner (compiler/plan.ts) turns IR
 * into these closures once; evaluation only calls them. All closures are in continuation-
 * passing style: a continuation returns `true` to stop the search (early exit) and `false`
 * to ask for more solutions; a binder sets a frame slot, calls its continuation, and clears
 * the slot again so backtracking needs no trail.
 */
import type { Value } from '../value.ts';
import type { IRule } from '../compiler/ir.ts';
import type { RuleGroup } from '../compiler/build-rule-tree.ts';
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
}
