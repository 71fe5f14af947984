/**
 * Banyan's embeddable engine: expression languages, decision trees, calculation strategies.
 * Pure: no I/O, no clock, no environment.
 */
export * from './types.js';
export { compileSpel } from './spel/index.js';
