import { EngineError } from '../types.js';
import type { BinaryOp, CollectionOp, Expr } from './ast.js';
import { FORBIDDEN_NAMES, TokenStream, describe } from './tokens.js';
import { METHODS } from './values.js';

const RELATIONAL: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);
const STR_OPS: ReadonlySet<string> = new Set(['startsWith', 'endsWith', 'length']);

/** Parse a constraint or action expression (Java/MVEL operator precedence, the subset in docs/drools.md). */
export function parseExpression(ts: TokenStream): Expr {
  return parseOr(ts);
}

function parseOr(ts: TokenStream): Expr {
  ts.enter();
  let left = parseAnd(ts);
  let chain = 0;
  while (ts.isOp('||')) {
    ts.enter();
    chain++;
    const pos = ts.next().pos;
    left = { kind: 'binary', pos, op: '||', left, right: abbreviated(ts, left) ?? parseAnd(ts) };
  }
  ts.leave(chain + 1);
  return left;
}

function parseAnd(ts: TokenStream): Expr {
  let left = parseRelational(ts);
  let chain = 0;
  while (ts.isOp('&&')) {
    ts.enter();
    chain++;
    const pos = ts.next().pos;
    left = { kind: 'binary', pos, op: '&&', left, right: abbreviated(ts, left) ?? parseRelational(ts) };
  }
  ts.leave(chain);
  return left;
}

/** Drools' abbreviated combined restriction: `amount > 100 && < 500` repeats the left operand. */
function abbreviated(ts: TokenStream, previous: Expr): Expr | undefined {
  const t = ts.peek();
  if (t.kind !== 'op' || !RELATIONAL.has(t.text)) return undefined;
  const subject = relationalSubject(previous);
  if (subject === undefined) ts.fail(`operator '${t.text}' needs a left operand`);
  return relationalTail(ts, subject) ?? ts.fail(`expected an expression after '${t.text}'`);
}

function relationalSubject(e: Expr): Expr | undefined {
  if (e.kind === 'binary' && (e.op === '&&' || e.op === '||')) return relationalSubject(e.right);
  if (e.kind === 'binary' && RELATIONAL.has(e.op)) return e.left;
  if (e.kind === 'in' || e.kind === 'collection') return e.kind === 'in' ? e.value : e.left;
  return undefined;
}

function parseRelational(ts: TokenStream): Expr {
  let left = parseAdditive(ts);
  let chain = 0;
  for (;;) {
    const tail = relationalTail(ts, left);
    if (tail === undefined) {
      ts.leave(chain);
      return left;
    }
    ts.enter();
    chain++;
    left = tail;
  }
}

function relationalTail(ts: TokenStream, left: Expr): Expr | undefined {
  const t = ts.peek();
  if (t.kind === 'op' && RELATIONAL.has(t.text)) {
    ts.next();
    return { kind: 'binary', pos: t.pos, op: t.text as BinaryOp, left, right: parseAdditive(ts) };
  }
  if (t.kind !== 'ident') return undefined;
  let negated = false;
  let word = t.text;
  if (word === 'not' && ts.peek(1).kind === 'ident' && ['in', 'contains', 'memberOf', 'matches'].includes(ts.peek(1).text)) {
    negated = true;
    ts.next();
    word = ts.peek().text;
  }
  switch (word) {
    case 'in': {
      ts.next();
      ts.expectOp('(');
      const list: Expr[] = [];
      if (!ts.isOp(')')) {
        do list.push(parseAdditive(ts));
        while (ts.acceptOp(','));
      }
      ts.expectOp(')');
      return { kind: 'in', pos: t.pos, negated, value: left, list };
    }
    case 'contains':
    case 'memberOf':
    case 'matches':
      ts.next();
      return { kind: 'collection', pos: t.pos, op: word, negated, left, right: parseAdditive(ts) };
    case 'soundslike':
    case 'excludes':
      return ts.fail(`operator '${word}' is not supported`, t.pos, 'NOT_SUPPORTED');
    case 'str': {
      if (!ts.isOp('[', 1)) return undefined;
      ts.next();
      ts.next();
      const op = ts.expectIdent('startsWith, endsWith or length');
      if (!STR_OPS.has(op.text)) ts.fail(`unknown str[] operator '${op.text}'`, op.pos);
      ts.expectOp(']');
      return { kind: 'collection', pos: t.pos, op: op.text as CollectionOp, negated, left, right: parseAdditive(ts) };
    }
    default:
      return undefined;
  }
}

