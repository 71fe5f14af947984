/**
 * Issue 10, item 3: quadratic rules froze the service because the step budget did not count the
 * work inside `in` / `contains` / selections / string operations, and nothing bounded an
 * evaluation in time. Each attack below ran for seconds on the old engine and returned a value;
 * now it is refused (LIMIT_EXCEEDED by the step limit, or EVALUATION_BUDGET_EXCEEDED by the
 * injected deadline) in a few milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { compileDrl, compileExpression, compileTree, EngineError, EvaluationBudget, type NodeDefinition, type TreeDefinition } from '../../src/engine/index.js';
import { calc, jcond } from './helpers.js';

const scond = (nodeId: string, expression: string, children: NodeDefinition[] = []): NodeDefinition => ({
  nodeId,
  nodeType: 'CONDITION',
  configuration: { commandType: 'SPEL_CONDITION', expression },
  children,
});

const N = 20_000;
const list = Array.from({ length: N }, (_, i) => i);
const strings = list.map((i) => `t${i}`);
// The old engine needed ~N²/2 comparisons here: far beyond this bound even on a loaded machine.
const FAST_MS = 1_500;

function refusal(run: () => unknown): { code: string; ms: number } {
  const t = performance.now();
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    return { code: (err as EngineError).code, ms: performance.now() - t };
  }
  throw new Error('the evaluation was not refused');
}

/** A deadline that expires after `n` checks: deterministic, no timing in the assertion. */
const expiresAfter = (n: number) => {
  let checks = 0;
  return new EvaluationBudget(() => ++checks > n);
};

describe('Given a rule whose work is quadratic in the size of a list in the request', () => {
  it('When a JSONLogic `some` runs `in` over the same list, Then the size-charged step limit refuses it', () => {
    // `in` over the same list, looking for what it does not hold: every element scans it all.
    const rule = compileExpression({ some: [{ var: 'list' }, { in: [{ cat: [{ var: '' }, '!'] }, { val: [[2], 'list'] }] }] }, { language: 'jsonlogic' });
    const r = refusal(() => rule.evaluate({ list: strings }, undefined, { now: new Date() }));
    expect(r.code).toBe('LIMIT_EXCEEDED');
    expect(r.ms).toBeLessThan(FAST_MS);
  });

  it('When a SpEL selection calls `contains` on the same list, Then it is refused', () => {
    const expr = compileExpression('list.?[#root.other.contains(#this)].size() > 0', { language: 'spel' });
    const r = refusal(() => expr.evaluate({ list, other: list.map((x) => -x - 1) }, undefined, { now: new Date() }));
    expect(r.code).toBe('LIMIT_EXCEEDED');
    expect(r.ms).toBeLessThan(FAST_MS);
  });

  it('When a SpEL `in` runs inside a selection over the same list, Then it is refused', () => {
    const expr = compileExpression('list.?[#this in #root.other].size()', { language: 'spel' });
    expect(refusal(() => expr.evaluate({ list, other: list.map((x) => -x - 1) }, undefined, { now: new Date() })).code).toBe('LIMIT_EXCEEDED');
  });

  it('When a DRL pattern `from` a list tests `contains` on another list, Then it is refused', () => {
    const drl = `rule "q"\nwhen\n  $c : Customer( $l : tags )\n  $t : Object( ) from $l\n  Customer( codes contains $t )\nthen\n  result.setEligible(true);\nend\n`;
    const rules = compileDrl(drl);
    const r = refusal(() => rules.fire({ tags: strings, codes: strings.map((s) => `x${s}`) }, { now: new Date() }));
    expect(r.code).toBe('LIMIT_EXCEEDED');
    expect(r.ms).toBeLessThan(FAST_MS);
  });

  it('When SpEL string methods scan a long string per element, Then the string size is charged', () => {
    const text = 'a'.repeat(200_000);
    const expr = compileExpression("list.?[#root.text.contains('b')].size()", { language: 'spel' });
    expect(refusal(() => expr.evaluate({ list, text }, undefined, { now: new Date() })).code).toBe('LIMIT_EXCEEDED');
  });

  it('When a JSONLogic `cat` builds from a long string inside `map`, Then it is charged', () => {
    const rule = compileExpression({ map: [{ var: 'list' }, { cat: [{ val: [[2], 'text'] }, 'x'] }] }, { language: 'jsonlogic' });
    expect(refusal(() => rule.evaluate({ list, text: 'a'.repeat(50_000) }, undefined, { now: new Date() })).code).toBe('LIMIT_EXCEEDED');
  });

  it('When a JSONLogic iterator body is large, Then each element is charged the body weight, not 1', () => {
    const body = { and: Array.from({ length: 20 }, () => ({ '>': [{ var: '' }, -1] })) };
    const rule = compileExpression({ all: [{ var: 'list' }, body] }, { language: 'jsonlogic' });
    expect(refusal(() => rule.evaluate({ list }, undefined, { now: new Date() })).code).toBe('LIMIT_EXCEEDED');
  });
});

