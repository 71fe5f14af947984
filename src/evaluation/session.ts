import type { ExecutionContext } from '../engine/types.js';
import type { AppError } from '../platform/errors.js';

/**
 * State shared by every host command of one evaluate request (all trees): the identical-call
 * cache and a hard failure that must fail the whole request (an external system with
 * `onUnavailable: FAIL`).
 *
 * It rides in the engine's host slot (`TreeEvaluateOptions.host` → `ExecutionContext.host`), which
 * the engine passes to command handlers untouched: expressions cannot reach it, and it is never part
 * of steps or the audit trail.
 */
export interface EvaluationSession {
  /** Results of calls already made in this evaluation, by call key (system + method + URL + body). */
  readonly cache: Map<string, Promise<unknown>>;
  /** Set by a command whose failure must fail the request; the evaluation service throws it. */
  failure: AppError | null;
}

declare module '../engine/types.js' {
  /** Banyan's services for its command handlers. */
  interface ExecutionHost {
    /** The evaluate request's session, when the evaluation service started one. */
    readonly session?: EvaluationSession;
  }
}

export function newSession(): EvaluationSession {
  return { cache: new Map(), failure: null };
}

/** The session of the evaluation a command runs in, if the host started one. */
export function sessionOf(context: ExecutionContext): EvaluationSession | undefined {
  return context.host?.session;
}
