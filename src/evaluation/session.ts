import type { AppError } from '../platform/errors.js';

/**
 * State shared by every host command of one evaluate request (all trees): the identical-call
 * cache and a hard failure that must fail the whole request (an external system with
 * `onUnavailable: FAIL`).
 *
 * It rides in the execution context's variables under a symbol key: the engine copies variables
 * with a spread (symbol keys included), expressions cannot name a symbol, and JSON drops it, so it
 * never leaks into SpEL, steps or the audit trail.
 */
export const EVALUATION_SESSION: unique symbol = Symbol('banyan.evaluationSession');

export interface EvaluationSession {
  /** Results of calls already made in this evaluation, by call key (system + method + URL + body). */
  readonly cache: Map<string, Promise<unknown>>;
  /** Set by a command whose failure must fail the request; the evaluation service throws it. */
  failure: AppError | null;
}

export function newSession(): EvaluationSession {
  return { cache: new Map(), failure: null };
}

/** The session of the evaluation a command runs in, if the host started one. */
export function sessionOf(variables: Readonly<Record<string, unknown>>): EvaluationSession | undefined {
  return (variables as { [EVALUATION_SESSION]?: EvaluationSession })[EVALUATION_SESSION];
}

/** Variables to hand to `evaluateAsync` so commands find the session. */
export function sessionVariables(session: EvaluationSession): Record<string, unknown> {
  return { [EVALUATION_SESSION]: session } as Record<string, unknown>;
}
