import { banyanError } from '../errors.js';

/** A piece of a template: literal text, or the source range of one `#{…}` expression. */
export type TemplatePart = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'expression'; readonly start: number; readonly end: number };

const PREFIX = '#{';
const CLOSERS: Readonly<Record<string, string>> = { '}': '{', ']': '[', ')': '(' };

/**
 * The end of the expression opened at `from` (the index of its closing `}`), as Spring's
 * TemplateAwareExpressionParser finds it: brackets must balance and quoted text is skipped, so
 * `#{{1, 2}}` and `#{'}'}` are single expressions.
 */
function closingBrace(source: string, from: number): number {
  const stack: { ch: string; at: number }[] = [];
  for (let pos = from; pos < source.length; pos++) {
    const ch = source[pos] as string;
    if (ch === '}' && stack.length === 0) return pos;
    if (ch === '{' || ch === '[' || ch === '(') stack.push({ ch, at: pos });
    else if (ch === '}' || ch === ']' || ch === ')') {
      const open = stack.pop();
      if (open === undefined || open.ch !== CLOSERS[ch]) {
        throw banyanError(source, pos, 'SYNTAX_ERROR', `Found closing '${ch}' at position ${pos} without a matching opening bracket`);
      }
    } else if (ch === "'" || ch === '"') {
      const end = source.indexOf(ch, pos + 1);
      if (end === -1) throw banyanError(source, pos, 'SYNTAX_ERROR', `Found non terminating string literal starting at position ${pos}`);
      pos = end;
    }
  }
  const open = stack.pop();
  if (open) throw banyanError(source, open.at, 'SYNTAX_ERROR', `Missing closing bracket for '${open.ch}' at position ${open.at}`);
  throw banyanError(source, from - PREFIX.length, 'SYNTAX_ERROR', `No ending '}' for the expression starting at character ${from - PREFIX.length}`);
}

/**
 * Spring's TemplateParserContext: literal text with any number of `#{…}` expressions. A text
 * without `#{` is one literal part; an empty expression `#{}` is an error, as in Spring.
 */
export function splitTemplate(source: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let pos = 0;
  while (pos < source.length) {
    const open = source.indexOf(PREFIX, pos);
    if (open === -1) break;
    if (open > pos) parts.push({ kind: 'text', text: source.slice(pos, open) });
    const start = open + PREFIX.length;
    const end = closingBrace(source, start);
    if (source.slice(start, end).trim() === '') {
      throw banyanError(source, open, 'SYNTAX_ERROR', `No expression defined within delimiter '#{}' at character ${open}`);
    }
    parts.push({ kind: 'expression', start, end });
    pos = end + 1;
  }
  if (pos < source.length || parts.length === 0) parts.push({ kind: 'text', text: source.slice(pos) });
  return parts;
}
