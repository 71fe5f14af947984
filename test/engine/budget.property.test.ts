/**
 * The class of attack behind issue 10 item 3 (work that grows faster than the input: cross
 * products, scans inside iterations, string blow-up), generated: random compositions of the
 * operators that scan a collection or a string, nested inside iterations, over random lists and
 * strings. Every evaluation under a real 50 ms deadline either answers or refuses with
 * EVALUATION_BUDGET_EXCEEDED / LIMIT_EXCEEDED — never another error — and ends within the
 * deadline plus a generous margin for a loaded machine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileDrl, compileExpression, EngineError, EvaluationBudget } from '../../src/engine/index.js';

const DEADLINE_MS = 50;
const BOUND_MS = DEADLINE_MS + 200;
const REFUSALS = new Set(['EVALUATION_BUDGET_EXCEEDED', 'LIMIT_EXCEEDED']);

const deadline = (): EvaluationBudget => {
  const end = performance.now() + DEADLINE_MS;
  return new EvaluationBudget(() => performance.now() > end);
};

/** Runs an evaluation; returns its time. Anything thrown must be an EngineError; refusals are expected. */
function bounded(run: (budget: EvaluationBudget) => unknown): number {
  const start = performance.now();
  try {
    run(deadline());
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    const code = (err as EngineError).code;
    // Type errors are fine (a generated mix may compare a string with a number); anything else is a refusal.
    if (!REFUSALS.has(code)) expect(['TYPE_ERROR', 'EVALUATION_ERROR', 'EL1001E', 'EL1004E', 'EL1008E', 'EL1013E', 'EL1030E']).toContain(code);
  }
  return performance.now() - start;
}

const size = fc.integer({ min: 0, max: 30_000 });
const data = fc.record({
  n: size,
  text: fc.integer({ min: 0, max: 150_000 }),
});
const build = ({ n, text }: { n: number; text: number }) => ({
  list: Array.from({ length: n }, (_, i) => `v${i}`),
  nums: Array.from({ length: n }, (_, i) => i),
  text: 'a'.repeat(text),
});

/** SpEL inner scans (each touches a whole list or string), used inside a selection over `list`. */
const spelScan = fc.constantFrom(
  '#root.list.contains(#this + "!")',
  '#this in #root.nums',
  '#root.list.indexOf(#this) < 0',
  '#root.text.contains(#this)',
  '(#root.text + #this).length() < 0',
  "#root.text matches '^(a+)+$'",
  '#root.list.![#this].size() < 0',
  '#root.list.?[#this == "x"].size() > 0',
  '#sum(#root.nums) < 0',
);
const spelOuter = fc.constantFrom('list.?[%s].size() > 0', 'list.![%s].size() > 0', 'nums.?[#root.list.?[%s].size() > 0].size() > 0');

const jsonScan = fc.constantFrom<unknown>(
  { in: [{ cat: [{ var: '' }, '!'] }, { val: [[2], 'list'] }] },
  { in: [{ var: '' }, { val: [[2], 'text'] }] },
  { '==': [{ cat: [{ val: [[2], 'text'] }, { var: '' }] }, 'x'] },
  { some: [{ val: [[2], 'list'] }, { '==': [{ var: '' }, 'none'] }] },
  { '<': [{ max: { val: [[2], 'nums'] } }, 0] },
  { '==': [{ length: { merge: [{ val: [[2], 'list'] }, { val: [[2], 'nums'] }] } }, 0] },
);
const jsonOuter = fc.constantFrom('some', 'all', 'none', 'filter', 'map');

const drlTest = fc.constantFrom('list contains $x', 'text contains $x', 'list not contains $x', '$x memberOf list');

describe('evaluation budget (property-based): generated quadratic work always ends within its deadline', () => {
  it('SpEL: scans nested in selections/projections over random lists and strings', () => {
    fc.assert(
      fc.property(spelOuter, spelScan, data, (outer, scan, d) => {
        const expr = compileExpression(
          outer.replace('%s', () => scan),
          { language: 'spel', limits: { maxSteps: 10_000_000 } },
        );
        const root = build(d);
        expect(bounded((budget) => expr.evaluate(root, undefined, { now: new Date(), budget }))).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 40 },
    );
  });

  it('SpEL with the default step limit: the same work is refused by the size-charged limit alone', () => {
    fc.assert(
      fc.property(spelOuter, spelScan, data, (outer, scan, d) => {
        const expr = compileExpression(
          outer.replace('%s', () => scan),
          { language: 'spel' },
        );
        const root = build(d);
        expect(bounded((budget) => expr.evaluate(root, undefined, { now: new Date(), budget }))).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 40 },
    );
  });

  it('JSONLogic: scans nested in iterators', () => {
    fc.assert(
      fc.property(jsonOuter, jsonScan, data, (outer, scan, d) => {
        const rule = compileExpression({ [outer]: [{ var: 'list' }, scan] }, { language: 'jsonlogic', limits: { maxSteps: 10_000_000 } });
        const root = build(d);
        expect(bounded((budget) => rule.evaluate(root, undefined, { now: new Date(), budget }))).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 40 },
    );
  });

  it('DRL: a pattern `from` a list tested against the whole list or string', () => {
    fc.assert(
      fc.property(drlTest, data, (test, d) => {
        const drl = `rule "g"\nwhen\n  $c : Customer( $l : list )\n  $x : Object( ) from $l\n  Customer( ${test} )\n  Customer( text == "never" )\nthen\n  result.setEligible(true);\nend\n`;
        const rules = compileDrl(drl, { limits: { maxSteps: 10_000_000 } });
        const root = build(d);
        expect(bounded((budget) => rules.fire(root, { now: new Date(), budget }))).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 30 },
    );
  });

  it('formulas (decimal mode): folds over projections of random lists', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('#sum(nums.![#this * 1.5])', '#sum(nums.![#root.nums.size() * 0.5])', '#max(nums.![#root.nums.?[#this > 5].size()])'),
        data,
        (formula, d) => {
          const expr = compileExpression(formula, { language: 'spel', decimal: true, limits: { maxSteps: 10_000_000 } });
          const root = build(d);
          expect(bounded((budget) => expr.evaluate(root, undefined, { now: new Date(), budget }))).toBeLessThan(BOUND_MS);
        },
      ),
      { numRuns: 30 },
    );
  });
});
