import { EngineError, type SourcePosition } from '../types.js';
import type { Token } from './lexer.js';

/** Names that would reach JavaScript's object machinery; refused wherever a property is named. */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A cursor over tokens with the parser's depth guard. */
export class TokenStream {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly maxDepth: number,
  ) {}

  peek(ahead = 0): Token {
    const t = this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
    if (t === undefined) throw new Error('token stream is empty');
    return t;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index++;
    return t;
  }

  isOp(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'op' && t.text === text;
  }

  isWord(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'ident' && t.text === text;
  }

  acceptOp(text: string): boolean {
    if (!this.isOp(text)) return false;
    this.next();
    return true;
  }

  acceptWord(text: string): boolean {
    if (!this.isWord(text)) return false;
    this.next();
    return true;
  }

  expectOp(text: string): Token {
    if (!this.isOp(text)) this.fail(`expected '${text}' but found ${describe(this.peek())}`);
    return this.next();
  }

  expectWord(text: string): Token {
    if (!this.isWord(text)) this.fail(`expected '${text}' but found ${describe(this.peek())}`);
    return this.next();
  }

  expectIdent(what: string): Token {
    const t = this.peek();
    if (t.kind !== 'ident') this.fail(`expected ${what} but found ${describe(t)}`);
    return this.next();
  }

  /** A dotted name (`com.bank.Customer`); returns the whole text. */
  qualifiedName(what: string): string {
    let name = this.expectIdent(what).text;
    while (this.isOp('.') && this.peek(1).kind === 'ident') {
      this.next();
      name += '.' + this.next().text;
    }
    return name;
  }

  /** A hyphenated keyword such as `no-loop` or `date-effective`, written without spaces. */
  hyphenatedWord(): string {
    let word = this.expectIdent('a keyword').text;
    while (this.isOp('-') && !this.peek().spaceBefore && this.peek(1).kind === 'ident' && !this.peek(1).spaceBefore) {
      this.next();
      word += '-' + this.next().text;
    }
    return word;
  }

  enter(): void {
    this.depth++;
    if (this.depth > this.maxDepth) {
      throw new EngineError('LIMIT_EXCEEDED', `nesting deeper than ${this.maxDepth} levels`, this.peek().pos);
    }
  }

  leave(levels = 1): void {
    this.depth -= levels;
  }

  resetDepth(): void {
    this.depth = 0;
  }

  fail(message: string, pos?: SourcePosition, code: 'SYNTAX_ERROR' | 'NOT_SUPPORTED' = 'SYNTAX_ERROR'): never {
    throw new EngineError(code, message, pos ?? this.peek().pos);
  }
}

export function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of input';
  if (t.kind === 'string') return `string ${JSON.stringify(t.value)}`;
  return `'${t.text}'`;
}
