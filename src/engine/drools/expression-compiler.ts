/** Compiles expression nodes to closures over a frame (bound variables + the current fact). */
import { RE2JS } from 're2js';
import { MAX_MATCH_INPUT, matchUnits } from '../budget.js';
import { EngineError, type SourcePosition } from '../types.js';
import type { Expr } from './ast.js';
import { Budget, Dec, METHODS, arithmetic, asBoolean, callMethod, compareValues, containsValue, getProperty, negate, typeName, valuesEqual } from './values.js';

/** Bound variables by slot; unset slots (a variable bound in another `or` branch) read as null. */
export type Env = readonly unknown[];

export interface Frame {
  readonly env: Env;
  readonly fact: unknown;
  readonly budget: Budget;
}

export type Evaluator = (frame: Frame) => unknown;

export interface VarInfo {
  readonly slot: number;
  /** The variable holds the customer fact, so `$c.x` reads customer field `x`. */
  readonly customer: boolean;
}

/** Compile-time scope: variables visible here and what the current fact is. */
export interface Scope {
  readonly vars: Map<string, VarInfo>;
  /** undefined: no current fact (RHS, eval, `from` sources); field names are then errors. */
  readonly fact: 'customer' | 'other' | undefined;
  readonly rule: RuleCompileState;
}

/** Shared by every scope of one rule. */
export interface RuleCompileState {
  slots: number;
  readonly fields: Set<string>;
}

const REGEX_CACHE_SIZE = 64;

function compileRegex(pattern: string, pos: SourcePosition): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (err) {
    throw new EngineError('EVALUATION_ERROR', `invalid regular expression: ${err instanceof Error ? err.message : String(err)}`, pos);
  }
}

export function compileExpr(e: Expr, scope: Scope): Evaluator {
  switch (e.kind) {
    case 'literal': {
      const value = e.numeric && typeof e.value === 'string' ? new Dec(e.value) : e.value;
      return () => value;
    }
    case 'field': {
      if (scope.fact === undefined) throw new EngineError('SYNTAX_ERROR', `unknown name '${e.name}' (use a bound $variable here)`, e.pos);
      if (e.name === 'this') return (f) => f.fact;
      if (scope.fact === 'customer') scope.rule.fields.add(e.name);
      const { name, pos } = e;
      return (f) => getProperty(f.fact, name, pos);
    }
    case 'var': {
      const info = scope.vars.get(e.name);
      if (info === undefined) throw new EngineError('SYNTAX_ERROR', `unknown variable '${e.name}'`, e.pos);
      const { slot } = info;
      return (f) => f.env[slot] ?? null;
    }
    case 'member': {
      recordCustomerField(e.object, e.name, scope);
      const object = compileExpr(e.object, scope);
      const { name, pos } = e;
      return (f) => getProperty(object(f), name, pos);
    }
    case 'call': {
      const getter = /^(get|is)([A-Z].*)$/.exec(e.name);
      if (!METHODS.has(e.name) && !(getter && e.args.length === 0)) {
        throw new EngineError('NOT_SUPPORTED', `method '${e.name}' is not supported`, e.pos);
      }
      if (getter) {
        const prop = getter[2] ?? '';
        recordCustomerField(e.object, prop.charAt(0).toLowerCase() + prop.slice(1), scope);
      }
      const object = compileExpr(e.object, scope);
      const args = e.args.map((a) => compileExpr(a, scope));
      const { name, pos } = e;
      return (f) => {
        const target = object(f);
        const values = args.map((a) => a(f));
        // contains/startsWith/toUpperCase… scan the receiver: charged by its size (size() is not).
        if (name !== 'size' && name !== 'length' && name !== 'isEmpty') f.budget.touch(pos, target, values[0]);
        return callMethod(target, name, values, pos);
      };
    }
    case 'unary': {
      const operand = compileExpr(e.operand, scope);
      const pos = e.pos;
      return e.op === '!' ? (f) => !asBoolean(operand(f), pos) : (f) => negate(operand(f), pos);
    }
    case 'binary':
      return compileBinary(e, scope);
    case 'in': {
      const value = compileExpr(e.value, scope);
      const list = e.list.map((x) => compileExpr(x, scope));
      const negated = e.negated;
      return (f) => {
        const v = value(f);
        return list.some((x) => valuesEqual(v, x(f))) !== negated;
      };
    }
    case 'collection':
      return compileCollection(e, scope);
  }
}

