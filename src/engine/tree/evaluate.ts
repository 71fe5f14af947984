/**
 * Tree traversal, exactly as seed 002's flowchart: depth-first from the root; a true CONDITION
 * descends into its children in order, a false one passes to its next sibling; a CALCULATION
 * produces the offer and ends the traversal; no offer anywhere → the default result.
 *
 * Backtracking: when a true condition's subtree yields no offer (every child false, a tier not
 * reached, a failed step), traversal continues with that condition's next sibling, as if the
 * condition had been false. A true condition without children is a leaf without an offer.
 *
 * Failures: an expression, strategy or command that throws gives a FAILED step and counts as
 * "false / no offer"; traversal goes on. The host decides whether a FAILED step fails the request.
 *
 * The traversal is written once, as a generator (`walk`): it runs expressions and calculations
 * itself and yields each host command it reaches; a driver runs the command and resumes the walk
 * with its outcome (or throws its error into it). `evaluateSync` is the driver without commands (no
 * promises), `evaluateAsync` the one that awaits them. The compiled fast paths (fast.ts) are the
 * same traversal specialised for one tree, checked against this one by the property tests.
 */
import type { EvaluationBudget } from '../budget.js';
import {
  EngineError,
  type CommandOutcome,
  type CommandRecords,
  type DecisionStep,
  type ExecutionContext,
  type ExecutionHost,
  type PromotionResult,
  type TreeEvaluateOptions,
  type TreeEvaluation,
} from '../types.js';
import type { CalculationNode, CommandNode, CompiledGraph, CompiledNode, ExprNode, SnapshotField } from './compile.js';

export const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/** The seed's default result: not eligible, every field null, no details. */
export const DEFAULT_RESULT: PromotionResult = Object.freeze({
  promotionId: null,
  promotionName: null,
  promotionType: null,
  discountAmount: null,
  discountPercentage: null,
  description: null,
  validUntil: null,
  additionalDetails: EMPTY,
  eligible: false,
});

interface Run {
  readonly customer: Readonly<Record<string, unknown>>;
  readonly now: Date;
  /** Host variables plus resultVariables set so far; EMPTY until something is stored. */
  vars: Record<string, unknown>;
  readonly steps: DecisionStep[] | undefined;
  /** The injected clock when nodes are timed (steps recorded, trace on, a clock given). */
  readonly clock: (() => number) | undefined;
  readonly path: string[];
  result: PromotionResult | undefined;
  readonly requestId: string | undefined;
  /** The whole evaluation's budget: every node charges it, so an expired deadline fails every later node. */
  readonly budget: EvaluationBudget | undefined;
  readonly host: ExecutionHost | undefined;
  /** `{ now }` (plus the budget) for expression nodes, built once per evaluation. */
  readonly exprOptions: { readonly now: Date; readonly budget?: EvaluationBudget };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function readPath(root: unknown, path: readonly string[]): unknown {
  let cur: unknown = root;
  for (let i = 0; i < path.length; i++) {
    if (cur === null || typeof cur !== 'object') return null;
    const seg = path[i] as string;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return null;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur === undefined ? null : cur;
}

/** Variables an expression sees: the node's `param_*`, plus host/result variables when it reads them. */
function variablesFor(node: ExprNode, run: Run): Readonly<Record<string, unknown>> {
  if (!node.needsContextVars || run.vars === EMPTY) return node.paramVars;
  return { ...run.vars, ...node.paramVars };
}

/** A condition's DecisionStep.input: the fields and `#variables` it reads, with their values. */
export function inputSnapshot(node: ExprNode, customer: unknown, vars: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (node.snapshotFields.length === 0 && node.snapshotVars.length === 0) return EMPTY;
  const input: Record<string, unknown> = {};
  for (const f of node.snapshotFields) input[f.name] = readPath(customer, f.path);
  for (const v of node.snapshotVars) input[`#${v}`] = vars[v] ?? null;
  return input;
}

/**
 * inputSnapshot for plain-data customers on the fast path (parameter variables only): a top-level
 * field is read as `customer[name]`; functions (inherited methods such as `toString`) and
 * `__proto__` go through readPath, which sees own properties only.
 */
export function plainInputSnapshot(node: ExprNode, customer: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const fields = node.snapshotFields;
  const vars = node.snapshotVars;
  if (fields.length === 0 && vars.length === 0) return EMPTY;
  const input: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as SnapshotField;
    let value: unknown;
    if (f.path.length === 1 && f.name !== '__proto__') {
      value = customer[f.name];
      if (value === undefined) value = null;
      else if (typeof value === 'function') value = readPath(customer, f.path);
    } else {
      value = readPath(customer, f.path);
    }
    input[f.name] = value;
  }
  for (let i = 0; i < vars.length; i++) {
    const v = vars[i] as string;
    input[`#${v}`] = node.paramVars[v] ?? null;
  }
  return input;
}

function snapshot(node: ExprNode, run: Run, vars: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  return inputSnapshot(node, run.customer, vars);
}

function record(
  run: Run,
  node: CompiledNode,
  input: Readonly<Record<string, unknown>>,
  output: unknown,
  start: number,
  error?: string,
  records?: CommandRecords,
): void {
  if (node.resultVariable !== undefined && error === undefined) {
    if (run.vars === EMPTY) run.vars = {};
    run.vars[node.resultVariable] = output;
  }
  if (!run.steps) return;
  const step: DecisionStep = {
    stepOrder: run.steps.length + 1,
    nodeId: node.id,
    nodeType: node.nodeType,
    commandType: node.commandType,
    input,
    output,
    durationMs: run.clock !== undefined ? run.clock() - start : 0,
    status: error === undefined ? 'SUCCESS' : 'FAILED',
    ...(error === undefined ? {} : { error }),
    ...(records === undefined ? {} : { records }),
  };
  run.steps.push(step);
}

/** Runs a condition expression; returns whether it matched. */
function condition(node: ExprNode, run: Run): boolean {
  const start = run.clock !== undefined ? run.clock() : 0;
  const vars = variablesFor(node, run);
  const input = run.steps ? snapshot(node, run, vars) : EMPTY;
  let value: unknown;
  try {
    value = node.expr.evaluate(run.customer, vars, run.exprOptions);
  } catch (err) {
    record(run, node, input, null, start, message(err));
    return false;
  }
  if (node.jsonLogic) {
    const matched = Array.isArray(value) ? value.length > 0 : Boolean(value);
    record(run, node, input, matched, start);
    return matched;
  }
  if (value === null || value === undefined) {
    // The Java implementation tests Boolean.TRUE.equals(result): null is a successful "false".
    record(run, node, input, false, start);
    return false;
  }
  if (typeof value !== 'boolean') {
    record(run, node, input, value, start, `condition must evaluate to a boolean, got ${typeof value}`);
    return false;
  }
  record(run, node, input, value, start);
  return value;
}

/** Runs a calculation leaf; true when it produced the offer. */
function calculation(node: CalculationNode, run: Run): boolean {
  const start = run.clock !== undefined ? run.clock() : 0;
  const vars = run.vars !== EMPTY ? { ...run.vars, ...node.paramVars } : node.paramVars;
  try {
    if (run.budget !== undefined) run.budget.spend(1);
    const built = node.offer(run.customer, vars, run.now, run.budget);
    if (built === null) {
      record(run, node, EMPTY, null, start);
      return false;
    }
    run.result = built.result;
    record(run, node, EMPTY, built.result, start);
    return true;
  } catch (err) {
    record(run, node, EMPTY, null, start, message(err));
    return false;
  }
}

/** A host command the walk needs run; the driver resumes the walk with its outcome or its error. */
export interface CommandCall {
  readonly node: CommandNode;
  readonly context: ExecutionContext;
}

/** A walk over sibling nodes: yields host commands, resumed with their outcomes; true when it produced the offer. */
type Walk = Generator<CommandCall, boolean, CommandOutcome>;

/** A command node: yields the call to the driver and records the outcome (or the error thrown into it). */
function* command(node: CommandNode, run: Run): Walk {
  const start = run.clock !== undefined ? run.clock() : 0;
  if (run.vars === EMPTY) run.vars = {};
  const context: ExecutionContext = {
    customer: run.customer,
    variables: run.vars,
    now: run.now,
    ...(run.requestId ? { requestId: run.requestId } : {}),
    ...(run.budget ? { budget: run.budget } : {}),
    ...(run.host ? { host: run.host } : {}),
  };
  let outcome: CommandOutcome;
  try {
    // An expired budget fails the command before it runs (no external call after the deadline).
    if (run.budget !== undefined) run.budget.spend(1);
    outcome = yield { node, context };
  } catch (err) {
    record(run, node, EMPTY, null, start, message(err));
    return false;
  }
  record(run, node, outcome.input ?? EMPTY, outcome.output, start, undefined, outcome.records);
  return outcome.matched === true;
}

/** The one traversal: depth-first over `nodes` (siblings in order), backtracking as described above. */
function* walk(nodes: readonly CompiledNode[], run: Run): Walk {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as CompiledNode;
    let matched: boolean;
    switch (node.kind) {
      case 'calculation':
        if (calculation(node, run)) {
          run.path.push(node.id);
          return true;
        }
        continue;
      case 'expression':
        matched = condition(node, run);
        break;
      case 'command':
        matched = yield* command(node, run);
        break;
    }
    if (matched && node.children.length > 0 && (yield* walk(node.children, run))) {
      run.path.push(node.id);
      return true;
    }
  }
  return false;
}

