/**
 * One entry point for both expression languages: `compileExpression` dispatches on `language`,
 * `validateExpression` turns every user error into diagnostics instead of throwing.
 */
import { compileJsonLogic, parseRuleSource, DEFAULT_LIMITS } from './jsonlogic/index.js';
import { compileSpel } from './spel/index.js';
import { EngineError, type CompileOptions, type CompiledExpression, type Diagnostic } from './types.js';

/**
 * Compiles an expression once for many evaluations.
 *
 * - `spel`: `source` is SpEL text, with or without the `#{…}` template form.
 * - `jsonlogic`: `source` is the rule as a JSON value, or a string holding its JSON.
 *
 * @example
 * const e = compileExpression("#{accountType == 'VIP'}", { language: 'spel' });
 * e.evaluate({ accountType: 'VIP' }, undefined, { now }); // true
 * const j = compileExpression('{">=": [{"var": "creditScore"}, 700]}', { language: 'jsonlogic' });
 * j.evaluate({ creditScore: 720 }, undefined, { now }); // true
 * @throws EngineError (SYNTAX_ERROR, UNKNOWN_FUNCTION, LIMIT_EXCEEDED, NOT_SUPPORTED …)
 */
export function compileExpression(source: unknown, options: CompileOptions): CompiledExpression {
  const { language, ...rest } = options;
  if (language === 'jsonlogic') {
    const maxSourceLength = options.limits?.maxSourceLength ?? DEFAULT_LIMITS.maxSourceLength;
    const rule = typeof source === 'string' ? parseRuleSource(source, maxSourceLength) : source;
    const compiled = compileJsonLogic(rule, rest);
    return typeof source === 'string' ? { ...compiled, source, evaluate: compiled.evaluate } : compiled;
  }
  if (language === 'spel') {
    if (typeof source !== 'string') throw new EngineError('TYPE_ERROR', `a SpEL expression must be a string, got ${source === null ? 'null' : typeof source}`);
    return compileSpel(source, rest);
  }
  throw new EngineError('NOT_SUPPORTED', `unknown expression language: ${String(language)}`);
}

/**
 * Checks an expression without evaluating it. Never throws for user errors: returns them.
 *
 * @example
 * validateExpression({ foo: [1] }, { language: 'jsonlogic' });
 * // [{ code: 'UNKNOWN_FUNCTION', message: 'unknown operator "foo" at $', path: '$' }]
 */
export function validateExpression(source: unknown, options: CompileOptions): Diagnostic[] {
  try {
    compileExpression(source, options);
    return [];
  } catch (err) {
    if (err instanceof EngineError) return [...err.diagnostics];
    throw err;
  }
}
