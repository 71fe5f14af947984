import type { AccumulateFn, ConditionalElement, Constraint, PatternSource } from './ast.js';
import { parseExpression, parsePostfix } from './expression-parser.js';
import { TokenStream, describe } from './tokens.js';

const ACCUMULATE_FNS: ReadonlySet<string> = new Set(['count', 'sum', 'average', 'min', 'max']);
const UNSUPPORTED_CE: ReadonlySet<string> = new Set(['forall', 'collect', 'accumulate', 'entry-point', 'over', 'window']);

/** Parse a rule's LHS up to (not including) `then`. Top-level elements are implicitly and-ed. */
export function parseLhs(ts: TokenStream): ConditionalElement {
  const pos = ts.peek().pos;
  const elements: ConditionalElement[] = [];
  while (!ts.isWord('then')) {
    if (ts.peek().kind === 'eof') ts.fail("expected 'then' but found end of input");
    // Matchers chain one level per element, so a long list counts as nesting.
    ts.enter();
    elements.push(parseCeOr(ts));
  }
  ts.leave(elements.length);
  return elements.length === 1 && elements[0] ? elements[0] : { kind: 'and', pos, elements };
}

function parseCeOr(ts: TokenStream): ConditionalElement {
  ts.enter();
  const first = parseCeAnd(ts);
  const elements = [first];
  while (ts.isWord('or') || ts.isOp('||')) {
    ts.next();
    ts.enter();
    elements.push(parseCeAnd(ts));
  }
  ts.leave(elements.length);
  return elements.length === 1 ? first : { kind: 'or', pos: first.pos, elements };
}

function parseCeAnd(ts: TokenStream): ConditionalElement {
  const first = parseCeUnary(ts);
  const elements = [first];
  while (ts.isWord('and') || ts.isOp('&&')) {
    ts.next();
    ts.enter();
    elements.push(parseCeUnary(ts));
  }
  ts.leave(elements.length - 1);
  return elements.length === 1 ? first : { kind: 'and', pos: first.pos, elements };
}

function parseCeUnary(ts: TokenStream): ConditionalElement {
  const t = ts.peek();
  if (t.kind === 'ident' && (t.text === 'not' || t.text === 'exists')) {
    ts.next();
    ts.enter();
    const element = parseCeUnary(ts);
    ts.leave();
    return { kind: t.text, pos: t.pos, element };
  }
  if (t.kind === 'ident' && t.text === 'eval') {
    ts.next();
    ts.expectOp('(');
    const expr = parseExpression(ts);
    ts.expectOp(')');
    return { kind: 'eval', pos: t.pos, expr };
  }
  if (t.kind === 'ident' && UNSUPPORTED_CE.has(t.text)) {
    ts.fail(`conditional element '${t.text}' is not supported`, t.pos, 'NOT_SUPPORTED');
  }
  if (t.kind === 'op' && t.text === '(') {
    ts.next();
    const prefix = ts.peek();
    if (prefix.kind === 'ident' && (prefix.text === 'or' || prefix.text === 'and') && !ts.isOp('(', 1)) {
      // Prefix form: (or A B C)
      ts.next();
      const elements: ConditionalElement[] = [];
      while (!ts.isOp(')')) {
        if (ts.peek().kind === 'eof') ts.fail("expected ')' but found end of input");
        ts.enter();
        elements.push(parseCeUnary(ts));
      }
      ts.leave(elements.length);
      ts.next();
      return { kind: prefix.text, pos: t.pos, elements };
    }
    const inner = parseCeOr(ts);
    ts.expectOp(')');
    return inner;
  }
  let binding: string | undefined;
  if (t.kind === 'var' && ts.isOp(':', 1)) {
    binding = ts.next().text;
    ts.next();
  }
  if (ts.peek().kind !== 'ident') ts.fail(`expected a pattern such as Customer( ... ) but found ${describe(ts.peek())}`);
  return parsePattern(ts, binding);
}

function parsePattern(ts: TokenStream, binding: string | undefined): ConditionalElement {
  const pos = ts.peek().pos;
  const type = ts.qualifiedName('a fact type');
  ts.expectOp('(');
  const constraints: Constraint[] = [];
  if (!ts.isOp(')')) {
    do constraints.push(parseConstraint(ts));
    while (ts.acceptOp(','));
  }
  ts.expectOp(')');
  let source: PatternSource = { kind: 'facts' };
  if (ts.acceptWord('from')) {
    source = ts.isWord('accumulate') ? parseAccumulate(ts) : { kind: 'from', expr: parsePostfix(ts) };
    if (ts.isWord('collect')) ts.fail("'from collect' is not supported", undefined, 'NOT_SUPPORTED');
  }
  return { kind: 'pattern', pos, binding, type: type.slice(type.lastIndexOf('.') + 1), constraints, source };
}

function parseConstraint(ts: TokenStream): Constraint {
  const pos = ts.peek().pos;
  let binding: string | undefined;
  if (ts.peek().kind === 'var' && ts.isOp(':', 1)) {
    binding = ts.next().text;
    ts.next();
  }
  return { pos, binding, expr: parseExpression(ts) };
}

function parseAccumulate(ts: TokenStream): PatternSource {
  const pos = ts.next().pos;
  ts.expectOp('(');
  const input = parseCeOr(ts);
  ts.expectOp(',');
  if (ts.isWord('init')) ts.fail('accumulate with init/action/result is not supported', undefined, 'NOT_SUPPORTED');
  const fnToken = ts.expectIdent('an accumulate function (count, sum, average, min, max)');
  if (!ACCUMULATE_FNS.has(fnToken.text)) {
    ts.fail(`accumulate function '${fnToken.text}' is not supported (count, sum, average, min, max)`, fnToken.pos, 'NOT_SUPPORTED');
  }
  ts.expectOp('(');
  const arg = ts.isOp(')') ? undefined : parseExpression(ts);
  ts.expectOp(')');
  if (ts.isOp(',')) ts.fail('accumulate with several functions is not supported', undefined, 'NOT_SUPPORTED');
  ts.expectOp(')');
  return { kind: 'accumulate', pos, input, fn: fnToken.text as AccumulateFn, arg };
}
