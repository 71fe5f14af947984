import type { BinaryOperator, ExpressionNode } from '../ast/nodes.js';
import { banyanError, spelError, type SpelError, type SpelMessage } from '../errors.js';
import type { Token, TokenKind } from '../lexer/tokens.js';

const RELATIONAL: Partial<Record<TokenKind, BinaryOperator>> = {
  '==': '==',
  '!=': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};
const WORD_RELATIONAL: Readonly<Record<string, BinaryOperator>> = { matches: 'matches', between: 'between', in: 'in' };
const CANNOT_START = new Set<TokenKind>(['eof', ')', ']', '}', ',', ':']);

/**
 * Operator layers of Spring's grammar, lowest first:
 * ternary/elvis → or → and → relational (non-associative) → + - → * / % → ^ → unary → primary.
 * Depth is checked on every recursion so 10 000 nested parentheses fail cleanly, not with a
 * stack overflow; left-deep operator chains count toward the same limit via `checkHeight`.
 */
export abstract class Precedence {
  private index = 0;
  private depth = 0;
  private readonly heights = new WeakMap<ExpressionNode, number>();

  constructor(
    protected readonly source: string,
    private readonly tokens: readonly Token[],
    private readonly maxDepth: number,
  ) {}

  protected abstract parsePrimary(): ExpressionNode;

  parseExpression(): ExpressionNode {
    const first = this.peek();
    this.enter(first);
    try {
      const left = this.parseOr();
      const t = this.peek();
      if (t.kind === '=') throw banyanError(this.source, t.start, 'NOT_SUPPORTED', 'Assignment is not supported');
      if (t.kind === '?:') {
        this.next();
        const fallback = this.parseOperand(t);
        return this.mk({ kind: 'elvis', start: t.start, value: left, fallback }, left, fallback);
      }
      if (t.kind === '?') {
        this.next();
        const whenTrue = this.parseOperand(t);
        this.expect(':');
        const whenFalse = this.parseExpression();
        return this.mk({ kind: 'ternary', start: t.start, condition: left, whenTrue, whenFalse }, left, whenTrue, whenFalse);
      }
      return left;
    } finally {
      this.leave();
    }
  }

  private parseOr(): ExpressionNode {
    let left = this.parseAnd();
    for (let t = this.peek(); t.kind === '||' || this.isWord(t, 'or'); t = this.peek()) {
      this.next();
      const right = this.operand(t, () => this.parseAnd());
      left = this.binary('or', t, left, right);
    }
    return left;
  }

  private parseAnd(): ExpressionNode {
    let left = this.parseRelational();
    for (let t = this.peek(); t.kind === '&&' || this.isWord(t, 'and'); t = this.peek()) {
      this.next();
      const right = this.operand(t, () => this.parseRelational());
      left = this.binary('and', t, left, right);
    }
    return left;
  }

  private parseRelational(): ExpressionNode {
    const left = this.parseSum();
    const t = this.peek();
    if (t.kind === 'ident' && t.text.toLowerCase() === 'instanceof') {
      throw banyanError(this.source, t.start, 'NOT_SUPPORTED', 'instanceof is not supported');
    }
    const op = RELATIONAL[t.kind] ?? (t.kind === 'ident' ? WORD_RELATIONAL[t.text.toLowerCase()] : undefined);
    // `in` is Banyan's membership extension; Spring has no such operator.
    if (!op) return left;
    this.next();
    const right = this.operand(t, () => this.parseSum());
    return this.binary(op, t, left, right);
  }

  private parseSum(): ExpressionNode {
    let left = this.parseProduct();
    for (let t = this.peek(); t.kind === '+' || t.kind === '-'; t = this.peek()) {
      this.next();
      const right = this.operand(t, () => this.parseProduct());
      left = this.binary(t.kind, t, left, right);
    }
    return left;
  }

  private parseProduct(): ExpressionNode {
    let left = this.parsePower();
    for (let t = this.peek(); t.kind === '*' || t.kind === '/' || t.kind === '%'; t = this.peek()) {
      this.next();
      const right = this.operand(t, () => this.parsePower());
      left = this.binary(t.kind, t, left, right);
    }
    return left;
  }

  private parsePower(): ExpressionNode {
    const left = this.parseUnary();
    const t = this.peek();
    if (t.kind === '++' || t.kind === '--') {
      throw banyanError(this.source, t.start, 'NOT_SUPPORTED', 'Increment/decrement operators are not supported');
    }
    if (t.kind !== '^') return left;
    this.next();
    const right = this.operand(t, () => this.parseUnary());
    return this.binary('^', t, left, right);
  }

  private parseUnary(): ExpressionNode {
    const t = this.peek();
    if (t.kind === '++' || t.kind === '--') {
      throw banyanError(this.source, t.start, 'NOT_SUPPORTED', 'Increment/decrement operators are not supported');
    }
    if (t.kind === '-' || t.kind === '+' || t.kind === '!') {
      this.next();
      this.enter(t);
      try {
        const operand = this.operand(t, () => this.parseUnary());
        return this.mk({ kind: 'unary', start: t.start, operator: t.kind, operand }, operand);
      } finally {
        this.leave();
      }
    }
    return this.parsePrimary();
  }

  private parseOperand(op: Token): ExpressionNode {
    return this.operand(op, () => this.parseExpression());
  }

  private operand(op: Token, parse: () => ExpressionNode): ExpressionNode {
    if (CANNOT_START.has(this.peek().kind)) {
      throw spelError(this.source, op.start, 'RIGHT_OPERAND_PROBLEM', 'Problem parsing right operand');
    }
    return parse();
  }

  private binary(operator: BinaryOperator, t: Token, left: ExpressionNode, right: ExpressionNode): ExpressionNode {
    return this.mk({ kind: 'binary', start: t.start, operator, left, right }, left, right);
  }

  /** Records the node's height and refuses trees deeper than `maxDepth`. */
  private mk(node: ExpressionNode, ...children: ExpressionNode[]): ExpressionNode {
    let h = 0;
    for (const c of children) h = Math.max(h, this.heights.get(c) ?? 1);
    this.heights.set(node, h + 1);
    if (h + 1 > this.maxDepth) this.tooDeep(node.start);
    return node;
  }

  protected checkHeight(steps: number): void {
    if (steps > this.maxDepth) this.tooDeep(this.peek().start);
  }

  private tooDeep(offset: number): never {
    throw banyanError(this.source, offset, 'LIMIT_EXCEEDED', `Expression nesting exceeds the maximum depth of ${this.maxDepth}`);
  }

  protected enter(t: Token): void {
    if (++this.depth > this.maxDepth) this.tooDeep(t.start);
  }

  protected leave(): void {
    this.depth--;
  }

  protected isWord(t: Token, word: string): boolean {
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }

  protected peek(): Token {
    return this.peekAt(0);
  }

  protected peekAt(n: number): Token {
    const last = this.tokens[this.tokens.length - 1] as Token;
    return this.tokens[this.index + n] ?? last;
  }

  protected next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index++;
    return t;
  }

  protected expect(kind: TokenKind): Token {
    const t = this.peek();
    if (t.kind === kind) return this.next();
    if (t.kind === 'eof') throw this.err(t.start, 'OOD', 'Unexpectedly ran out of input');
    throw spelError(this.source, t.start, 'NOT_EXPECTED_TOKEN', `Unexpected token. Expected '${kind}' but was '${t.text}'`);
  }

  protected err(offset: number, message: SpelMessage, detail: string): SpelError {
    return spelError(this.source, offset, message, detail);
  }
}
