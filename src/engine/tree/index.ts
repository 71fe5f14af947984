/** Decision trees: compile once (validated), evaluate many times. */
import { EngineError, type CompiledTree, type TreeCompileOptions, type TreeDefinition, type TreeEvaluation } from '../types.js';
import { compileGraph, type CompiledNode } from './compile.js';
import { DEFAULT_RESULT, evaluateAsync, evaluateSync } from './evaluate.js';
import { compileFast, NO_PATH, NO_STEPS } from './fast.js';

export { validateTree, nodeKey } from './validate.js';
export { DEFAULT_RESULT } from './evaluate.js';

/**
 * Compiles a decision tree (seed 002's JSON format). Throws EngineError('INVALID_TREE') carrying
 * every diagnostic when `validateTree` finds anything.
 *
 * @example
 * const tree = compileTree(promotionDecisionTree);
 * const { result, steps, path } = tree.evaluate(customer, { now: new Date('2025-11-06T19:50:55Z') });
 * // result.promotionId === 'promo-vip-001', path = ['root', 'vip-branch', 'vip-income', 'calc-vip-high']
 */
/** compileTree's options: TreeCompileOptions plus the fast-path switch. */
export interface CompileTreeOptions extends TreeCompileOptions {
  /**
   * Compile the result-only fast path (`recordSteps: false`) into one generated function (default
   * true). Only structure is generated; user values reach it through a constants table. `false`
   * (or a runtime that refuses code generation) uses an equivalent closure walker.
   */
  readonly codegen?: boolean;
}

const DEFAULT_EVALUATION: TreeEvaluation = Object.freeze({ result: DEFAULT_RESULT, steps: NO_STEPS, path: NO_PATH });

/** True when host variables can change the outcome (a node reads them, or a FORMULA leaf). */
function readsVariables(node: CompiledNode): boolean {
  if (node.needsContextVars || node.configuration.strategyType === 'FORMULA') return true;
  return node.children.some(readsVariables);
}

/** Plain data objects (JSON) only; anything else (class instances, null prototype) takes the slow path. */
function isPlainCustomer(customer: unknown): customer is Readonly<Record<string, unknown>> {
  return typeof customer === 'object' && customer !== null && (customer as { constructor?: unknown }).constructor === Object;
}

export function compileTree(tree: TreeDefinition, options: CompileTreeOptions = {}): CompiledTree {
  const graph = compileGraph(tree, options);
  const fast = compileFast(graph, { codegen: options.codegen !== false });
  const varsMatter = readsVariables(graph.root);
  return {
    name: tree.name,
    treeId: tree.treeId,
    isAsync: graph.isAsync,
    fields: graph.fields,
    evaluate(customer, evalOptions) {
      if (graph.isAsync) throw new EngineError('NOT_SUPPORTED', `tree "${tree.name}" has host command nodes: use evaluateAsync`);
      // Result-only mode: the compiled fast path (same results; steps are not recorded anyway).
      if (fast !== undefined && evalOptions?.recordSteps === false && (evalOptions.variables === undefined || !varsMatter) && isPlainCustomer(customer)) {
        return fast(customer, evalOptions.now ?? new Date()) ?? DEFAULT_EVALUATION;
      }
      return evaluateSync(graph, customer, evalOptions);
    },
    evaluateAsync(customer, evalOptions) {
      return evaluateAsync(graph, customer, evalOptions);
    },
  };
}
