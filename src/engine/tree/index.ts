/** Decision trees: compile once (validated), evaluate many times. */
import { EngineError, type CompiledTree, type DecisionStep, type TreeCompileOptions, type TreeDefinition, type TreeEvaluation } from '../types.js';
import { compileGraph, needsContextVars, type CompiledNode } from './compile.js';
import { DEFAULT_RESULT, EMPTY, evaluateAsync, evaluateSync, plainInputSnapshot } from './evaluate.js';
import { enterBudget, leaveBudget } from './budget-scope.js';
import { compileFast, compileFastSteps, FAILED, NO_PATH, NO_STEPS, type FastEvaluate, type FastSteps, type Snapshot, type StepRecorder } from './fast.js';

export { validateTree, nodeKey } from './validate.js';
export { DEFAULT_RESULT } from './evaluate.js';

/**
 * Compiles a decision tree (seed 002's JSON format). Throws EngineError('INVALID_TREE') carrying
 * every diagnostic when `validateTree` finds anything.
 *
 * @example
 * const tree = compileTree(promotionDecisionTree);
 * const { result, steps, path } = tree.evaluate(customer, { now: new Date('2025-11-06T19:50:55Z'), clock: () => performance.now() });
 * // result.promotionId === 'promo-vip-001', path = ['root', 'vip-branch', 'vip-income', 'calc-vip-high']
 */
/** compileTree's options: TreeCompileOptions plus the fast-path switch. */
export interface CompileTreeOptions extends TreeCompileOptions {
  /**
   * Compile the result-only fast path (`recordSteps: false`) into one generated function (default
   * true). Only structure is generated; user values reach it through a constants table. `false`
   * (or a runtime that refuses code generation) uses the general walker (evaluate.ts).
   */
  readonly codegen?: boolean;
}

const DEFAULT_EVALUATION: TreeEvaluation = Object.freeze({ result: DEFAULT_RESULT, steps: NO_STEPS, path: NO_PATH });

/** True when host variables can change the outcome (a node reads them, or a FORMULA leaf). */
function readsVariables(node: CompiledNode): boolean {
  if (needsContextVars(node) || node.configuration.strategyType === 'FORMULA') return true;
  return node.children.some(readsVariables);
}

/** Plain data objects (JSON) only; anything else (class instances, null prototype) takes the slow path. */
function isPlainCustomer(customer: unknown): customer is Readonly<Record<string, unknown>> {
  return typeof customer === 'object' && customer !== null && (customer as { constructor?: unknown }).constructor === Object;
}

/** Runs the step-recording fast path and materialises its DecisionSteps; undefined → use the slow path. */
function withSteps(
  fast: FastSteps,
  rec: StepRecorder,
  customer: Readonly<Record<string, unknown>>,
  now: Date,
  clock: (() => number) | null,
): TreeEvaluation | undefined {
  rec.n = 0;
  const r = fast.evaluate(customer, now, rec, clock);
  const n = rec.n;
  if (r === FAILED) return undefined;
  const steps: DecisionStep[] = new Array<DecisionStep>(n);
  for (let i = 0; i < n; i++) {
    const q = rec.idx[i] as number;
    const node = fast.nodes[q] as CompiledNode;
    steps[i] = {
      stepOrder: i + 1,
      nodeId: node.id,
      nodeType: node.nodeType,
      commandType: node.commandType,
      input: (fast.snapshots[q] as Snapshot)(customer),
      output: rec.out[i],
      durationMs: rec.dur[i] as number,
      status: 'SUCCESS',
    };
    rec.out[i] = null;
  }
  return r === null ? { result: DEFAULT_RESULT, steps, path: [] } : { result: r.result, steps, path: [...r.path] };
}

export function compileTree(tree: TreeDefinition, options: CompileTreeOptions = {}): CompiledTree {
  const graph = compileGraph(tree, options);
  const varsMatter = readsVariables(graph.root);
  const codegen = { codegen: options.codegen !== false };
  // The fast paths are compiled on first use: trees compiled only to be validated cost nothing more.
  let fast: FastEvaluate | undefined;
  let fastSteps: FastSteps | undefined;
  let recorder: StepRecorder | undefined;
  let fastReady = false;
  let stepsReady = false;
  let busy = false;
  return {
    name: tree.name,
    treeId: tree.treeId,
    isAsync: graph.isAsync,
    fields: graph.fields,
    evaluate(customer, evalOptions) {
      if (graph.isAsync) throw new EngineError('NOT_SUPPORTED', `tree "${tree.name}" has host command nodes: use evaluateAsync`);
      // Plain-data customers take the compiled fast paths (identical results; see fast.ts).
      if ((evalOptions.variables === undefined || !varsMatter) && isPlainCustomer(customer)) {
        if (evalOptions.recordSteps === false) {
          if (!fastReady) {
            fastReady = true;
            fast = compileFast(graph, codegen);
          }
          if (fast !== undefined) {
            const budget = evalOptions.budget;
            const saved = enterBudget(budget);
            let out: TreeEvaluation | null;
            try {
              out = fast(customer, evalOptions.now);
            } finally {
              leaveBudget(saved);
            }
            // Past the deadline no later node may succeed (as on the walker); generated
            // constant-time nodes do not charge the budget, so the outcome is decided here.
            return out === null || budget?.exhausted === true ? DEFAULT_EVALUATION : out;
          }
        } else {
          if (!stepsReady) {
            stepsReady = true;
            fastSteps = compileFastSteps(graph, plainInputSnapshot, EMPTY, codegen);
            recorder = fastSteps?.recorder();
          }
          if (fastSteps !== undefined && recorder !== undefined) {
            // Evaluation is synchronous; a re-entrant call (a host getter evaluating this tree) gets its own recorder.
            const rec = busy ? fastSteps.recorder() : recorder;
            busy = true;
            let done: TreeEvaluation | undefined;
            try {
              const saved = enterBudget(evalOptions.budget);
              try {
                done = withSteps(fastSteps, rec, customer, evalOptions.now, evalOptions.trace !== false ? (evalOptions.clock ?? null) : null);
              } finally {
                leaveBudget(saved);
              }
            } finally {
              if (rec === recorder) busy = false;
            }
            // Past the deadline the walker records which nodes failed (each fails at once).
            if (done !== undefined && evalOptions.budget?.exhausted !== true) return done;
          }
        }
      }
      return evaluateSync(graph, customer, evalOptions);
    },
    evaluateAsync(customer, evalOptions) {
      return evaluateAsync(graph, customer, evalOptions);
    },
  };
}
