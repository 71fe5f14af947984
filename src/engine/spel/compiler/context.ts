import type { EvaluationBudget } from '../../budget.js';
import { banyanFault } from '../errors.js';

/** Mutable per-evaluation state; one object per call (reused when not re-entered). */
export interface State {
  root: unknown;
  /** The active context object: the root, or the current element inside a selection/projection. */
  active: unknown;
  vars: Readonly<Record<string, unknown>> | undefined;
  now: Date | undefined;
  steps: number;
  /** The host's shared budget (deadline), when the caller gave one. */
  budget: EvaluationBudget | undefined;
}

export type Evaluator = (s: State) => unknown;

/**
 * What the compiler knows statically about a value. `long` matters at run time: a long literal
 * (`10L`) is a plain JS number like an int, and only its static type says to compute in 64 bits.
 */
export type StaticType = 'int' | 'long' | 'double' | 'decimal' | 'string' | 'boolean' | 'null' | 'list' | 'map' | 'any';

export interface Compiled {
  readonly fn: Evaluator;
  readonly type: StaticType;
  /** Work units charged up front: the node count outside selection/projection bodies. */
  readonly cost: number;
  /** Present when the value is known at compile time (hoisted, never rebuilt per evaluation). */
  readonly constant?: { readonly value: unknown };
}

export interface CompileContext {
  readonly source: string;
  readonly decimal: boolean;
  readonly maxSteps: number;
  readonly maxCollectionSize: number;
}

/**
 * Charges work (selection/projection iterations, collection and string operations by the size
 * they touch) against the step limit and the host's budget (deadline).
 */
export function charge(s: State, units: number, max: number, at: number): void {
  s.steps += units;
  if (s.steps > max) throw banyanFault(at, 'LIMIT_EXCEEDED', `Evaluation exceeded the limit of ${max} steps`);
  if (s.budget !== undefined) s.budget.spend(units);
}
