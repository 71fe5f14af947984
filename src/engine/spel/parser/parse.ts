import type { SpelAst } from '../ast/nodes.js';
import { banyanError } from '../errors.js';
import { tokenize } from '../lexer/lexer.js';
import type { ResolvedLimits } from '../limits.js';
import { Parser } from './parser.js';

/**
 * The `#{…}` template form is accepted only as the whole string (what seed 002 stores); the
 * inner text keeps its offsets in the original source so positions point at what the user wrote.
 */
function expressionRange(source: string): [number, number] {
  let start = 0;
  let end = source.length;
  while (start < end && /\s/.test(source[start] as string)) start++;
  while (end > start && /\s/.test(source[end - 1] as string)) end--;
  if (source.startsWith('#{', start) && source[end - 1] === '}') return [start + 2, end - 1];
  return [0, source.length];
}

export function checkSource(source: string, limits: ResolvedLimits): void {
  if (typeof source !== 'string') throw banyanError('', 0, 'SYNTAX_ERROR', 'Expression source must be a string');
  if (source.length > limits.maxSourceLength) {
    throw banyanError('', 0, 'LIMIT_EXCEEDED', `Expression is ${source.length} characters long; the limit is ${limits.maxSourceLength}`);
  }
}

/** Parses `source[start, end)` as one expression; offsets stay those of the whole source. */
export function parseRange(source: string, start: number, end: number, limits: ResolvedLimits): SpelAst {
  const tokens = tokenize(source, start, end);
  const root = new Parser(source, tokens, limits.maxDepth).parseAll();
  return { source, root };
}

/**
 * `auto` (the default, what stored tree conditions use): a whole-string `#{…}` is its inner
 * expression, anything else a plain expression. `expression`: always a plain expression, as
 * Spring's parser without a template context. Template mode is handled by the caller.
 */
export function parseSource(source: string, limits: ResolvedLimits, mode: 'auto' | 'expression' = 'auto'): SpelAst {
  checkSource(source, limits);
  const [start, end] = mode === 'auto' ? expressionRange(source) : [0, source.length];
  return parseRange(source, start, end, limits);
}
