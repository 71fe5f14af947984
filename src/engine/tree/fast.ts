/**
 * The result-only fast path (`recordSteps: false`): the whole tree compiled into one specialised
 * function. Same traversal as evaluate.ts (depth-first, backtracking, a failure counts as false /
 * no offer), but:
 *
 * - Conditions in a simple subset (field `op` literal, `x.size()` / `length`, `in` a literal list,
 *   and / or / not) are inlined as guarded code: when a value has the expected primitive type the
 *   guarded code decides; otherwise (missing field, null, decimal.js value, anything unusual) that
 *   condition runs through its compiled expression exactly as the slow path does.
 * - Sibling/child traversal is unrolled at compile time into nested `if`s; no per-node objects.
 * - Leaves are precomputed: FIXED_AMOUNT and fixed-amount tiers yield one frozen TreeEvaluation
 *   per `now` (cached); PERCENTAGE / PROGRESSIVE amounts use the exact integer minor-unit path
 *   (strategies/fast.ts) and fall back to decimal.js when it cannot be exact; the winning path is a
 *   frozen array per leaf.
 *
 * Code generation: `new Function` receives only structure chosen by this file (nested ifs,
 * operators from a fixed table, `kN` constant names). Every user-written value (field names,
 * literals, expressions, parameters) is passed in the constants table `K` and referenced by index,
 * never spliced into source text. When code generation is disabled (`codegen: false`) or refused
 * by the runtime (`--disallow-code-generation-from-strings`, CSP), there is no fast path: the tree
 * runs on the general walker (evaluate.ts).
 *
 * Timing (step-recording variant only) uses the clock the host passed (`TreeEvaluateOptions.clock`),
 * handed to the generated function per call; the engine reads no clock of its own.
 *
 * Precondition, checked per call: the customer is a plain object (`customer.constructor ===
 * Object`); anything else takes the slow path. Values are read as `customer[name]`; the slow path
 * reads own enumerable properties only, so the two differ only if a primitive value is inherited
 * from a polluted `Object.prototype` or hidden in a non-enumerable own property (not JSON data).
 */
import { pow10, toScaledInteger } from '../decimal.js';
import { activeBudget, fastOptions } from './budget-scope.js';
import { BAIL, DEFAULT_BASE_FIELD, offerFields, prepareFastAmount, validUntilFor } from '../strategies/index.js';
import type { DecisionStep, PromotionResult, StrategyType, TreeEvaluation } from '../types.js';
import { visitNode, type CalculationNode, type CompiledGraph, type CompiledNode, type ExprNode } from './compile.js';
import { conditionCode, Gen } from './condition-code.js';

export type FastEvaluate = (customer: Readonly<Record<string, unknown>>, now: Date) => TreeEvaluation | null;
type Customer = Readonly<Record<string, unknown>>;
type Leaf = (customer: Customer, now: Date) => TreeEvaluation | null | typeof FAILED;
/** What a leaf returns when its strategy throws: null (no offer) without steps, FAILED with steps. */
type OnError = null | typeof FAILED;
/** 1 = true, 0 = false (a failure counts as false). */
type Condition = (customer: Customer, now: Date) => number;

export const NO_STEPS: readonly DecisionStep[] = Object.freeze([]);
export const NO_PATH: readonly string[] = Object.freeze([]);

// ------------------------------------------------------------------------------ generic nodes

/** Returned by step-recording fast evaluators when a node failed: rerun on the slow path. */
export const FAILED: unique symbol = Symbol('FAILED');
/** Condition code value for "failed" in step-recording mode (a FAILED step needs its error text). */
const FAILED_CONDITION = 3;

/**
 * A condition through its compiled expression, exactly as evaluate.ts decides it (no step). A
 * failure (throw, non-boolean SpEL value) yields `onError`: 0 (false) without steps, 3 with steps.
 */
function genericCondition(node: ExprNode, onError: number): Condition {
  const expr = node.expr;
  const vars = node.paramVars;
  const jsonLogic = node.jsonLogic;
  return (customer, now) => {
    let value: unknown;
    try {
      value = expr.evaluate(customer, vars, fastOptions(now));
    } catch {
      return onError;
    }
    if (jsonLogic) return (Array.isArray(value) ? value.length > 0 : Boolean(value)) ? 1 : 0;
    // A null (or undefined) value is false, as the Java implementation's Boolean.TRUE.equals(…).
    return value === true ? 1 : value === false || value === null || value === undefined ? 0 : onError;
  };
}

