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

export function withBudget<T>(budget: EvaluationBudget | undefined, run: () => T): T {
  if (budget === undefined && current === undefined) return run();
  const saved = current;
  current = budget;
  try {
    return run();
  } finally {
    current = saved;
  }
}
