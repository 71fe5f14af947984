import type { ChainNode, ExpressionNode, InlineListNode, InlineMapNode, MapEntryNode, SelectionMode, StepNode } from '../ast/nodes.js';
import { banyanError, spelError, type SpelError } from '../errors.js';
import type { Token, TokenKind } from '../lexer/tokens.js';
import { isForbiddenName } from './forbidden.js';
import { parseNumber } from './numbers.js';
import { Precedence } from './precedence.js';

const SELECT_MODES: Partial<Record<TokenKind, SelectionMode>> = { '?[': 'all', '^[': 'first', '$[': 'last' };

/**
 * Recursive-descent parser following Spring's InternalSpelExpressionParser grammar. Operator
 * precedence lives in `Precedence`; this class builds postfix chains and primaries.
 */
export class Parser extends Precedence {
  parseAll(): ExpressionNode {
    if (this.peek().kind === 'eof') throw this.err(this.peek().start, 'OOD', 'Unexpectedly ran out of input');
    const node = this.parseExpression();
    const t = this.peek();
    if (t.kind !== 'eof') {
      throw spelError(this.source, t.start, 'MORE_INPUT', `After parsing a valid expression, there is still more data in the expression: '${t.text}'`);
    }
    return node;
  }

  protected parsePrimary(): ExpressionNode {
    const first = this.peek();
    const start = this.parseStart();
    const steps: StepNode[] = [];
    let head: ExpressionNode | null;
    if ('nullSafe' in start) {
      head = null;
      steps.push(start);
    } else {
      head = start;
    }
    for (;;) {
      const t = this.peek();
      if (t.kind === '.' || t.kind === '?.') {
        this.next();
        steps.push(this.parseDotted(t.kind === '?.'));
      } else if (t.kind === '[') {
        steps.push(this.parseIndex(false));
      } else {
        break;
      }
      this.checkHeight(steps.length);
    }
    if (steps.length === 0 && head) return head;
    const chain: ChainNode = { kind: 'chain', start: first.start, head, steps };
    return chain;
  }

  private parseStart(): ExpressionNode | StepNode {
    const t = this.peek();
    switch (t.kind) {
      case 'int':
      case 'long':
      case 'real':
        this.next();
        return parseNumber(this.source, t);
      case 'string':
        this.next();
        return { kind: 'literal', start: t.start, value: t.text };
      case '(': {
        this.next();
        const inner = this.parseExpression();
        this.expect(')');
        return inner;
      }
      case '#':
        return this.parseVariable();
      case '{':
        return this.parseInline();
      case '?[':
      case '^[':
      case '$[':
      case '![':
        return this.parseSelectionOrProjection(false);
      case '[':
        return this.parseIndex(false);
      case '@':
      case '&':
        throw this.refuse(t, 'Bean references (@name / &name) are not supported');
      case 'ident':
        return this.parseIdentifierStart(t);
      case 'eof':
        throw this.err(t.start, 'OOD', 'Unexpectedly ran out of input');
      default:
        throw spelError(this.source, t.start, 'NOT_EXPECTED_TOKEN', `Unexpected token '${t.text}'`);
    }
  }

  private parseIdentifierStart(t: Token): ExpressionNode | StepNode {
    const lower = t.text.toLowerCase();
    if (lower === 'true' || lower === 'false') {
      this.next();
      return { kind: 'literal', start: t.start, value: lower === 'true' };
    }
    if (lower === 'null') {
      this.next();
      return { kind: 'literal', start: t.start, value: null };
    }
    const after = this.peekAt(1);
    if (t.text === 'T' && after.kind === '(') throw this.refuse(t, 'Type references T(...) are not supported');
    if (t.text === 'new' && after.kind === 'ident') throw this.refuse(t, 'Constructor calls (new ...) are not supported');
    return this.parseMember(false);
  }

  private parseVariable(): ExpressionNode {
    const hash = this.next();
    const name = this.peek();
    if (name.kind !== 'ident') {
      throw spelError(this.source, name.start, 'NOT_EXPECTED_TOKEN', `Expected a variable or function name after '#'`);
    }
    this.next();
    if (isForbiddenName(name.text)) throw this.refuse(name, `'${name.text}' is not accessible`);
    if (this.peek().kind === '(') {
      return { kind: 'functionCall', start: hash.start, name: name.text, args: this.parseArgs() };
    }
    return { kind: 'variable', start: hash.start, name: name.text };
  }

