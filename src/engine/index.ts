/**
 * Banyan's embeddable engine: expression languages, decision trees, calculation strategies.
 * Pure: no I/O, no clock, no environment.
 */
export * from './types.js';
export { compileSpel } from './spel/index.js';
export { compileDrl, validateDrl, createDroolsCommand, DRL_EXAMPLES } from './drools/index.js';
export type { CompiledRuleSet, DrlCompileOptions, FireOptions, FireResult, RuleInfo, DroolsResult, DroolsCommandOptions } from './drools/index.js';
