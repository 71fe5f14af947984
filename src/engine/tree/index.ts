/** Decision trees: compile once (validated), evaluate many times. */
import { EngineError, type CompiledTree, type TreeCompileOptions, type TreeDefinition } from '../types.js';
import { compileGraph } from './compile.js';
import { evaluateAsync, evaluateSync } from './evaluate.js';

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
export function compileTree(tree: TreeDefinition, options: TreeCompileOptions = {}): CompiledTree {
  const graph = compileGraph(tree, options);
  return {
    name: tree.name,
    treeId: tree.treeId,
    isAsync: graph.isAsync,
    fields: graph.fields,
    evaluate(customer, evalOptions) {
      if (graph.isAsync) throw new EngineError('NOT_SUPPORTED', `tree "${tree.name}" has host command nodes: use evaluateAsync`);
      return evaluateSync(graph, customer, evalOptions);
    },
    evaluateAsync(customer, evalOptions) {
      return evaluateAsync(graph, customer, evalOptions);
    },
  };
}
