/**
 * The host side of the evaluation budget: the engine reads no clock, so the service layer makes
 * each evaluation's deadline here and passes it in the evaluate options (see src/engine/budget.ts).
 *
 * The deadline counts the time the evaluation computes, not the time it waits: while a tree
 * awaits an external system or a database query the clock is paused (`pausingCommand`), so a
 * slow partner never makes the tree's own work run out of time, yet no evaluation holds the event
 * loop for longer than its deadline (EVALUATION_DEADLINE_MS, default 50 ms).
 */
import { EvaluationBudget } from '../engine/index.js';
import type { CommandHandler } from '../engine/types.js';

export const DEFAULT_DEADLINE_MS = 50;

export type Clock = () => number;
const monotonic: Clock = () => performance.now();

/** A budget whose deadline is `limitMs` of computing time, with the clock paused while waiting. */
export class DeadlineBudget extends EvaluationBudget {
  private readonly meter: { spentMs: number; since: number | undefined; depth: number; started: boolean };
  private readonly clock: Clock;

  constructor(
    readonly limitMs: number,
    clock: Clock = monotonic,
  ) {
    // The clock starts at the first check (after CHECK_EVERY units of work, a few µs): a cheap
    // evaluation, the common case, never reads the clock at all.
    const meter = { spentMs: 0, since: undefined as number | undefined, depth: 0, started: false };
    super(() => {
      if (!meter.started) {
        meter.started = true;
        if (meter.depth === 0) meter.since = clock();
        return false;
      }
      return meter.spentMs + (meter.since === undefined ? 0 : clock() - meter.since) > limitMs;
    });
    this.meter = meter;
    this.clock = clock;
  }

  /** Stops the clock (the evaluation is waiting on I/O). Nested pauses are counted. */
  pause(): void {
    const m = this.meter;
    if (m.depth++ === 0 && m.since !== undefined) {
      m.spentMs += this.clock() - m.since;
      m.since = undefined;
    }
  }

  resume(): void {
    const m = this.meter;
    if (m.depth > 0 && --m.depth === 0 && m.started) m.since = this.clock();
  }
}

/** A budget factory for services: one fresh budget per evaluation. */
export type BudgetFactory = () => EvaluationBudget;

export function deadlineBudgets(limitMs: number = DEFAULT_DEADLINE_MS, clock: Clock = monotonic): BudgetFactory {
  return () => new DeadlineBudget(limitMs, clock);
}

/** Runs `work` (I/O) with the budget's clock paused, when it is a DeadlineBudget. */
export async function outsideDeadline<T>(budget: EvaluationBudget | undefined, work: () => Promise<T>): Promise<T> {
  if (!(budget instanceof DeadlineBudget)) return work();
  budget.pause();
  try {
    return await work();
  } finally {
    budget.resume();
  }
}

/**
 * A command that waits on I/O (EXTERNAL_SYSTEM, DATABASE_QUERY): its time does not count against
 * the tree's deadline. An already expired budget still stops the tree before the call (the
 * engine charges every node first).
 */
export function pausingCommand(handler: CommandHandler): CommandHandler {
  return {
    execute: (node, context) => outsideDeadline(context.budget, async () => handler.execute(node, context)),
  };
}
