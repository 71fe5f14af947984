/**
 * JSONLogic behind Banyan's `CompiledExpression`: json-logic-engine in compiled mode (`build`
 * generates a JS function once per rule), wrapped in a sandbox (see analyze.ts / operators.ts).
 */
import { LogicEngine } from 'json-logic-engine';
import { Decimal, isDecimal } from '../decimal.js';
import {
  EngineError,
  type CompileOptions,
  type CompiledExpression,
  type Diagnostic,
  type EvaluateOptions,
  type ExpressionLimits,
  type ResultType,
} from '../types.js';
import { analyzeRule, GUARD_OPERATOR, type JsonLogicAnalysis } from './analyze.js';
import { installOperators, state, type LogicEngineLike } from './operators.js';

export const DEFAULT_LIMITS: Required<ExpressionLimits> = { maxSourceLength: 10_000, maxDepth: 64, maxSteps: 100_000, maxCollectionSize: 100_000 };

const engines = new Map<boolean, { engine: LogicEngineLike; operators: ReadonlySet<string> }>();

function engineFor(decimalMode: boolean): { engine: LogicEngineLike; operators: ReadonlySet<string> } {
  let entry = engines.get(decimalMode);
  if (!entry) {
    const engine = new LogicEngine(undefined, {
      maxArrayLength: DEFAULT_LIMITS.maxCollectionSize,
      maxStringLength: DEFAULT_LIMITS.maxCollectionSize,
    }) as unknown as LogicEngineLike;
    installOperators(engine, decimalMode);
    const operators = new Set(Object.keys(engine.methods).filter((m) => m !== GUARD_OPERATOR));
    entry = { engine, operators };
    engines.set(decimalMode, entry);
  }
  return entry;
}

/** Every operator a JSONLogic rule may use (standard json-logic-engine ones plus Banyan's). */
export function jsonLogicOperators(): readonly string[] {
  return [...engineFor(false).operators].sort();
}

/** Parses a rule given as a string of JSON; SYNTAX_ERROR with the position on bad JSON. */
export function parseRuleSource(source: string, maxSourceLength = DEFAULT_LIMITS.maxSourceLength): unknown {
  if (source.length > maxSourceLength) throw new EngineError('LIMIT_EXCEEDED', `rule is longer than ${maxSourceLength} characters`);
  try {
    return JSON.parse(source);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const m = /position (\d+)/.exec(msg);
    const offset = m ? Number(m[1]) : source.length;
    const before = source.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw new EngineError('SYNTAX_ERROR', `invalid JSON in JSONLogic rule: ${msg}`, { offset, line, column });
  }
}

/** Message for whatever json-logic-engine threw (it throws plain `{ type }` objects, or any value a rule `throw`s). */
function describeThrown(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err !== null && typeof err === 'object' && 'type' in err) return textOf((err as { type: unknown }).type);
  if (err !== null && typeof err === 'object' && 'message' in err) return textOf((err as { message: unknown }).message);
  if (typeof err === 'number' && Number.isNaN(err)) return 'NaN';
  return textOf(err);
}

/**
 * Text of a thrown value that never throws itself: a rule can `throw` the data, and a
 * prototype-less object (`Object.create(null)`) has no toString, so String() would raise TypeError.
 */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function toEngineError(err: unknown, phase: 'compile' | 'evaluate'): EngineError {
  if (err instanceof EngineError) return err;
  if (err instanceof RangeError && /call stack/i.test(err.message)) return new EngineError('LIMIT_EXCEEDED', 'JSONLogic evaluation nested too deeply');
  const message = describeThrown(err);
  const e = new EngineError(phase === 'compile' ? 'SYNTAX_ERROR' : 'EVALUATION_ERROR', message);
  // Keep the thrown `type` (JSONLogic `throw`/`try` semantics) for callers that need it.
  (e as EngineError & { type?: unknown }).type = err !== null && typeof err === 'object' && 'type' in err ? (err as { type: unknown }).type : message;
  return e;
}

export interface JsonLogicCompiled extends CompiledExpression {
  /** The rule as a JSON value. */
  readonly rule: unknown;
  readonly operators: readonly string[];
}

/**
 * Compiles a JSONLogic rule given as a JSON value (a string is a string literal here; use
 * `compileExpression(text, { language: 'jsonlogic' })` or `parseRuleSource` for rules stored as text).
 *
 * @example
 * const e = compileJsonLogic({ '>=': [{ var: 'annualIncome' }, 2000000] });
 * e.evaluate({ annualIncome: 2500000 }, undefined, { now }); // true
 * e.fields; // ['annualIncome']
 */
export function compileJsonLogic(source: unknown, options: Omit<CompileOptions, 'language'> = {}): JsonLogicCompiled {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const decimalMode = options.decimal === true;
  const rule = source;
  const { engine, operators } = engineFor(decimalMode);
  const analysis: JsonLogicAnalysis = analyzeRule(rule, operators, limits);
  let fn: (data?: unknown) => unknown;
  try {
    fn = engine.build(analysis.rewritten);
  } catch (err) {
    // json-logic-engine folds constant sub-rules at build time, so `{"/": [1, 0]}` fails here. The
    // rule is well-formed; it fails whenever it runs, so the error is deferred to evaluation.
    if (err instanceof EngineError && err.code !== 'EVALUATION_ERROR') throw err;
    const deferred = toEngineError(err, 'evaluate');
    fn = () => {
      throw deferred;
    };
  }
  const text = JSON.stringify(rule) ?? 'null';
  const maxSteps = limits.maxSteps;
  const maxCollectionSize = limits.maxCollectionSize;

  const evaluate = (root: unknown, variables: Readonly<Record<string, unknown>> | undefined, evalOptions: EvaluateOptions): unknown => {
    // Saved field by field (no allocation): evaluation is synchronous but may nest (tree → formula).
    const sNow = state.now,
      sVars = state.variables,
      sSteps = state.steps,
      sMax = state.maxSteps,
      sColl = state.maxCollectionSize,
      sBudget = state.budget;
    const budget = evalOptions.budget;
    state.now = evalOptions.now;
    state.variables = variables;
    state.steps = 0;
    state.maxSteps = maxSteps;
    state.maxCollectionSize = maxCollectionSize;
    state.budget = budget;
    try {
      if (budget !== undefined) budget.spend(1);
      const value = fn(root);
      if (decimalMode && typeof value === 'number') return new Decimal(value);
      return value;
    } catch (err) {
      throw toEngineError(err, 'evaluate');
    } finally {
      state.now = sNow;
      state.variables = sVars;
      state.steps = sSteps;
      state.maxSteps = sMax;
      state.maxCollectionSize = sColl;
      state.budget = sBudget;
    }
  };

  return {
    source: text,
    language: 'jsonlogic',
    rule,
    fields: analysis.fields,
    variables: analysis.variables,
    functions: analysis.operators,
    operators: analysis.operators,
    resultType: analysis.resultType,
    evaluate,
  };
}

/** Static analysis without keeping the compiled function; never throws for user errors. */
export function analyzeJsonLogic(
  source: unknown,
  options: Omit<CompileOptions, 'language'> = {},
): {
  fields: readonly string[];
  variables: readonly string[];
  functions: readonly string[];
  resultType: ResultType;
  diagnostics: readonly Diagnostic[];
} {
  try {
    const c = compileJsonLogic(source, options);
    return { fields: c.fields, variables: c.variables, functions: c.functions, resultType: c.resultType, diagnostics: [] };
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    return { fields: [], variables: [], functions: [], resultType: 'unknown', diagnostics: err.diagnostics };
  }
}

export { isDecimal };
