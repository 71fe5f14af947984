/**
 * Banyan's embeddable engine (`banyan/engine`): expression languages (SpEL, JSONLogic), decision
 * trees, calculation strategies and decimal money helpers.
 * Pure: no I/O, no clock, no environment. `now` is required at every entry point (tree evaluate,
 * expression evaluate, rule-set fire); step timing uses the clock the host passes (`clock`), and
 * host commands get the host's services through `ExecutionContext.host`.
 *
 * @example
 * import { compileTree } from 'banyan/engine';
 * const tree = compileTree(definition);
 * const { result, path } = tree.evaluate(customer, { now: new Date(), recordSteps: false });
 * const { steps } = tree.evaluate(customer, { now: new Date(), clock: () => performance.now() }); // timed steps
 */
export * from './types.js';

/**
 * Compile a SpEL expression (with or without the `#{…}` template form).
 * @example compileSpel("#{accountType == 'VIP'}").evaluate({ accountType: 'VIP' }, undefined, { now }) // true
 */
export { compileSpel, analyzeSpel } from './spel/index.js';

/**
 * Compile a JSONLogic rule given as a JSON value (sandboxed json-logic-engine, compiled mode).
 * @example compileJsonLogic({ '>=': [{ var: 'creditScore' }, 700] }).evaluate({ creditScore: 720 }, undefined, { now }) // true
 */
export { compileJsonLogic, analyzeJsonLogic, jsonLogicOperators, parseRuleSource } from './jsonlogic/index.js';

/**
 * Language-dispatching compile and never-throwing validation.
 * @example compileExpression('#{creditScore >= 700}', { language: 'spel' })
 * @example validateExpression({ foo: [] }, { language: 'jsonlogic' }) // [{ code: 'UNKNOWN_FUNCTION', … }]
 */
export { compileExpression, validateExpression } from './expression.js';

/**
 * Decision trees: `compileTree(def, { commands })` → `CompiledTree`; `validateTree(def)` → Diagnostic[].
 * @example compileTree(def).evaluate(customer, { now, trace: false }).result
 */
export { compileTree, validateTree, DEFAULT_RESULT } from './tree/index.js';

/**
 * Calculation strategies (registry, arg schemas, write-time validation, offer builder).
 * @example validateStrategy('FIXED_AMOUNT', {}) // [{ field: 'parameters.discountAmount', … }]
 */
export {
  strategies,
  validateStrategy,
  prepareOffer,
  formatLocalDateTime,
  COMMON_ARGS,
  type ArgSpec,
  type CalculationStrategy,
  type CalculationOutcome,
} from './strategies/index.js';

/**
 * Decimal money helpers (decimal.js clone: precision 34, HALF_UP).
 * @example roundMoney(toDecimal('2.675')).toString() // '2.68'
 */
export { Decimal, toDecimal, roundMoney, currencyScale, isDecimal, MAX_AMOUNT, MAX_VALID_DAYS } from './decimal.js';

/**
 * Drools DRL subset: `compileDrl`, `validateDrl`, and the DROOLS_RULE command factory.
 * @example compileDrl(drl).fire(customer, { now }).winner
 */
export { compileDrl, validateDrl, createDroolsCommand, DRL_EXAMPLES } from './drools/index.js';
export type { CompiledRuleSet, DrlCompileOptions, FireOptions, FireResult, RuleInfo, DroolsResult, DroolsCommandOptions } from './drools/index.js';

/**
 * The shared evaluation budget: the host injects its deadline (the engine reads no clock).
 * @example const budget = new EvaluationBudget(() => performance.now() > end); tree.evaluate(c, { now, budget })
 */
export { EvaluationBudget, BUDGET_EXCEEDED, CHECK_EVERY, CHARS_PER_UNIT, budgetExceeded } from './budget.js';