function recordCustomerField(object: Expr, name: string, scope: Scope): void {
  if (object.kind === 'var' && scope.vars.get(object.name)?.customer) scope.rule.fields.add(name);
  if (object.kind === 'field' && object.name === 'this' && scope.fact === 'customer') scope.rule.fields.add(name);
}

function compileBinary(e: Extract<Expr, { kind: 'binary' }>, scope: Scope): Evaluator {
  const left = compileExpr(e.left, scope);
  const right = compileExpr(e.right, scope);
  const pos = e.pos;
  switch (e.op) {
    case '&&':
      return (f) => asBoolean(left(f), pos) && asBoolean(right(f), pos);
    case '||':
      return (f) => asBoolean(left(f), pos) || asBoolean(right(f), pos);
    case '==':
      return (f) => {
        const a = left(f);
        const b = right(f);
        if (typeof a === 'string' || typeof b === 'string') f.budget.touch(pos, a, b);
        return valuesEqual(a, b);
      };
    case '!=':
      return (f) => {
        const a = left(f);
        const b = right(f);
        if (typeof a === 'string' || typeof b === 'string') f.budget.touch(pos, a, b);
        return !valuesEqual(a, b);
      };
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const test = { '<': (c: number) => c < 0, '<=': (c: number) => c <= 0, '>': (c: number) => c > 0, '>=': (c: number) => c >= 0 }[e.op];
      return (f) => {
        const a = left(f);
        const b = right(f);
        if (typeof a === 'string' && typeof b === 'string') f.budget.touch(pos, a, b);
        const c = compareValues(a, b, pos);
        return c !== undefined && test(c);
      };
    }
    default: {
      const op = e.op;
      return (f) => arithmetic(op, left(f), right(f), pos, f.budget);
    }
  }
}

function compileCollection(e: Extract<Expr, { kind: 'collection' }>, scope: Scope): Evaluator {
  const left = compileExpr(e.left, scope);
  const right = compileExpr(e.right, scope);
  const { negated, pos } = e;
  const wrap =
    (test: (a: unknown, b: unknown, f: Frame) => boolean): Evaluator =>
    (f) =>
      test(left(f), right(f), f) !== negated;
  switch (e.op) {
    // `contains … from` over the same list is quadratic: each test is charged the size it scans.
    case 'contains':
      return wrap((a, b, f) => {
        f.budget.touch(pos, a, b);
        return containsValue(a, b, pos);
      });
    case 'memberOf':
      return wrap((a, b, f) => {
        f.budget.touch(pos, b, a);
        return containsValue(b, a, pos);
      });
    case 'startsWith':
    case 'endsWith': {
      const starts = e.op === 'startsWith';
      return wrap((a, b, f) => {
        if (typeof a !== 'string' || typeof b !== 'string') return false;
        f.budget.touch(pos, b);
        return starts ? a.startsWith(b) : a.endsWith(b);
      });
    }
    case 'length':
      return wrap((a, b) => typeof a === 'string' && valuesEqual(a.length, b));
    case 'matches': {
      // Java's String.matches: the whole input must match. RE2 runs in linear time.
      const fixed = e.right.kind === 'literal' && typeof e.right.value === 'string' ? compileRegex(e.right.value, e.right.pos) : undefined;
      const cache = new Map<string, RE2JS>();
      const regexFor = (pattern: unknown): RE2JS => {
        if (fixed) return fixed;
        if (typeof pattern !== 'string') throw new EngineError('TYPE_ERROR', `'matches' needs a string pattern, got ${typeName(pattern)}`, pos);
        let re = cache.get(pattern);
        if (re === undefined) {
          re = compileRegex(pattern, pos);
          if (cache.size >= REGEX_CACHE_SIZE) cache.clear();
          cache.set(pattern, re);
        }
        return re;
      };
      return wrap((a, b, f) => {
        if (a === null || a === undefined) return false;
        if (typeof a !== 'string') throw new EngineError('TYPE_ERROR', `'matches' needs a string, got ${typeName(a)}`, pos);
        if (a.length > MAX_MATCH_INPUT)
          throw new EngineError('LIMIT_EXCEEDED', `'matches' input of ${a.length} characters exceeds the limit of ${MAX_MATCH_INPUT}`, pos);
        f.budget.tick(pos, matchUnits(a.length));
        return regexFor(b).matches(a);
      });
    }
  }
}