function evaluation(result: PromotionResult, path: readonly string[]): TreeEvaluation {
  return { result, steps: NO_STEPS, path };
}

/** A leaf through its decimal.js offer builder (any strategy); a failure is "no offer". */
function genericLeaf(node: CalculationNode, path: readonly string[], onError: OnError): Leaf {
  const offer = node.offer;
  const vars = node.paramVars;
  return (customer, now) => {
    try {
      const built = offer(customer, vars, now, activeBudget());
      return built === null ? null : evaluation(built.result, path);
    } catch {
      return onError;
    }
  };
}

/** A frozen evaluation per `now`, built once by the decimal.js builder (for constant outcomes). */
function constantCache(node: CalculationNode, path: readonly string[], onError: OnError): Leaf {
  const slow = genericLeaf(node, path, onError);
  let cachedMs = Number.NaN;
  let cached: TreeEvaluation | null = null;
  return (customer, now) => {
    const ms = now.getTime();
    if (ms === cachedMs && cached !== null) return cached;
    const built = slow(customer, now);
    if (built === null || built === FAILED) return built;
    cachedMs = ms;
    cached = Object.freeze({ result: Object.freeze({ ...built.result }), steps: NO_STEPS, path });
    return cached;
  };
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The specialised leaf for a calculation node. */
function fastLeaf(node: CalculationNode, path: readonly string[], onError: OnError): Leaf {
  const config = node.configuration;
  const params = config.parameters ?? {};
  const strategy = config.strategyType as StrategyType;
  const slow = genericLeaf(node, path, onError);
  // A templated description depends on the customer and the amount: never cached, always rendered.
  if (typeof params.description === 'string' && params.description.includes('#{')) return slow;
  // A minimum purchase makes FIXED_AMOUNT depend on the customer: no constant outcome then.
  const hasMinimum = params.minPurchaseAmount !== undefined && params.minPurchaseAmount !== null;
  if ((strategy === 'FIXED_AMOUNT' && !hasMinimum) || (strategy === 'TIERED_DISCOUNT' && !Array.isArray(params.tiers) && params.discountAmount !== undefined)) {
    return constantCache(node, path, onError);
  }
  if (strategy === 'FIXED_AMOUNT') return slow;
  if (strategy === 'TIERED_DISCOUNT' && params.baseAmount !== undefined && params.baseAmount !== null) return slow;
  if (strategy === 'TIERED_DISCOUNT' && Array.isArray(params.tiers)) {
    const field = typeof params.baseField === 'string' ? params.baseField : DEFAULT_BASE_FIELD;
    const tiers = (params.tiers as readonly Record<string, unknown>[]).slice().reverse();
    const thresholds = tiers.map((t) => num(t.threshold));
    if (field.includes('.') || thresholds.some((t) => t === undefined)) return slow;
    // A fixed-amount tier's outcome is constant: one frozen evaluation per tier per `now`.
    const perTier = tiers.map((t) => (t.discountAmount !== undefined ? constantCache(node, path, onError) : slow));
    const n = tiers.length;
    return (customer, now) => {
      const raw = customer[field];
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return slow(customer, now);
      for (let i = 0; i < n; i++) if (raw >= (thresholds[i] as number)) return (perTier[i] as Leaf)(customer, now);
      return null;
    };
  }
  const amount = prepareFastAmount(strategy, params);
  if (amount === undefined) return slow;
  const f = offerFields(params);
  const unit = pow10(f.scale);
  // The capped amount is the one amount that repeats: its evaluation is built once per `now`.
  const cap = num(params.maxDiscount);
  const capMinor = cap === undefined ? Number.NaN : toScaledInteger(cap, f.scale);
  let cachedMs = Number.NaN;
  let validUntil: string | null = null;
  let capped: TreeEvaluation | null = null;
  const build = (minor: number): TreeEvaluation => {
    const result: PromotionResult = {
      promotionId: f.promotionId,
      promotionName: f.promotionName,
      promotionType: f.promotionType,
      discountAmount: minor / unit,
      discountPercentage: f.nodePercentage,
      description: f.description,
      validUntil,
      additionalDetails: f.details,
      eligible: true,
    };
    return { result, steps: NO_STEPS, path };
  };
  return (customer, now) => {
    const minor = amount(customer);
    if (minor === BAIL) return slow(customer, now);
    const ms = now.getTime();
    if (ms !== cachedMs) {
      validUntil = validUntilFor(ms, f.validDays);
      cachedMs = ms;
      capped = null;
    }
    if (minor === capMinor) {
      if (capped === null) {
        const e = build(minor);
        capped = Object.freeze({ result: Object.freeze(e.result), steps: NO_STEPS, path });
      }
      return capped;
    }
    return build(minor);
  };
}

// ------------------------------------------------------------------------------ tree

/** When the fast path applies: no host commands, no result variables. */
export function fastPathApplies(graph: CompiledGraph): boolean {
  return !graph.isAsync && !graph.usesResultVariables;
}

/** Too many nodes for one function (V8 stops optimising huge functions): use the general walker. */
const MAX_CODEGEN_NODES = 2000;

function countNodes(node: CompiledNode): number {
  return node.children.reduce((n, c) => n + countNodes(c), 1);
}

/**
 * Compiles the result-only evaluator (null = no offer); undefined when the tree is not eligible,
 * code generation is off or refused, or the tree is too large: then the general walker runs it.
 */
export function compileFast(graph: CompiledGraph, options: { readonly codegen?: boolean } = {}): FastEvaluate | undefined {
  if (!fastPathApplies(graph) || options.codegen === false || countNodes(graph.root) > MAX_CODEGEN_NODES) return undefined;
  try {
    return generate(graph, false).fn as FastEvaluate;
  } catch (err) {
    // Code generation refused by the runtime (EvalError): the general walker runs the tree.
    if (err instanceof EvalError) return undefined;
    throw err;
  }
}

/** Compact step record of one evaluation: node index, output and duration per visited node. */
export interface StepRecorder {
  n: number;
  readonly idx: Int32Array;
  readonly out: unknown[];
  readonly dur: Float64Array;
}

export interface FastSteps {
  /** Nodes by the index recorded in `StepRecorder.idx`. */
  readonly nodes: readonly CompiledNode[];
  /** Input snapshot builders, by node index. */
  readonly snapshots: readonly Snapshot[];
  readonly recorder: () => StepRecorder;
  /** `clock`: the host's clock when nodes are timed, else null (durations 0). */
  readonly evaluate: (customer: Customer, now: Date, rec: StepRecorder, clock: (() => number) | null) => TreeEvaluation | null | typeof FAILED;
}

/**
 * Step-recording variant (codegen only; undefined otherwise): visits exactly the nodes the slow path
 * visits and records them compactly; the caller materialises DecisionSteps. Any failed node returns
 * FAILED and the caller reruns the slow path, which produces the FAILED step with its error text.
 */
export function compileFastSteps(
  graph: CompiledGraph,
  snapshot: (node: ExprNode, customer: Customer) => Readonly<Record<string, unknown>>,
  empty: Readonly<Record<string, unknown>>,
  options: { readonly codegen?: boolean } = {},
): FastSteps | undefined {
  if (!fastPathApplies(graph) || options.codegen === false || countNodes(graph.root) > MAX_CODEGEN_NODES) return undefined;
  try {
    const { fn, nodes } = generate(graph, true);
    const size = nodes.length;
    return {
      nodes,
      snapshots: snapshots(nodes, snapshot, empty),
      recorder: () => ({ n: 0, idx: new Int32Array(size), out: new Array<unknown>(size).fill(null), dur: new Float64Array(size) }),
      evaluate: fn as FastSteps['evaluate'],
    };
  } catch (err) {
    if (err instanceof EvalError) return undefined;
    throw err;
  }
}

/** A condition's DecisionStep.input for a plain-data customer (see plainInputSnapshot). */
export type Snapshot = (customer: Customer) => Readonly<Record<string, unknown>>;

/**
 * Per-node snapshot builders for the step-recording path. Nodes reading only top-level fields and
 * parameter variables get a generated builder (its own function, so every keyed store has one
 * key and one shape); the keys are constants from the table. Others use `fallback`.
 */
function snapshots(
  nodes: readonly CompiledNode[],
  fallback: (node: ExprNode, customer: Customer) => Readonly<Record<string, unknown>>,
  empty: Readonly<Record<string, unknown>>,
): Snapshot[] {
  return nodes.map((node): Snapshot => {
    if (node.kind !== 'expression') return () => empty;
    const fields = node.snapshotFields;
    const vars = node.snapshotVars;
    if (fields.length === 0 && vars.length === 0) return () => empty;
    if (fields.some((f) => f.path.length !== 1 || f.name === '__proto__') || vars.some((v) => v === '__proto__')) return (c) => fallback(node, c);
    const g = new Gen();
    const slow = g.k((c: Customer) => fallback(node, c));
    const body: string[] = [];
    fields.forEach((f) => {
      // A function is an inherited method (toString…): the general snapshot decides (own props only).
      body.push(`  v = c[${g.k(f.name)}];`, `  if (typeof v === 'function') return ${slow}(c);`, `  o[${g.k(f.name)}] = v === undefined ? null : v;`);
    });
    for (const v of vars) body.push(`  v = ${g.k(node.paramVars)}[${g.k(v)}];`, `  o[${g.k(`#${v}`)}] = v === undefined || v === null ? null : v;`);
    const header = g.consts.map((_, i) => `const k${i} = K[${i}];`).join('\n');
    const source = `'use strict';\n${header}\nreturn function snapshot(c) {\n  const o = {};\n  let v;\n${body.join('\n')}\n  return o;\n};`;
    // Structure only: keys and values are in K, referenced by index.
    return (new Function('K', source) as (k: readonly unknown[]) => Snapshot)(g.consts);
  });
}

function generate(graph: CompiledGraph, steps: boolean): { fn: unknown; nodes: CompiledNode[] } {
  const g = new Gen();
  const lines: string[] = [];
  const nodes: CompiledNode[] = [];
  const failed = steps ? g.k(FAILED) : '';
  /** Records node number `q` (our own counter, not user data) with output `out`. */
  const recordLine = (indent: string, q: number, out: string): void => {
    // One read of the host's clock `tm` per node: a node's time runs from the previous node's end (or the start).
    lines.push(
      `${indent}i = R.n++; R.idx[i] = ${q}; R.out[i] = ${out};`,
      `${indent}if (tm !== null) { s1 = tm(); R.dur[i] = s1 - s0; s0 = s1; } else R.dur[i] = 0;`,
    );
  };
  const emit = (node: CompiledNode, ancestors: readonly string[], indent: string): void => {
    const path: readonly string[] = Object.freeze([...ancestors, node.id]);
    const q = nodes.push(node) - 1;
    visitNode(node, {
      calculation(leafNode) {
        const leaf = g.k(fastLeaf(leafNode, path, steps ? FAILED : null));
        if (steps) {
          lines.push(`${indent}r = ${leaf}(c, now);`, `${indent}if (r === ${failed}) return r;`);
          recordLine(indent, q, 'r === null ? null : r.result');
        } else {
          lines.push(`${indent}r = ${leaf}(c, now);`);
        }
        lines.push(`${indent}if (r !== null) return r;`);
      },
      expression(condNode) {
        // Without steps, a condition without children can never lead to an offer and has no effect.
        if (condNode.children.length === 0 && !steps) return;
        const code = conditionCode(g, condNode);
        const generic = g.k(genericCondition(condNode, steps ? FAILED_CONDITION : 0));
        lines.push(code === undefined ? `${indent}t = ${generic}(c, now);` : `${indent}t = ${code};`, `${indent}if (t === 2) t = ${generic}(c, now);`);
        if (steps) {
          lines.push(`${indent}if (t === ${FAILED_CONDITION}) return ${failed};`);
          recordLine(indent, q, 't === 1');
        }
        if (condNode.children.length === 0) return;
        lines.push(`${indent}if (t === 1) {`);
        for (const child of condNode.children) emit(child, path, `${indent}  `);
        lines.push(`${indent}}`);
      },
      command(commandNode) {
        // fastPathApplies excludes trees with host commands.
        throw new Error(`fast path: node ${commandNode.id} runs a host command`);
      },
    });
  };
  emit(graph.root, [], '    ');
  const temps = Array.from({ length: g.tempCount }, (_, i) => `, a${i}`).join('');
  const header = g.consts.map((_, i) => `const k${i} = K[${i}];`).join('\n');
  const params = steps ? 'c, now, R, tm' : 'c, now';
  const start = steps ? '\n  let s0 = tm !== null ? tm() : 0, s1 = 0;' : '';
  const source = `'use strict';\n${header}\nreturn function banyanTree(${params}) {\n  let v, t, r, i${temps};${start}\n${lines.join('\n')}\n  return null;\n};`;
  // Structure only: every user value is in K, referenced by index.
  const factory = new Function('K', source) as (k: readonly unknown[]) => unknown;
  return { fn: factory(g.consts), nodes };
}
