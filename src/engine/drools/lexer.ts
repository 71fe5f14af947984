import { EngineError, type SourcePosition } from '../types.js';

export type TokenKind = 'ident' | 'var' | 'number' | 'string' | 'op' | 'eof';

/** One lexical token. `spaceBefore` lets the parser join hyphenated words (`no-loop`, `date-effective`). */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** For strings: the unescaped value. */
  readonly value: string;
  readonly pos: SourcePosition;
  readonly end: number;
  readonly spaceBefore: boolean;
}

// Longest first, so `==` wins over `=`.
const OPERATORS = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '!.',
  '<',
  '>',
  '=',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '.',
  ',',
  ';',
  ':',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '@',
  '?',
];

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

function isIdentStart(ch: string): boolean {
  return /[A-Za-z_\u00C0-\uFFFF]/.test(ch);
}
function isIdentPart(ch: string): boolean {
  return /[A-Za-z0-9_\u00C0-\uFFFF]/.test(ch);
}

/** Tokenise DRL source. Comments (`//`, `#`, block comments) are skipped. Throws SYNTAX_ERROR. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let space = true;
  const posAt = (offset: number): SourcePosition => ({ offset, line, column: offset - lineStart + 1 });
  const fail = (message: string, offset: number): never => {
    throw new EngineError('SYNTAX_ERROR', message, posAt(offset));
  };
  while (i < source.length) {
    const ch = source.charAt(i);
    if (ch === '\n') {
      i++;
      line++;
      lineStart = i;
      space = true;
      continue;
    }
    if (/\s/.test(ch)) {
      i++;
      space = true;
      continue;
    }
    if ((ch === '/' && source.charAt(i + 1) === '/') || ch === '#') {
      while (i < source.length && source.charAt(i) !== '\n') i++;
      space = true;
      continue;
    }
    if (ch === '/' && source.charAt(i + 1) === '*') {
      const close = source.indexOf('*/', i + 2);
      if (close < 0) fail('unterminated comment', i);
      for (let k = i; k < close; k++) {
        if (source.charAt(k) === '\n') {
          line++;
          lineStart = k + 1;
        }
      }
      i = close + 2;
      space = true;
      continue;
    }
    const start = i;
    const pos = posAt(start);
    const push = (kind: TokenKind, value?: string): void => {
      const text = source.slice(start, i);
      tokens.push({ kind, text, value: value ?? text, pos, end: i, spaceBefore: space });
      space = false;
    };
    if (ch === '"' || ch === "'") {
      i++;
      let value = '';
      for (;;) {
        if (i >= source.length || source.charAt(i) === '\n') fail('unterminated string literal', start);
        const c = source.charAt(i);
        if (c === ch) break;
        if (c === '\\') {
          const e = source.charAt(i + 1);
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) {
            value += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          const mapped = ESCAPES[e];
          if (mapped === undefined) fail(`invalid escape \\${e}`, i);
          value += mapped;
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      push('string', value);
      continue;
    }
    if (/[0-9]/.test(ch)) {
      while (/[0-9_]/.test(source.charAt(i))) i++;
      if (source.charAt(i) === '.' && /[0-9]/.test(source.charAt(i + 1))) {
        i++;
        while (/[0-9]/.test(source.charAt(i))) i++;
      }
      if (/[eE]/.test(source.charAt(i)) && /[-+0-9]/.test(source.charAt(i + 1))) {
        i += 2;
        while (/[0-9]/.test(source.charAt(i))) i++;
      }
      const digits = source.slice(start, i).replace(/_/g, '');
      // Java literal suffixes (long, double, float, BigDecimal, BigInteger) carry no meaning here.
      if (/[lLdDfFbBiI]/.test(source.charAt(i))) i++;
      if (isIdentPart(source.charAt(i))) fail(`invalid number literal '${source.slice(start, i + 1)}'`, start);
      push('number', digits);
      continue;
    }
    if (ch === '$' || isIdentStart(ch)) {
      i++;
      while (i < source.length && (isIdentPart(source.charAt(i)) || source.charAt(i) === '$')) i++;
      push(ch === '$' ? 'var' : 'ident');
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op === undefined) fail(`unexpected character '${ch}'`, i);
    i += (op as string).length;
    push('op');
  }
  tokens.push({ kind: 'eof', text: '', value: '', pos: posAt(i), end: i, spaceBefore: true });
  return tokens;
}
