/**
 * Matching work and the evaluation's limits. The engines report work units (threads stepped,
 * states explored) to a `Budget`; built-ins turn those into evaluation steps, so a long input
 * is stopped by the step and time limits like any other long-running evaluation.
 */
import type { BuiltinContext } from '../decl.ts';

/** Receives units of matching work; may throw to stop the search (evaluation limits). */
export type Budget = (work: number) => void;

/** How much work an engine accumulates before reporting it. */
export const REPORT_EVERY = 4096;

/**
 * Work units per evaluation step: a unit costs far less than evaluating an expression, and
 * scanning a 1 MB input must fit the default step budget.
 */
const WORK_PER_STEP = 16;

/** A budget that charges matching work to the evaluation of `ctx`, in whole steps. */
export function budgetOf(ctx: BuiltinContext): Budget {
  let units = 0;
  return (work) => {
    units += work;
    if (units >= WORK_PER_STEP) {
      const steps = Math.floor(units / WORK_PER_STEP);
      units -= steps * WORK_PER_STEP;
      ctx.charge(steps);
    }
  };
}
