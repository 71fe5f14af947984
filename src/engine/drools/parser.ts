import { EngineError, type Diagnostic, type SourcePosition } from '../types.js';
import type { DrlFile, RuleAttributes, RuleDecl } from './ast.js';
import { tokenize } from './lexer.js';
import { parseLhs } from './lhs-parser.js';
import { parseRhs } from './rhs-parser.js';
import { TokenStream, describe } from './tokens.js';

const UNSUPPORTED_TOP: ReadonlySet<string> = new Set(['query', 'declare', 'function', 'template', 'attributes', 'unit']);
const UNSUPPORTED_ATTRIBUTES: ReadonlySet<string> = new Set(['agenda-group', 'ruleflow-group', 'timer', 'calendars', 'duration']);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export interface ParseResult {
  readonly file: DrlFile;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parse DRL text. Errors inside a rule are collected and parsing resumes after that rule's `end`,
 * so one pass reports every broken rule.
 */
export function parseDrl(source: string, maxDepth: number): ParseResult {
  const ts = new TokenStream(tokenize(source), maxDepth);
  const diagnostics: Diagnostic[] = [];
  const rules: RuleDecl[] = [];
  const globals: { type: string; name: string }[] = [];
  let packageName: string | undefined;
  while (ts.peek().kind !== 'eof') {
    const t = ts.peek();
    if (ts.acceptWord('package')) {
      packageName = ts.qualifiedName('a package name');
    } else if (ts.acceptWord('import')) {
      if (!ts.acceptWord('function')) ts.acceptWord('static');
      ts.qualifiedName('an import');
      if (ts.acceptOp('.')) ts.expectOp('*');
    } else if (ts.acceptWord('global')) {
      const type = ts.qualifiedName('a global type');
      globals.push({ type, name: ts.expectIdent('a global name').text });
    } else if (ts.acceptWord('dialect')) {
      ts.next();
    } else if (ts.isWord('rule')) {
      try {
        ts.resetDepth();
        rules.push(parseRule(ts));
      } catch (err) {
        if (!(err instanceof EngineError)) throw err;
        diagnostics.push(...err.diagnostics);
        while (ts.peek().kind !== 'eof' && !ts.isWord('end')) ts.next();
        ts.next();
      }
    } else if (t.kind === 'ident' && UNSUPPORTED_TOP.has(t.text)) {
      ts.fail(`'${t.text}' is not supported`, t.pos, 'NOT_SUPPORTED');
    } else {
      ts.fail(`expected package, import, global or rule but found ${describe(t)}`);
    }
    ts.acceptOp(';');
  }
  const seen = new Map<string, SourcePosition>();
  for (const r of rules) {
    if (seen.has(r.name)) diagnostics.push({ code: 'SYNTAX_ERROR', message: `duplicate rule name "${r.name}"`, position: r.pos });
    seen.set(r.name, r.pos);
  }
  return { file: { packageName, globals, rules }, diagnostics };
}

function parseRule(ts: TokenStream): RuleDecl {
  const pos = ts.expectWord('rule').pos;
  const nameToken = ts.next();
  if (nameToken.kind !== 'string' && nameToken.kind !== 'ident') ts.fail(`expected a rule name but found ${describe(nameToken)}`, nameToken.pos);
  if (nameToken.value.trim() === '') ts.fail('rule name must not be empty', nameToken.pos);
  if (ts.isWord('extends')) ts.fail("'extends' is not supported", undefined, 'NOT_SUPPORTED');
  const attributes = parseAttributes(ts);
  const when = ts.acceptWord('when') ? parseLhs(ts) : ({ kind: 'and', pos: ts.peek().pos, elements: [] } as const);
  ts.expectWord('then');
  const then = parseRhs(ts);
  ts.expectWord('end');
  return { pos, name: nameToken.value, attributes, when, then };
}

function parseAttributes(ts: TokenStream): RuleAttributes {
  let salience = 0;
  let enabled = true;
  let noLoop = false;
  let activationGroup: string | undefined;
  let dateEffective: Date | undefined;
  let dateExpires: Date | undefined;
  while (!ts.isWord('when') && !ts.isWord('then')) {
    const t = ts.peek();
    if (t.kind !== 'ident') ts.fail(`expected a rule attribute, 'when' or 'then' but found ${describe(t)}`);
    const name = ts.hyphenatedWord();
    switch (name) {
      case 'salience': {
        const negative = ts.acceptOp('-');
        const n = ts.next();
        if (n.kind !== 'number' || !/^\d+$/.test(n.value)) ts.fail('salience must be an integer (dynamic salience is not supported)', n.pos, 'NOT_SUPPORTED');
        salience = (negative ? -1 : 1) * Number(n.value);
        break;
      }
      case 'enabled':
        enabled = booleanValue(ts, name);
        break;
      case 'no-loop':
        noLoop = optionalBoolean(ts);
        break;
      case 'lock-on-active':
      case 'auto-focus':
        optionalBoolean(ts);
        break;
      case 'dialect':
        stringValue(ts, name);
        break;
      case 'activation-group':
        activationGroup = stringValue(ts, name);
        break;
      case 'date-effective':
      case 'date-expires': {
        const s = ts.peek();
        const d = parseDrlDate(stringValue(ts, name));
        if (d === undefined) ts.fail(`${name}: expected a date like "01-Jan-2026" or "2026-01-01"`, s.pos);
        if (name === 'date-effective') dateEffective = d;
        else dateExpires = d;
        break;
      }
      default:
        if (UNSUPPORTED_ATTRIBUTES.has(name)) ts.fail(`rule attribute '${name}' is not supported`, t.pos, 'NOT_SUPPORTED');
        ts.fail(`unknown rule attribute '${name}'`, t.pos);
    }
    ts.acceptOp(',');
  }
  return { salience, enabled, noLoop, activationGroup, dateEffective, dateExpires };
}

function booleanValue(ts: TokenStream, name: string): boolean {
  const t = ts.next();
  if (t.kind !== 'ident' || (t.text !== 'true' && t.text !== 'false')) ts.fail(`${name} expects true or false`, t.pos);
  return t.text === 'true';
}

function optionalBoolean(ts: TokenStream): boolean {
  if (ts.isWord('true') || ts.isWord('false')) return ts.next().text === 'true';
  return true;
}

function stringValue(ts: TokenStream, name: string): string {
  const t = ts.next();
  if (t.kind !== 'string') ts.fail(`${name} expects a string`, t.pos);
  return t.value;
}

/** Drools' default date format `dd-MMM-yyyy` (e.g. `01-Jan-2026`), or ISO `yyyy-MM-dd[THH:mm[:ss]]`; UTC. */
export function parseDrlDate(text: string): Date | undefined {
  const drools = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (drools) {
    const month = MONTHS.indexOf((drools[2] ?? '').toLowerCase());
    if (month < 0) return undefined;
    const d = new Date(Date.UTC(Number(drools[3]), month, Number(drools[1])));
    return d.getUTCDate() === Number(drools[1]) ? d : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(text)) return undefined;
  const d = new Date(text.length === 10 ? `${text}T00:00:00Z` : `${text}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
