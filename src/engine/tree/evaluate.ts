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
 * Two traversals share the node helpers: `evaluateSync` (the hot path, no promises) and
 * `evaluateAsync` (for trees with host commands).
 */
import type { EvaluationBudget } from '../budget.js';
import { EngineError, type DecisionStep, type ExecutionContext, type PromotionResult, type TreeEvaluateOptions, type TreeEvaluation } from '../types.js';
import type { CompiledGraph, CompiledNode } from './compile.js';

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
  readonly timed: boolean;
  readonly path: string[];
  result: PromotionResult | undefined;
  readonly requestId: string | undefined;
  /** The whole evaluation's budget: every node charges it, so an expired deadline fails every later node. */
  readonly budget: EvaluationBudget | undefined;
  /** `{ now }` (plus the budget) for expression nodes, built once per evaluation. */
  readonly exprOptions: { readonly now: Date; readonly budget?: EvaluationBudget };
}

const clock = (): number => performance.now();

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
function variablesFor(node: CompiledNode, run: Run): Readonly<Record<string, unknown>> {
  if (!node.needsContextVars || run.vars === EMPTY) return node.paramVars;
  return { ...run.vars, ...node.paramVars };
}

/** A condition's DecisionStep.input: the fields and `#variables` it reads, with their values. */
export function inputSnapshot(node: CompiledNode, customer: unknown, vars: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
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
export function plainInputSnapshot(node: CompiledNode, customer: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const fields = node.snapshotFields;
  const vars = node.snapshotVars;
  if (fields.length === 0 && vars.length === 0) return EMPTY;
  const input: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as CompiledNode['snapshotFields'][number];
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

function snapshot(node: CompiledNode, run: Run, vars: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  return inputSnapshot(node, run.customer, vars);
}

function record(run: Run, node: CompiledNode, input: Readonly<Record<string, unknown>>, output: unknown, start: number, error?: string): void {
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
    durationMs: run.timed ? clock() - start : 0,
    status: error === undefined ? 'SUCCESS' : 'FAILED',
    ...(error === undefined ? {} : { error }),
  };
  run.steps.push(step);
}

/** Runs a condition expression; returns whether it matched. */
function condition(node: CompiledNode, run: Run): boolean {
  const start = run.timed ? clock() : 0;
  const vars = variablesFor(node, run);
  const input = run.steps ? snapshot(node, run, vars) : EMPTY;
  let value: unknown;
  try {
    value = (node.expr as NonNullable<CompiledNode['expr']>).evaluate(run.customer, vars, run.exprOptions);
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
function calculation(node: CompiledNode, run: Run): boolean {
  const start = run.timed ? clock() : 0;
  const vars = node.needsContextVars || run.vars !== EMPTY ? { ...run.vars, ...node.paramVars } : node.paramVars;
  try {
    if (run.budget !== undefined) run.budget.spend(1);
    const built = (node.offer as NonNullable<CompiledNode['offer']>)(run.customer, vars, run.now, run.budget);
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

function visitSync(nodes: readonly CompiledNode[], run: Run): boolean {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as CompiledNode;
    if (node.kind === 'calculation') {
      if (calculation(node, run)) {
        run.path.push(node.id);
        return true;
      }
    } else if (node.kind === 'expression') {
      if (condition(node, run) && node.children.length > 0 && visitSync(node.children, run)) {
        run.path.push(node.id);
        return true;
      }
    } else {
      throw new EngineError('NOT_SUPPORTED', `node ${node.id} runs a ${node.commandType} command: use evaluateAsync`);
    }
  }
  return false;
}

async function command(node: CompiledNode, run: Run): Promise<boolean> {
  const start = run.timed ? clock() : 0;
  if (run.vars === EMPTY) run.vars = {};
  const context: ExecutionContext = {
    customer: run.customer,
    variables: run.vars,
    ...(run.requestId ? { requestId: run.requestId } : {}),
    ...(run.budget ? { budget: run.budget } : {}),
  };
  try {
    // An expired budget fails the command before it runs (no external call after the deadline).
    if (run.budget !== undefined) run.budget.spend(1);
    const outcome = await (node.handler as NonNullable<CompiledNode['handler']>).execute({ nodeId: node.id, configuration: node.configuration }, context);
    record(run, node, outcome.input ?? EMPTY, outcome.output, start);
    return outcome.matched === true;
  } catch (err) {
    record(run, node, EMPTY, null, start, message(err));
    return false;
  }
}

async function visitAsync(nodes: readonly CompiledNode[], run: Run): Promise<boolean> {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as CompiledNode;
    if (node.kind === 'calculation') {
      if (calculation(node, run)) {
        run.path.push(node.id);
        return true;
      }
      continue;
    }
    const matched = node.kind === 'expression' ? condition(node, run) : await command(node, run);
    if (matched && node.children.length > 0 && (await visitAsync(node.children, run))) {
      run.path.push(node.id);
      return true;
    }
  }
  return false;
}

function start(customer: Readonly<Record<string, unknown>>, options: TreeEvaluateOptions | undefined): Run {
  const now = options?.now ?? new Date();
  const budget = options?.budget;
  return {
    customer,
    now,
    budget,
    exprOptions: budget === undefined ? { now } : { now, budget },
    vars: options?.variables ? { ...options.variables } : (EMPTY as Record<string, unknown>),
    steps: options?.recordSteps === false ? undefined : [],
    timed: options?.trace !== false && options?.recordSteps !== false,
    path: [],
    result: undefined,
    requestId: options?.requestId,
  };
}

function finish(run: Run): TreeEvaluation {
  return { result: run.result ?? DEFAULT_RESULT, steps: run.steps ?? [], path: run.path.reverse() };
}

export function evaluateSync(graph: CompiledGraph, customer: Readonly<Record<string, unknown>>, options?: TreeEvaluateOptions): TreeEvaluation {
  const run = start(customer, options);
  visitSync([graph.root], run);
  return finish(run);
}

export async function evaluateAsync(graph: CompiledGraph, customer: Readonly<Record<string, unknown>>, options?: TreeEvaluateOptions): Promise<TreeEvaluation> {
  const run = start(customer, options);
  await visitAsync([graph.root], run);
  return finish(run);
}
