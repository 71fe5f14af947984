/**
 * The evaluation budget every expression language shares: work units charged by what an operation
 * touches (an `in` over a list costs its length, a string operation its length / CHARS_PER_UNIT),
 * plus a deadline the host injects. The engine never reads a clock: the host passes `expired`,
 * which the budget calls every CHECK_EVERY units, so the cost of the clock is paid once per few
 * thousand units of work and never on a cheap evaluation.
 *
 * One budget spans one whole evaluation (a tree with all its nodes, formulas and DRL rules): once
 * it has expired it stays expired, so every later node fails at once instead of running on.
 */
import { EngineError, type SourcePosition } from './types.js';

/** Error code of an evaluation stopped by its deadline. */
export const BUDGET_EXCEEDED = 'EVALUATION_BUDGET_EXCEEDED';

/** Work units between two deadline checks (about 10–50 µs of work). */
export const CHECK_EVERY = 2048;

/** Characters of a string operation per work unit: scanning 64 characters costs about one comparison. */
export const CHARS_PER_UNIT = 64;

/**
 * Longest input a regular expression may scan. RE2 is linear, but its JavaScript port needs up to
 * ~0.5 µs a character with nested groups: one match on 100 000 characters would hold the event
 * loop for the whole deadline before a check could see it. 10 000 characters is ≤ ~5 ms.
 */
export const MAX_MATCH_INPUT = 10_000;

/** Work units of one regex match over `length` characters (about 4 characters per unit). */
export function matchUnits(length: number): number {
  return 1 + Math.ceil(length / 4);
}

export function budgetExceeded(position?: SourcePosition): EngineError {
  // The code leads the message: a tree records only the message in its FAILED decision step.
  return new EngineError(BUDGET_EXCEEDED, `${BUDGET_EXCEEDED}: the evaluation ran past its deadline (time budget)`, position);
}

/**
 * A mutable budget for one evaluation. Create it in the host with a deadline check, e.g.
 * `new EvaluationBudget(() => performance.now() > end)` (the host's clock, never the engine's), and
 * pass it in the evaluate options with `now`: `expr.evaluate(root, vars, { now, budget })`.
 */
export class EvaluationBudget {
  private used = 0;
  private nextCheck = CHECK_EVERY;
  private spent = false;

  constructor(private readonly expired: () => boolean) {}

  /** Work units charged so far. */
  get units(): number {
    return this.used;
  }

  /** True once the deadline was seen passed. */
  get exhausted(): boolean {
    return this.spent;
  }

  /** Charges `units`; throws EVALUATION_BUDGET_EXCEEDED when a check finds the deadline passed. */
  spend(units: number, position?: SourcePosition): void {
    this.used += units;
    if (this.used >= this.nextCheck || this.spent) this.check(position);
  }

  /** Checks the deadline now (used between tree nodes and before expensive single operations). */
  check(position?: SourcePosition): void {
    this.nextCheck = this.used + CHECK_EVERY;
    if (this.spent || this.expired()) {
      this.spent = true;
      throw budgetExceeded(position);
    }
  }
}

/** Work units of touching `v`: a list its length, a string its length / CHARS_PER_UNIT, a map its size. */
export function sizeUnits(v: unknown): number {
  if (typeof v === 'string') return v.length < CHARS_PER_UNIT ? 0 : Math.ceil(v.length / CHARS_PER_UNIT);
  if (typeof v !== 'object' || v === null) return 0;
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map || v instanceof Set) return v.size;
  return 0;
}
