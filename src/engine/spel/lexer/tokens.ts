/** Token kinds of the SpEL lexer (Spring's TokenKind, minus what Banyan refuses outright). */
export type TokenKind =
  | 'int'
  | 'long'
  | 'real'
  | 'string'
  | 'ident'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | '!'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '&&'
  | '||'
  | '?'
  | '?:'
  | '?.'
  | ':'
  | '.'
  | ','
  | '('
  | ')'
  | '['
  | ']'
  | '{'
  | '}'
  | '#'
  | '?['
  | '^['
  | '$['
  | '!['
  | '='
  | '++'
  | '--'
  | '@'
  | '&'
  | 'eof';

/** Word operators Spring's tokenizer turns into operator tokens (case-insensitive). */
export const WORD_OPERATORS: Readonly<Record<string, TokenKind>> = {
  div: '/',
  mod: '%',
  eq: '==',
  ne: '!=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
  not: '!',
};

export interface Token {
  readonly kind: TokenKind;
  /** Identifier name, string content, or the numeric literal's text. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** For numbers: `f`/`d` suffix present (float/double literal), or hex. */
  readonly suffix?: 'f' | 'd' | 'hex';
}
