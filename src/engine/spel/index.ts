/**
 * Banyan's SpEL (Spring Expression Language) subset: lexer → parser → AST → closure compiler.
 * See docs/expressions.md for the language reference.
 *
 * Written by hand on purpose (issue #12 "libraries over hand-written parts" keeps it): no JavaScript
 * SpEL package comes close (measured for that issue), and a replacement would have to pass what this
 * one does — Spring's own answers (test/fixtures/spel-oracle, generated with Spring), the sandbox
 * limits (limits.ts), and the compiled-closure speed the engine benches pin.
 */
import { EngineError, type CompiledExpression, type CompileOptions, type Diagnostic, type EvaluateOptions, type ResultType } from '../types.js';
import type { SpelAst } from './ast/nodes.js';
import { collectReads, resultTypeOf } from './analyzer/analyze.js';
import { compileBody } from './compiler/body.js';
import type { State } from './compiler/context.js';
import { banyanError, RuntimeFault } from './errors.js';
import { resolveLimits } from './limits.js';
import { parseSource } from './parser/parse.js';
import { printAst } from './printer/printer.js';
import { isNumeric, toDecimal } from './runtime/numbers.js';
import { exportValue, javaString } from './runtime/values.js';

export type { SpelAst, ExpressionNode } from './ast/nodes.js';
export { SpelError, SPEL_MESSAGES, type SpelMessage } from './errors.js';
export { DEFAULT_LIMITS } from './limits.js';

export type SpelOptions = Omit<CompileOptions, 'language'>;
export type { SpelMode } from './compiler/body.js';

export interface SpelAnalysis {
  readonly fields: readonly string[];
  readonly variables: readonly string[];
  readonly functions: readonly string[];
  readonly resultType: ResultType;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parse one expression (the whole-string `#{…}` form or the plain form; `mode: 'expression'`
 * takes the text as is) into an AST. A template has no single tree: it is compiled, not parsed.
 * Throws EngineError on syntax errors.
 */
export function parseSpel(source: string, options?: SpelOptions): SpelAst {
  return parseSource(source, resolveLimits(options?.limits), options?.mode === 'expression' ? 'expression' : 'auto');
}

/** Canonical source for an AST; `parseSpel(printSpel(ast))` gives the same tree. */
export function printSpel(ast: SpelAst | SpelAst['root']): string {
  return printAst(ast);
}

/** Turns anything thrown during evaluation into an EngineError; never leaks a raw JS error. */
function toEngineError(e: unknown, source: string): EngineError {
  if (e instanceof RuntimeFault) return e.toError(source);
  if (e instanceof EngineError) return e;
  if (e instanceof RangeError) return new EngineError('LIMIT_EXCEEDED', `Evaluation exceeded a resource limit: ${e.message}`);
  return new EngineError('EVALUATION_ERROR', `Evaluation failed: ${e instanceof Error ? e.message : String(e)}`);
}

// The evaluator's own view of a result (JavaDouble boxes intact), for Java-typed text.
const rawEvaluators = new WeakMap<CompiledExpression, CompiledExpression['evaluate']>();

/**
 * Java's `String.valueOf` of an expression's result as Banyan computes it (`5.0` for a double,
 * `[1, 2]` for a list): what Spring would print. Evaluates `expression` once more.
 */
export function spelResultText(
  expression: CompiledExpression,
  root: unknown,
  variables: Readonly<Record<string, unknown>> | undefined,
  options: EvaluateOptions,
): string {
  const raw = rawEvaluators.get(expression);
  return javaString(raw ? raw(root, variables, options) : expression.evaluate(root, variables, options));
}

/** Compile once, evaluate many times. All user-caused failures throw EngineError. */
export function compileSpel(source: string, options?: SpelOptions): CompiledExpression {
  const limits = resolveLimits(options?.limits);
  const decimal = options?.decimal === true;
  const body = compileBody(source, limits, options?.mode ?? 'auto', {
    source,
    decimal,
    maxSteps: limits.maxSteps,
    maxCollectionSize: limits.maxCollectionSize,
  });
  const reads = body.reads;
  const compiled = body;
  const fn = compiled.fn;
  const baseCost = compiled.cost;
  const maxSteps = limits.maxSteps;
  if (baseCost > maxSteps) throw banyanError(source, 0, 'LIMIT_EXCEEDED', `Expression needs ${baseCost} steps; the limit is ${maxSteps}`);
  // One state object reused across calls avoids an allocation per evaluation; a re-entrant call
  // (only possible from host getters) gets its own.
  const shared: State = { root: undefined, active: undefined, vars: undefined, now: undefined, steps: 0, budget: undefined };
  let busy = false;
  const raw: CompiledExpression = {
    source,
    language: 'spel',
    fields: Object.freeze(reads.fields),
    variables: Object.freeze(reads.variables),
    functions: Object.freeze(reads.functions),
    resultType: body.resultType,
    evaluate(root: unknown, variables: Readonly<Record<string, unknown>> | undefined, opts: EvaluateOptions): unknown {
      const reentrant = busy;
      const budget = opts.budget;
      const s: State = reentrant ? { root, active: root, vars: variables, now: opts.now, steps: baseCost, budget } : shared;
      if (!reentrant) {
        s.root = root;
        s.active = root;
        s.vars = variables;
        s.now = opts.now;
        s.steps = baseCost;
        s.budget = budget;
        busy = true;
      }
      try {
        if (budget !== undefined) budget.spend(baseCost);
        const result = fn(s);
        if (result === undefined) return null;
        return decimal && typeof result === 'number' && isNumeric(result) ? toDecimal(result) : result;
      } catch (e) {
        throw toEngineError(e, source);
      } finally {
        if (!reentrant) {
          busy = false;
          s.root = s.active = s.vars = undefined;
          s.now = undefined;
          s.budget = undefined;
        }
      }
    },
  };
  const rawEvaluate = raw.evaluate;
  const expression: CompiledExpression = {
    ...raw,
    // Booleans, strings and plain numbers (nearly every condition result) need no export.
    evaluate: (root, variables, opts) => {
      const v = rawEvaluate(root, variables, opts);
      return typeof v === 'object' && v !== null ? exportValue(v) : v;
    },
  };
  rawEvaluators.set(expression, rawEvaluate);
  return expression;
}

/** Static analysis for editors and validation; reports problems as diagnostics, never throws for them. */
export function analyzeSpel(source: string, options?: SpelOptions): SpelAnalysis {
  try {
    const expr = compileSpel(source, options);
    return { fields: expr.fields, variables: expr.variables, functions: expr.functions, resultType: expr.resultType, diagnostics: [] };
  } catch (e) {
    const err = e instanceof EngineError ? e : toEngineError(e, typeof source === 'string' ? source : '');
    let reads: ReturnType<typeof collectReads> = { fields: [], variables: [], functions: [] };
    let resultType: ResultType = 'unknown';
    try {
      // A compile-time refusal (unknown function, method) still has a tree worth reporting on.
      const ast = parseSpel(source, options);
      reads = collectReads(ast.root);
      resultType = resultTypeOf(ast.root);
    } catch {
      // Syntax error: nothing more to report than the diagnostic.
    }
    return { ...reads, resultType, diagnostics: err.diagnostics };
  }
}
