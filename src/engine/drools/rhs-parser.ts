import type { Action, ResultField } from './ast.js';
import { parseExpression } from './expression-parser.js';
import { TokenStream } from './tokens.js';

export const RESULT_FIELDS: readonly ResultField[] = [
  'eligible',
  'promotionId',
  'promotionName',
  'promotionType',
  'discountAmount',
  'discountPercentage',
  'description',
];

const SETTERS: ReadonlyMap<string, ResultField> = new Map(RESULT_FIELDS.map((f) => [`set${f.charAt(0).toUpperCase()}${f.slice(1)}`, f] as const));

const SUPPORTED = 'supported actions: result.setX(value), result.x = value, result.put("key", value), log(...), System.out.println(...)';

/**
 * Parse a rule's RHS up to (not including) `end`. The RHS is not Java: it is a short list of
 * statements that write the result (docs/drools.md); anything else is NOT_SUPPORTED.
 */
export function parseRhs(ts: TokenStream): Action[] {
  const actions: Action[] = [];
  while (!ts.isWord('end')) {
    const t = ts.peek();
    if (t.kind === 'eof') ts.fail("expected 'end' but found end of input");
    if (ts.acceptOp(';')) continue;
    if (ts.isWord('result') && ts.isOp('.', 1)) {
      actions.push(parseResultStatement(ts));
    } else if (ts.isWord('System') && ts.isOp('.', 1) && ts.isWord('out', 2) && ts.isOp('.', 3)) {
      ts.next();
      ts.next();
      ts.next();
      ts.next();
      const method = ts.expectIdent('println');
      if (method.text !== 'println' && method.text !== 'print') ts.fail(`System.out.${method.text} is not supported`, method.pos, 'NOT_SUPPORTED');
      skipArguments(ts);
      actions.push({ kind: 'log', pos: t.pos });
    } else if (ts.isWord('log') && ts.isOp('(', 1)) {
      ts.next();
      skipArguments(ts);
      actions.push({ kind: 'log', pos: t.pos });
    } else {
      ts.fail(`unsupported statement in 'then' starting with '${t.text}': ${SUPPORTED}`, t.pos, 'NOT_SUPPORTED');
    }
    endStatement(ts, t.pos.line);
  }
  return actions;
}

function parseResultStatement(ts: TokenStream): Action {
  const pos = ts.next().pos;
  ts.next();
  const name = ts.expectIdent('a result method or field');
  if (ts.acceptOp('=')) {
    const field = RESULT_FIELDS.find((f) => f === name.text);
    if (field === undefined) ts.fail(`unknown result field '${name.text}' (${RESULT_FIELDS.join(', ')})`, name.pos, 'NOT_SUPPORTED');
    return { kind: 'set', pos, field, value: parseExpression(ts) };
  }
  if (name.text === 'getAdditionalDetails' && ts.isOp('(') && ts.isOp(')', 1)) {
    ts.next();
    ts.next();
    ts.expectOp('.');
    const put = ts.expectIdent('put');
    if (put.text !== 'put') ts.fail(`additionalDetails.${put.text} is not supported`, put.pos, 'NOT_SUPPORTED');
    return parsePut(ts, pos);
  }
  if (name.text === 'put') return parsePut(ts, pos);
  const field = SETTERS.get(name.text);
  if (field === undefined) {
    ts.fail(`result.${name.text} is not supported; setters: ${[...SETTERS.keys()].join(', ')}, put`, name.pos, 'NOT_SUPPORTED');
  }
  ts.expectOp('(');
  const value = parseExpression(ts);
  ts.expectOp(')');
  return { kind: 'set', pos, field, value };
}

function parsePut(ts: TokenStream, pos: Action['pos']): Action {
  ts.expectOp('(');
  const key = parseExpression(ts);
  ts.expectOp(',');
  const value = parseExpression(ts);
  ts.expectOp(')');
  return { kind: 'put', pos, key, value };
}

/** Log arguments are parsed for syntax but never evaluated. */
function skipArguments(ts: TokenStream): void {
  ts.expectOp('(');
  if (!ts.isOp(')')) {
    do parseExpression(ts);
    while (ts.acceptOp(','));
  }
  ts.expectOp(')');
}

/** `;` ends a statement; like MVEL, a line break does too. */
function endStatement(ts: TokenStream, startLine: number): void {
  if (ts.acceptOp(';') || ts.isWord('end')) return;
  if (ts.peek().pos.line > startLine) return;
  ts.fail(`expected ';' but found '${ts.peek().text}'`);
}
