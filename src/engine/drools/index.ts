/** Drools DRL subset compiled to closures: see docs/drools.md. Pure: no I/O, clock injected. */
export { compileDrl, validateDrl } from './compile.js';
export type { CompiledRuleSet, DrlCompileOptions, FireOptions, FireResult, RuleInfo } from './compile.js';
export type { DroolsResult } from './rhs-compiler.js';
export { createDroolsCommand } from './command.js';
export type { DroolsCommandOptions } from './command.js';
export { DRL_EXAMPLES } from './examples.js';
