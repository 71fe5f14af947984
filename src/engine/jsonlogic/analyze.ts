/**
 * Static pass over a JSONLogic rule, run before json-logic-engine ever sees it: enforces the
 * sandbox (depth, size, known operators, no prototype paths), collects what the rule reads, infers
 * the result type, and rewrites iterator inputs so their size is checked at run time.
 *
 * Positions are JSON paths into the rule (`$.and[1].>=[0]`), since a rule is a JSON value.
 */
import { EngineError, type Diagnostic, type ResultType } from '../types.js';

/** Property names that would reach host objects through the prototype chain. */
/** Deepest scope climb (`{"val": [[n], …]}`) a rule may ask for; real rules use 1–3. */
export const MAX_SCOPE_CLIMB = 32;

/** The climb of a `[n]` scope prefix, or undefined when the first argument is not one. */
export function scopeClimb(first: unknown): unknown {
  return Array.isArray(first) && first.length === 1 ? first[0] : undefined;
}

export function climbAllowed(climb: unknown): boolean {
  const n = typeof climb === 'number' ? Math.abs(climb) : Number.NaN;
  return Number.isInteger(n) && n <= MAX_SCOPE_CLIMB;
}

export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['constructor', '__proto__', 'prototype']);

/** Operators whose first argument is the collection they iterate; rewritten to pass through the guard. */
const ITERATORS = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none', 'every']);
/** Operators whose body (2nd+ argument) runs with each element as its data. */
const SCOPED_BODY = ITERATORS;
/** Operators whose argument is a path into the data. */
const PATH_READERS = new Set(['var', 'val', 'exists', 'missing', 'missing_some', 'get']);

const BOOLEAN_OPS = new Set(['==', '===', '!=', '!==', '<', '<=', '>', '>=', '!', '!!', 'not', 'in', 'all', 'every', 'some', 'none', 'exists']);
const NUMBER_OPS = new Set(['+', '-', '*', '/', '%', 'min', 'max', 'length', 'daysSince', 'daysBetween']);
const STRING_OPS = new Set(['cat', 'substr', 'now']);
const LIST_OPS = new Set(['map', 'filter', 'merge', 'missing', 'missing_some', 'keys']);
const MONEY_OPS = new Set(['money.add', 'money.sub', 'money.mul', 'money.div', 'money.round']);

/** The guard operator inserted in front of iterator inputs (not callable from user rules). */
export const GUARD_OPERATOR = '$banyanGuard';

export interface JsonLogicAnalysis {
  /** The rule with iterator inputs wrapped in the guard operator; what gets compiled. */
  readonly rewritten: unknown;
  readonly fields: readonly string[];
  readonly variables: readonly string[];
  readonly operators: readonly string[];
  readonly resultType: ResultType;
  /** Serialized size of the rule (characters of its JSON). */
  readonly size: number;
}

export interface AnalyzeLimits {
  readonly maxDepth: number;
  readonly maxSourceLength: number;
}

/** A user error found by the analysis; the JSON path says where. */
export function jsonLogicError(code: string, message: string, path: string): EngineError {
  const diag: Diagnostic = { code, message: `${message} at ${path}`, path };
  return new EngineError(code, diag.message, undefined, [diag]);
}

function key(path: string, k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) || /^[^.[\]]+$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
}

/** Splits a `var` path as json-logic-engine does (`.` separator, `\.` escape) for the forbidden-segment check. */
function pathSegments(p: string): string[] {
  return p
    .replace(/^(\.\.\/)+/, '')
    .split(/(?<!\\)\./)
    .map((s) => s.replace(/\\\./g, '.'));
}

function checkSegment(seg: unknown, path: string): void {
  if (typeof seg === 'string' && FORBIDDEN_SEGMENTS.has(seg)) {
    throw jsonLogicError('NOT_SUPPORTED', `property "${seg}" is not accessible`, path);
  }
}

/**
 * Analyses (and validates) a rule. Throws EngineError for the first problem found: LIMIT_EXCEEDED
 * (depth/size), UNKNOWN_FUNCTION (unknown operator), NOT_SUPPORTED (prototype path).
 */
