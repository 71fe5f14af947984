/**
 * The host's deadline (src/platform/deadline.ts): computing time only. A tree that waits for an
 * external system must not run out of time because the partner was slow, and a cheap evaluation
 * never reads the clock. The clock is injected (a plain counter), so nothing here is timed.
 */
import { describe, expect, it } from 'vitest';
import { compileExpression, EngineError } from '../../src/engine/index.js';
import { DeadlineBudget, outsideDeadline } from '../../src/platform/deadline.js';

const manualClock = () => {
  const clock = { now: 0, reads: 0, read: () => (clock.reads++, clock.now) };
  return clock;
};

describe('DeadlineBudget', () => {
  it('Given a cheap evaluation, When it runs with a budget, Then the clock is never read', () => {
    const clock = manualClock();
    const budget = new DeadlineBudget(50, clock.read);
    expect(compileExpression('#{creditScore >= 700}', { language: 'spel' }).evaluate({ creditScore: 720 }, undefined, { now: new Date(), budget })).toBe(true);
    expect(clock.reads).toBe(0);
  });

  it('Given 60 ms of computing, When checked, Then it has expired; paused time does not count', async () => {
    const clock = manualClock();
    const budget = new DeadlineBudget(50, clock.read);
    budget.check(); // the clock starts at the first check
    clock.now = 30;
    budget.check();
    // Waiting on I/O for 10 s: paused, not counted.
    await outsideDeadline(budget, async () => {
      clock.now += 10_000;
    });
    clock.now += 15; // 45 ms of computing so far
    budget.check();
    clock.now += 15; // 60 ms
    expect(() => budget.check()).toThrow(EngineError);
    expect(budget.exhausted).toBe(true);
    // Once expired it stays expired: every later charge fails too.
    expect(() => budget.spend(1)).toThrowError(/EVALUATION_BUDGET_EXCEEDED/);
  });

  it('Given nested pauses, When the outer one resumes, Then the clock runs again', async () => {
    const clock = manualClock();
    const budget = new DeadlineBudget(50, clock.read);
    budget.check();
    await outsideDeadline(budget, async () => {
      await outsideDeadline(budget, async () => {
        clock.now += 1_000;
      });
      clock.now += 1_000;
    });
    budget.check();
    clock.now += 51;
    expect(() => budget.check()).toThrowError(/EVALUATION_BUDGET_EXCEEDED/);
  });
});
