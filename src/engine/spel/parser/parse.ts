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

export function parseSource(source: string, limits: ResolvedLimits): SpelAst {
  if (typeof source !== 'string') throw banyanError('', 0, 'SYNTAX_ERROR', 'Expression source must be a string');
  if (source.length > limits.maxSourceLength) {
    throw banyanError('', 0, 'LIMIT_EXCEEDED', `Expression is ${source.length} characters long; the limit is ${limits.maxSourceLength}`);
  }
  const [start, end] = expressionRange(source);
  const tokens = tokenize(source, start, end);
  const root = new Parser(source, tokens, limits.maxDepth).parseAll();
  return { source, root };
}