export function analyzeRule(rule: unknown, knownOperators: ReadonlySet<string>, limits: AnalyzeLimits): JsonLogicAnalysis {
  const fields = new Set<string>();
  const variables = new Set<string>();
  const operators = new Set<string>();
  let size = 0;

  const bump = (n: number, path: string): void => {
    size += n;
    if (size > limits.maxSourceLength) {
      throw jsonLogicError('LIMIT_EXCEEDED', `rule is larger than ${limits.maxSourceLength} characters`, path);
    }
  };

  const walk = (node: unknown, path: string, depth: number, rootScope: boolean): unknown => {
    if (depth > limits.maxDepth) throw jsonLogicError('LIMIT_EXCEEDED', `rule is nested deeper than ${limits.maxDepth}`, path);
    if (node === null || typeof node !== 'object') {
      if (typeof node === 'string') bump(node.length + 2, path);
      else if (typeof node === 'number' || typeof node === 'boolean' || node === null) bump(String(node).length, path);
      else throw jsonLogicError('TYPE_ERROR', `a rule may only hold JSON values, found ${typeof node}`, path);
      return node;
    }
    if (Array.isArray(node)) {
      bump(2 + node.length, path);
      return node.map((item, i) => walk(item, `${path}[${i}]`, depth + 1, rootScope));
    }
    const proto: unknown = Object.getPrototypeOf(node);
    if (proto !== Object.prototype && proto !== null) {
      throw jsonLogicError('TYPE_ERROR', 'a rule may only hold JSON values (plain objects, arrays, scalars)', path);
    }
    const keys = Object.keys(node);
    if (keys.length === 0) return node;
    if (keys.length > 1) {
      throw jsonLogicError('SYNTAX_ERROR', `an operation object must have exactly one key, found ${keys.length} (${keys.slice(0, 3).join(', ')})`, path);
    }
    const op = keys[0] as string;
    bump(op.length + 4, path);
    if (!knownOperators.has(op)) throw jsonLogicError('UNKNOWN_FUNCTION', `unknown operator "${op}"`, path);
    operators.add(op);
    const argPath = key(path, op);
    const args: unknown = (node as Record<string, unknown>)[op];

    if (op === 'preserve') {
      walkData(args, argPath, depth + 1);
      return node;
    }
    if (PATH_READERS.has(op)) collectPath(op, args, argPath, rootScope);
    if (op === 'variable') collectVariable(args);

    if ((op === 'and' || op === 'or') && Array.isArray(args) && args.length === 0) return false;
    if (SCOPED_BODY.has(op) && Array.isArray(args)) {
      const out = args.map((a, i) => walk(a, `${argPath}[${i}]`, depth + 1, i === 0 ? rootScope : false));
      // A null mapper/predicate is an error (compat-tables), not a constant function.
      if ((op === 'map' || op === 'filter') && args[1] === null) return { throw: 'Invalid Arguments' };
      // A literal null collection is an error; so is a missing one for all/some/none (compat-tables),
      // while map/filter/reduce over a missing variable yield []/initial (jsonlogic.com tests).
      const strict = args[0] === null ? op !== 'reduce' : op === 'all' || op === 'some' || op === 'none' || op === 'every';
      if (out.length > 0) out[0] = { [GUARD_OPERATOR]: [out[0], strict, bodyWeight(args.slice(1))] };
      return { [op]: out };
    }
    return { [op]: walk(args, argPath, depth + 1, rootScope) };
  };

  // `preserve` holds data: walk it only for the depth/size/type checks.
  const walkData = (node: unknown, path: string, depth: number): void => {
    if (depth > limits.maxDepth) throw jsonLogicError('LIMIT_EXCEEDED', `rule is nested deeper than ${limits.maxDepth}`, path);
    if (node === null || typeof node !== 'object') {
      bump(typeof node === 'string' ? node.length + 2 : String(node).length, path);
      return;
    }
    const entries = Array.isArray(node) ? node.map((v, i) => [`[${i}]`, v] as const) : Object.entries(node).map(([k, v]) => [`.${k}`, v] as const);
    bump(2, path);
    for (const [k, v] of entries) walkData(v, path + k, depth + 1);
  };

  const collectPath = (op: string, args: unknown, path: string, rootScope: boolean): void => {
    const literal = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';
    // `val` / `exists` may start with a scope climb `[n]`; json-logic-engine loops n times, so a
    // huge n would hang the evaluator. Literal climbs are checked here, computed ones at run time.
    if ((op === 'val' || op === 'exists') && Array.isArray(args)) {
      const climb = scopeClimb(args[0]);
      if (climb !== undefined && !climbAllowed(climb))
        throw jsonLogicError('LIMIT_EXCEEDED', `scope climb ${JSON.stringify(climb) ?? String(climb)} is out of range (0..${MAX_SCOPE_CLIMB})`, path);
    }
    if (op === 'var' || op === 'exists' || op === 'get') {
      const target = op === 'get' ? (Array.isArray(args) ? args[1] : undefined) : Array.isArray(args) ? args[0] : args;
      if (typeof target === 'string') {
        for (const seg of pathSegments(target)) checkSegment(seg, path);
        if (rootScope && op !== 'get' && target !== '' && !target.startsWith('../')) fields.add(target);
      }
      if (op === 'exists' && Array.isArray(args)) args.forEach((a) => checkSegment(a, path));
      return;
    }
    if (op === 'val') {
      const parts = Array.isArray(args) ? args : [args];
      parts.forEach((a) => checkSegment(a, path));
      if (rootScope && parts.length > 0 && parts.every(literal) && !Array.isArray(parts[0])) fields.add(parts.join('.'));
      return;
    }
    // missing / missing_some: lists of paths
    const list = op === 'missing_some' ? (Array.isArray(args) ? args[1] : undefined) : args;
    const names = Array.isArray(list) ? list : [list];
    for (const n of names) {
      if (typeof n === 'string') {
        for (const seg of pathSegments(n)) checkSegment(seg, path);
        if (rootScope) fields.add(n);
      }
    }
  };

  const collectVariable = (args: unknown): void => {
    const name = Array.isArray(args) ? args[0] : args;
    if (typeof name === 'string' && name !== '') variables.add(name.split('.')[0] as string);
  };

  const rewritten = walk(rule, '$', 0, true);
  return {
    rewritten,
    fields: [...fields],
    variables: [...variables],
    operators: [...operators],
    resultType: inferType(rule),
    size,
  };
}