function parseAdditive(ts: TokenStream): Expr {
  let left = parseMultiplicative(ts);
  let chain = 0;
  while (ts.isOp('+') || ts.isOp('-')) {
    ts.enter();
    chain++;
    const t = ts.next();
    left = { kind: 'binary', pos: t.pos, op: t.text as BinaryOp, left, right: parseMultiplicative(ts) };
  }
  ts.leave(chain);
  return left;
}

function parseMultiplicative(ts: TokenStream): Expr {
  let left = parseUnary(ts);
  let chain = 0;
  while (ts.isOp('*') || ts.isOp('/') || ts.isOp('%')) {
    ts.enter();
    chain++;
    const t = ts.next();
    left = { kind: 'binary', pos: t.pos, op: t.text as BinaryOp, left, right: parseUnary(ts) };
  }
  ts.leave(chain);
  return left;
}

function parseUnary(ts: TokenStream): Expr {
  const t = ts.peek();
  if (t.kind === 'op' && (t.text === '-' || t.text === '!')) {
    ts.next();
    ts.enter();
    const operand = parseUnary(ts);
    ts.leave();
    return { kind: 'unary', pos: t.pos, op: t.text, operand };
  }
  if (t.kind === 'op' && t.text === '+') {
    ts.next();
    return parseUnary(ts);
  }
  return parsePostfix(ts);
}

/** A `from` source: a name with member and method access (`$c.transactionHistory`). */
export function parsePostfix(ts: TokenStream): Expr {
  let e = parsePrimary(ts);
  let chain = 0;
  while (ts.isOp('.') || ts.isOp('!.')) {
    ts.enter();
    chain++;
    const nullSafe = ts.next().text === '!.';
    const name = ts.expectIdent('a property name');
    checkName(name.text, name.pos);
    if (ts.isOp('(')) {
      ts.next();
      const args: Expr[] = [];
      if (!ts.isOp(')')) {
        do args.push(parseOr(ts));
        while (ts.acceptOp(','));
      }
      ts.expectOp(')');
      e = { kind: 'call', pos: name.pos, object: e, name: name.text, args };
    } else {
      e = { kind: 'member', pos: name.pos, object: e, name: name.text, nullSafe };
    }
  }
  if (ts.isOp('[')) ts.fail('indexing with [] is not supported', undefined, 'NOT_SUPPORTED');
  ts.leave(chain);
  return e;
}

function parsePrimary(ts: TokenStream): Expr {
  const t = ts.peek();
  switch (t.kind) {
    case 'number':
      ts.next();
      return { kind: 'literal', pos: t.pos, value: t.value, numeric: true };
    case 'string':
      ts.next();
      return { kind: 'literal', pos: t.pos, value: t.value, numeric: false };
    case 'var':
      ts.next();
      return { kind: 'var', pos: t.pos, name: t.text };
    case 'ident':
      if (t.text === 'true' || t.text === 'false') {
        ts.next();
        return { kind: 'literal', pos: t.pos, value: t.text === 'true', numeric: false };
      }
      if (t.text === 'null') {
        ts.next();
        return { kind: 'literal', pos: t.pos, value: null, numeric: false };
      }
      if (t.text === 'new') ts.fail("'new' is not supported", t.pos, 'NOT_SUPPORTED');
      ts.next();
      if (ts.isOp('(')) {
        // `getAnnualIncome()` inside a pattern is a method of the current fact.
        if (!METHODS.has(t.text) && !/^(get|is)[A-Z]/.test(t.text)) ts.fail(`function '${t.text}' is not supported`, t.pos, 'NOT_SUPPORTED');
        ts.next();
        const args: Expr[] = [];
        if (!ts.isOp(')')) {
          do args.push(parseOr(ts));
          while (ts.acceptOp(','));
        }
        ts.expectOp(')');
        return { kind: 'call', pos: t.pos, object: { kind: 'field', pos: t.pos, name: 'this' }, name: t.text, args };
      }
      checkName(t.text, t.pos);
      return { kind: 'field', pos: t.pos, name: t.text };
    case 'op':
      if (t.text === '(') {
        ts.next();
        const inner = parseOr(ts);
        ts.expectOp(')');
        return inner;
      }
      break;
    default:
      break;
  }
  return ts.fail(`expected an expression but found ${describe(t)}`);
}

function checkName(name: string, pos: Expr['pos']): void {
  if (FORBIDDEN_NAMES.has(name)) throw new EngineError('NOT_SUPPORTED', `property '${name}' is not accessible`, pos);
}
