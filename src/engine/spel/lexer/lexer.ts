import { banyanError, spelError } from '../errors.js';
import { WORD_OPERATORS, type Token, type TokenKind } from './tokens.js';

// Identifier characters: Java's letters/digits/_/$; Unicode letters are accepted too, so field
// names in other scripts work (Spring's tokenizer is ASCII-only; this is a superset).
const IDENT_START = /[A-Za-z_$\p{L}]/u;
const IDENT_PART = /[A-Za-z0-9_$\p{L}\p{N}]/u;

const TWO_CHAR: readonly TokenKind[] = ['==', '!=', '<=', '>=', '&&', '||', '?:', '?.', '?[', '^[', '$[', '![', '++', '--'];
const ONE_CHAR = new Set<string>(['+', '-', '*', '/', '%', '^', '!', '<', '>', '?', ':', '.', ',', '(', ')', '[', ']', '{', '}', '#', '=', '@', '&']);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined): boolean => c !== undefined && /[0-9a-fA-F]/.test(c);

/** Tokenizes `source[start, end)`; offsets stay relative to the whole source (for `#{…}`). */
export function tokenize(source: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const c = source[i] as string;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (isDigit(c)) {
      i = lexNumber(source, i, end, tokens);
      continue;
    }
    if (c === "'" || c === '"') {
      i = lexString(source, i, end, c, tokens);
      continue;
    }
    if (c === '$' && source[i + 1] !== '[' && IDENT_START.test(c)) {
      i = lexIdentifier(source, i, end, tokens);
      continue;
    }
    if (c !== '$' && IDENT_START.test(c)) {
      i = lexIdentifier(source, i, end, tokens);
      continue;
    }
    const two = source.slice(i, i + 2) as TokenKind;
    if (i + 1 < end && TWO_CHAR.includes(two)) {
      tokens.push({ kind: two, text: two, start: i, end: i + 2 });
      i += 2;
      continue;
    }
    if (ONE_CHAR.has(c)) {
      tokens.push({ kind: c as TokenKind, text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '.' && isDigit(source[i + 1])) {
      throw spelError(source, i, 'MISSING_LEADING_ZERO_FOR_NUMBER', 'A real number must be prefixed by zero');
    }
    throw banyanError(source, i, 'SYNTAX_ERROR', `Unexpected character '${c}'`);
  }
  tokens.push({ kind: 'eof', text: '', start: end, end });
  return tokens;
}

function lexIdentifier(source: string, start: number, end: number, tokens: Token[]): number {
  let i = start + 1;
  while (i < end && IDENT_PART.test(source[i] as string)) i++;
  const text = source.slice(start, i);
  const op = text.length <= 3 ? WORD_OPERATORS[text.toLowerCase()] : undefined;
  tokens.push(op ? { kind: op, text, start, end: i } : { kind: 'ident', text, start, end: i });
  return i;
}

function lexString(source: string, start: number, end: number, quote: string, tokens: Token[]): number {
  let i = start + 1;
  let text = '';
  for (;;) {
    if (i >= end) {
      throw quote === "'"
        ? spelError(source, start, 'NON_TERMINATING_QUOTED_STRING', "Cannot find terminating ' for string")
        : spelError(source, start, 'NON_TERMINATING_DOUBLE_QUOTED_STRING', 'Cannot find terminating " for string');
    }
    const c = source[i] as string;
    if (c === quote) {
      // A doubled quote is an escaped quote (Spring has no backslash escapes).
      if (source[i + 1] === quote && i + 1 < end) {
        text += quote;
        i += 2;
        continue;
      }
      tokens.push({ kind: 'string', text, start, end: i + 1 });
      return i + 1;
    }
    text += c;
    i++;
  }
}

function lexNumber(source: string, start: number, end: number, tokens: Token[]): number {
  let i = start;
  if (source[i] === '0' && (source[i + 1] === 'x' || source[i + 1] === 'X') && isHex(source[i + 2])) {
    i += 2;
    while (i < end && isHex(source[i])) i++;
    const digits = source.slice(start + 2, i);
    if (source[i] === 'L' || source[i] === 'l') {
      tokens.push({ kind: 'long', text: digits, start, end: i + 1, suffix: 'hex' });
      return i + 1;
    }
    tokens.push({ kind: 'int', text: digits, start, end: i, suffix: 'hex' });
    return i;
  }
  while (i < end && isDigit(source[i])) i++;
  let real = false;
  if (source[i] === '.' && isDigit(source[i + 1])) {
    real = true;
    i++;
    while (i < end && isDigit(source[i])) i++;
  }
  const e = source[i];
  if ((e === 'e' || e === 'E') && (isDigit(source[i + 1]) || ((source[i + 1] === '+' || source[i + 1] === '-') && isDigit(source[i + 2])))) {
    real = true;
    i += 2;
    while (i < end && isDigit(source[i])) i++;
  }
  const text = source.slice(start, i);
  const s = source[i];
  if (s === 'L' || s === 'l') {
    if (real) throw spelError(source, start, 'REAL_CANNOT_BE_LONG', 'Real number cannot be suffixed with a long (L or l) suffix');
    tokens.push({ kind: 'long', text, start, end: i + 1 });
    return i + 1;
  }
  if (s === 'f' || s === 'F' || s === 'd' || s === 'D') {
    tokens.push({ kind: 'real', text, start, end: i + 1, suffix: s === 'f' || s === 'F' ? 'f' : 'd' });
    return i + 1;
  }
  tokens.push({ kind: real ? 'real' : 'int', text, start, end: i });
  return i;
}