/** Operators in an iterator's body: the per-element charge (at least 1). */
function bodyWeight(node: unknown): number {
  let n = 0;
  const count = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) count(x);
      return;
    }
    for (const k of Object.keys(v)) {
      n++;
      count((v as Record<string, unknown>)[k]);
    }
  };
  count(node);
  return Math.max(1, n);
}

function inferType(rule: unknown): ResultType {
  if (rule === null) return 'null';
  if (typeof rule === 'boolean') return 'boolean';
  if (typeof rule === 'number') return 'number';
  if (typeof rule === 'string') return 'string';
  if (Array.isArray(rule)) return 'list';
  if (typeof rule !== 'object') return 'unknown';
  const keys = Object.keys(rule);
  if (keys.length !== 1) return 'map';
  const op = keys[0] as string;
  const args: unknown = (rule as Record<string, unknown>)[op];
  if (BOOLEAN_OPS.has(op)) return 'boolean';
  if (NUMBER_OPS.has(op) || MONEY_OPS.has(op)) return 'number';
  if (STRING_OPS.has(op)) return 'string';
  if (LIST_OPS.has(op)) return 'list';
  if (op === 'preserve') return inferType(Array.isArray(args) || (args !== null && typeof args === 'object') ? [] : args);
  if (op === 'and' || op === 'or' || op === '??') return same(Array.isArray(args) ? args.map(inferType) : []);
  if (op === 'if' || op === '?:') {
    const a = Array.isArray(args) ? args : [];
    const branches = a.filter((_, i) => i % 2 === 1 || i === a.length - 1);
    return same(branches.map(inferType));
  }
  return 'unknown';
}

function same(types: ResultType[]): ResultType {
  const first = types[0];
  return first !== undefined && types.every((t) => t === first) ? first : 'unknown';
}
