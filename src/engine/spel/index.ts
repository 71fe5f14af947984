/**
 * Banyan's SpEL (Spring Expression Language) subset: lexer → parser → AST → closure compiler.
 * See docs/expressions.md for the language reference.
 */
import {
  EngineError,
  type CompiledExpression,
  type CompileOptions,
  type Diagnostic,
  type EvaluateOptions,
  type ResultType,
} from '../types.js';
import type { SpelAst } from './ast/nodes.js';
import { collectReads, resultTypeOf } from './analyzer/analyze.js';
import { createCompiler } from './compiler/compile.js';
import type { State } from './compiler/context.js';
import { banyanError, RuntimeFault } from './errors.js';
import { resolveLimits } from './limits.js';
import { parseSource } from './parser/parse.js';
import { printAst } from './printer/printer.js';
import { isNumeric, toDecimal } from './runtime/numbers.js';

export type { SpelAst, ExpressionNode } from './ast/nodes.js';
export { SpelError, SPEL_MESSAGES, type SpelMessage } from './errors.js';
export { DEFAULT_LIMITS } from './limits.js';

export type SpelOptions = Omit<CompileOptions, 'language'>;

export interface SpelAnalysis {
  readonly fields: readonly string[];
  readonly variables: readonly string[];
  readonly functions: readonly string[];
  readonly resultType: ResultType;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parse (template `#{…}` or plain form) into an AST. Throws EngineError on syntax errors. */
export function parseSpel(source: string, options?: SpelOptions): SpelAst {
  return parseSource(source, resolveLimits(options?.limits));
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

/** Compile once, evaluate many times. All user-caused failures throw EngineError. */
export function compileSpel(source: string, options?: SpelOptions): CompiledExpression {
  const limits = resolveLimits(options?.limits);
  const ast = parseSource(source, limits);
  const decimal = options?.decimal === true;
  const compiled = createCompiler({
    source,
    decimal,
    maxSteps: limits.maxSteps,
    maxCollectionSize: limits.maxCollectionSize,
  })(ast.root);
  const reads = collectReads(ast.root);
  const fn = compiled.fn;
  const baseCost = compiled.cost;
  const maxSteps = limits.maxSteps;
  if (baseCost > maxSteps) throw banyanError(source, 0, 'LIMIT_EXCEEDED', `Expression needs ${baseCost} steps; the limit is ${maxSteps}`);
  // One state object reused across calls avoids an allocation per evaluation; a re-entrant call
  // (only possible from host getters) gets its own.
  const shared: State = { root: undefined, active: undefined, vars: undefined, now: undefined, steps: 0, budget: undefined };
  let busy = false;
  return {
    source,
    language: 'spel',
    fields: Object.freeze(reads.fields),
    variables: Object.freeze(reads.variables),
    functions: Object.freeze(reads.functions),
    resultType: resultTypeOf(ast.root),
    evaluate(root: unknown, variables?: Readonly<Record<string, unknown>>, opts?: EvaluateOptions): unknown {
      const reentrant = busy;
      const budget = opts?.budget;
      const s: State = reentrant ? { root, active: root, vars: variables, now: opts?.now, steps: baseCost, budget } : shared;
      if (!reentrant) {
        s.root = root;
        s.active = root;
        s.vars = variables;
        s.now = opts?.now;
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