describe('Given an injected deadline (the engine reads no clock)', () => {
  const big = { list: Array.from({ length: 90_000 }, (_, i) => i) };
  const generous = { maxSteps: 1e9 };

  it('When it passes during a SpEL selection, Then evaluation fails with EVALUATION_BUDGET_EXCEEDED', () => {
    const expr = compileExpression('list.?[#this > 5].size()', { language: 'spel', limits: generous });
    expect(expr.evaluate(big, undefined, { now: new Date() })).toBe(90_000 - 6);
    expect(refusal(() => expr.evaluate(big, undefined, { now: new Date(), budget: expiresAfter(3) })).code).toBe('EVALUATION_BUDGET_EXCEEDED');
  });

  it('When it passes during a JSONLogic rule, Then EVALUATION_BUDGET_EXCEEDED', () => {
    const rule = compileExpression(
      { some: [{ var: 'list' }, { in: [{ cat: [{ var: '' }, '!'] }, { val: [[2], 'list'] }] }] },
      { language: 'jsonlogic', limits: generous },
    );
    expect(refusal(() => rule.evaluate({ list: strings }, undefined, { now: new Date(), budget: expiresAfter(2) })).code).toBe('EVALUATION_BUDGET_EXCEEDED');
  });

  it('When it passes during DRL firing, Then EVALUATION_BUDGET_EXCEEDED', () => {
    const drl = `rule "q"\nwhen\n  $c : Customer( $l : tags )\n  $t : Object( ) from $l\n  Customer( codes contains $t )\nthen\n  result.setEligible(true);\nend\n`;
    const rules = compileDrl(drl, { limits: generous });
    expect(refusal(() => rules.fire({ tags: strings, codes: strings.map((s) => `x${s}`) }, { now: new Date(), budget: expiresAfter(2) })).code).toBe(
      'EVALUATION_BUDGET_EXCEEDED',
    );
  });

  it('When it passes in a reward formula (decimal mode), Then EVALUATION_BUDGET_EXCEEDED', () => {
    const formula = compileExpression('#sum(list.![#this * 2])', { language: 'spel', decimal: true, limits: generous });
    expect(refusal(() => formula.evaluate(big, undefined, { now: new Date(), budget: expiresAfter(2) })).code).toBe('EVALUATION_BUDGET_EXCEEDED');
  });

  it('When a tree node exceeds it, Then that node and every later one fail (false) and are recorded as FAILED steps', () => {
    const slow = scond('slow', '#{list.?[#this < 0].size() > 0}', [calc('never', 'FIXED_AMOUNT', { promotionId: 'q', discountAmount: 20 })]);
    const cheap = jcond('cheap', { '==': [1, 1] }, [calc('offer', 'FIXED_AMOUNT', { promotionId: 'p', discountAmount: 10 })]);
    const def: TreeDefinition = {
      name: 't',
      rootNode: { nodeId: 'root', nodeType: 'CONDITION', configuration: { commandType: 'JSONLOGIC_CONDITION', expression: true }, children: [slow, cheap] },
    };
    // The general walker (codegen: false) records the step of the node that ran out of time.
    const walker = compileTree(def, { limits: generous, codegen: false });
    expect(walker.evaluate(big, { now: new Date() }).result.promotionId).toBe('p');
    const out = walker.evaluate(big, { now: new Date(), budget: expiresAfter(1) });
    expect(out.result.eligible).toBe(false);
    const byId = new Map(out.steps.map((s) => [s.nodeId, s]));
    expect(byId.get('root')).toMatchObject({ status: 'SUCCESS' });
    expect(byId.get('slow')).toMatchObject({ status: 'FAILED', error: expect.stringContaining('time budget') });
    expect(byId.get('cheap')).toMatchObject({ status: 'FAILED', error: expect.stringContaining('time budget') });
    // The compiled fast paths stop as well (a step-recording run that fails is re-run on the walker
    // with the same, already expired budget: the re-run fails at once instead of running again).
    const tree = compileTree(def, { limits: generous });
    for (const recordSteps of [true, false]) {
      const fast = tree.evaluate(big, { now: new Date(), budget: expiresAfter(1), recordSteps });
      expect(fast.result.eligible).toBe(false);
      if (recordSteps) expect(fast.steps.some((s) => s.status === 'FAILED' && s.error?.includes('time budget'))).toBe(true);
    }
  });

  it('When the deadline never passes, Then results are unchanged', () => {
    const expr = compileExpression('list.?[#this > 5].size()', { language: 'spel', limits: generous });
    expect(expr.evaluate(big, undefined, { now: new Date(), budget: new EvaluationBudget(() => false) })).toBe(90_000 - 6);
  });
});
