/**
 * The budget of the tree evaluation in progress, for the compiled fast paths (fast.ts), whose
 * generated signatures carry only `(customer, now)`. Fast paths are synchronous, so a module
 * slot set around the call (saved and restored, for re-entrant calls) is exact.
 */
import type { EvaluationBudget } from '../budget.js';
import type { EvaluateOptions } from '../types.js';

let current: EvaluationBudget | undefined;

export function activeBudget(): EvaluationBudget | undefined {
  return current;
}

/** Options for an expression evaluated by a fast path: `now`, plus the active budget if any. */
export function fastOptions(now: Date): EvaluateOptions {
  return current === undefined ? { now } : { now, budget: current };
}

/** Makes `budget` the active one; returns the previous one for `leaveBudget` (no closure per call). */
export function enterBudget(budget: EvaluationBudget | undefined): EvaluationBudget | undefined {
  const saved = current;
  current = budget;
  return saved;
}

export function leaveBudget(saved: EvaluationBudget | undefined): void {
  current = saved;
}