function start(customer: Readonly<Record<string, unknown>>, options: TreeEvaluateOptions): Run {
  const now = options.now;
  const budget = options.budget;
  return {
    customer,
    now,
    budget,
    exprOptions: budget === undefined ? { now } : { now, budget },
    vars: options.variables ? { ...options.variables } : (EMPTY as Record<string, unknown>),
    steps: options.recordSteps === false ? undefined : [],
    clock: options.trace !== false && options.recordSteps !== false ? options.clock : undefined,
    path: [],
    result: undefined,
    requestId: options.requestId,
    host: options.host,
  };
}

function finish(run: Run): TreeEvaluation {
  return { result: run.result ?? DEFAULT_RESULT, steps: run.steps ?? [], path: run.path.reverse() };
}

/** The synchronous driver: a tree without host commands, no promises. */
export function evaluateSync(graph: CompiledGraph, customer: Readonly<Record<string, unknown>>, options: TreeEvaluateOptions): TreeEvaluation {
  const run = start(customer, options);
  const step = walk([graph.root], run).next();
  if (step.done !== true) {
    const node = step.value.node;
    throw new EngineError('NOT_SUPPORTED', `node ${node.id} runs a ${node.commandType} command: use evaluateAsync`);
  }
  return finish(run);
}

/** The asynchronous driver: runs each host command the walk yields and resumes it with the outcome. */
export async function evaluateAsync(graph: CompiledGraph, customer: Readonly<Record<string, unknown>>, options: TreeEvaluateOptions): Promise<TreeEvaluation> {
  const run = start(customer, options);
  const it = walk([graph.root], run);
  let step = it.next();
  while (step.done !== true) {
    const { node, context } = step.value;
    let outcome: CommandOutcome;
    try {
      outcome = await node.handler.execute({ nodeId: node.id, configuration: node.configuration }, context);
    } catch (err) {
      step = it.throw(err);
      continue;
    }
    step = it.next(outcome);
  }
  return finish(run);
}