  private parseDotted(nullSafe: boolean): StepNode {
    const t = this.peek();
    if (t.kind === 'ident') return this.parseMember(nullSafe);
    if (t.kind in SELECT_MODES || t.kind === '![') return this.parseSelectionOrProjection(nullSafe);
    if (t.kind === '[' && nullSafe) return this.parseIndex(true);
    if (t.kind === 'eof') throw this.err(t.start, 'OOD', 'Unexpectedly ran out of input');
    throw spelError(this.source, t.start, 'UNEXPECTED_DATA_AFTER_DOT', `Unexpected data after '.': '${t.text}'`);
  }

  private parseMember(nullSafe: boolean): StepNode {
    const t = this.next();
    if (isForbiddenName(t.text)) throw this.refuse(t, `'${t.text}' is not accessible`);
    if (this.peek().kind === '(') {
      return { kind: 'method', start: t.start, name: t.text, args: this.parseArgs(), nullSafe };
    }
    return { kind: 'property', start: t.start, name: t.text, nullSafe };
  }

  private parseIndex(nullSafe: boolean): StepNode {
    const open = this.next();
    const index = this.parseExpression();
    this.expect(']');
    if (index.kind === 'literal' && typeof index.value === 'string' && isForbiddenName(index.value)) {
      throw this.refuse(open, `'${index.value}' is not accessible`);
    }
    return { kind: 'index', start: open.start, index, nullSafe };
  }

  private parseSelectionOrProjection(nullSafe: boolean): StepNode {
    const open = this.next();
    if (this.peek().kind === ']') {
      throw spelError(this.source, open.start, 'MISSING_SELECTION_EXPRESSION', 'A required selection expression has not been specified');
    }
    const inner = this.parseExpression();
    this.expect(']');
    const mode = SELECT_MODES[open.kind];
    if (mode) return { kind: 'selection', start: open.start, mode, criteria: inner, nullSafe };
    return { kind: 'projection', start: open.start, expression: inner, nullSafe };
  }

  private parseArgs(): ExpressionNode[] {
    const open = this.expect('(');
    this.enter(open);
    const args: ExpressionNode[] = [];
    if (this.peek().kind !== ')') {
      args.push(this.parseExpression());
      while (this.peek().kind === ',') {
        this.next();
        args.push(this.parseExpression());
      }
    }
    this.leave();
    this.expect(')');
    return args;
  }

  private parseInline(): InlineListNode | InlineMapNode {
    const open = this.next();
    this.enter(open);
    try {
      if (this.peek().kind === '}') {
        this.next();
        return { kind: 'list', start: open.start, items: [] };
      }
      if (this.peek().kind === ':' && this.peekAt(1).kind === '}') {
        this.next();
        this.next();
        return { kind: 'map', start: open.start, entries: [] };
      }
      const first = this.parseExpression();
      if (this.peek().kind === ':') return this.parseMapRest(open, first);
      const items = [first];
      while (this.peek().kind === ',') {
        this.next();
        items.push(this.parseExpression());
      }
      this.expect('}');
      return { kind: 'list', start: open.start, items };
    } finally {
      this.leave();
    }
  }

  private parseMapRest(open: Token, firstKey: ExpressionNode): InlineMapNode {
    const entries: MapEntryNode[] = [];
    let key = firstKey;
    for (;;) {
      this.expect(':');
      const value = this.parseExpression();
      entries.push({ key: this.mapKey(key), value });
      if (this.peek().kind !== ',') break;
      this.next();
      key = this.parseExpression();
    }
    this.expect('}');
    return { kind: 'map', start: open.start, entries };
  }

  /** `{name: 1}`: a bare identifier key is the string 'name', as in Spring. */
  private mapKey(key: ExpressionNode): MapEntryNode['key'] {
    if (key.kind === 'chain' && key.head === null && key.steps.length === 1) {
      const step = key.steps[0];
      if (step && step.kind === 'property' && !step.nullSafe) return { kind: 'mapKey', start: step.start, name: step.name };
    }
    if (key.kind === 'literal' && typeof key.value === 'string' && isForbiddenName(key.value)) {
      throw banyanError(this.source, key.start, 'NOT_SUPPORTED', `Map key '${key.value}' is not allowed`);
    }
    return key;
  }

  protected refuse(t: Token, message: string): SpelError {
    return banyanError(this.source, t.start, 'NOT_SUPPORTED', message);
  }
}
