/** Compiles conditional elements to lazy matchers: each yields the variable bindings of one match. */
import { Decimal } from 'decimal.js';
import { EngineError } from '../types.js';
import type { ConditionalElement, Constraint, Expr, PatternSource } from './ast.js';
import { compileExpr, type Env, type Evaluator, type Scope } from './expression-compiler.js';
import { Budget, Dec, asBoolean, isNumeric, toDec, typeName } from './values.js';

/** What a rule matches against: the customer fact and its transactions (working memory). */
export interface WorkingMemory {
  readonly customer: Readonly<Record<string, unknown>>;
  readonly transactions: readonly unknown[];
  readonly budget: Budget;
}

export type Matcher = (env: Env, wm: WorkingMemory) => Iterable<Env>;

const CUSTOMER_TYPES: ReadonlySet<string> = new Set(['Customer', 'CustomerPayload', 'CustomerProfile']);
const NUMBER_TYPES: ReadonlySet<string> = new Set(['Number', 'Integer', 'Long', 'Double', 'BigDecimal', 'Object']);
const TEST_KINDS: ReadonlySet<Expr['kind']> = new Set(['in', 'collection']);
const TEST_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=', '&&', '||']);

export function compileCe(ce: ConditionalElement, scope: Scope): Matcher {
  switch (ce.kind) {
    case 'pattern':
      return compilePattern(ce, scope);
    case 'and': {
      const parts = ce.elements.map((e) => compileCe(e, scope));
      const chain = function* (i: number, env: Env, wm: WorkingMemory): Generator<Env> {
        const part = parts[i];
        if (part === undefined) {
          yield env;
          return;
        }
        for (const next of part(env, wm)) yield* chain(i + 1, next, wm);
      };
      return (env, wm) => chain(0, env, wm);
    }
    case 'or': {
      // Drools turns `or` into one sub-rule per branch; bindings made in a branch stay visible after.
      const branches = ce.elements.map((e) => compileCe(e, scope));
      return function* (env, wm) {
        for (const b of branches) yield* b(env, wm);
      };
    }
    case 'not':
    case 'exists': {
      // Bindings inside not/exists are local to it.
      const inner = compileCe(ce.element, { ...scope, vars: new Map(scope.vars) });
      const wanted = ce.kind === 'exists';
      return function* (env, wm) {
        let found = false;
        for (const _ of inner(env, wm)) {
          found = true;
          break;
        }
        if (found === wanted) yield env;
      };
    }
    case 'eval': {
      const test = compileExpr(ce.expr, { ...scope, fact: undefined });
      const pos = ce.pos;
      return function* (env, wm) {
        if (asBoolean(test({ env, fact: null, budget: wm.budget }), pos)) yield env;
      };
    }
  }
}

type Candidates = (env: Env, wm: WorkingMemory) => Iterable<unknown>;

function compilePattern(ce: Extract<ConditionalElement, { kind: 'pattern' }>, scope: Scope): Matcher {
  const isCustomer = CUSTOMER_TYPES.has(ce.type) && ce.source.kind !== 'accumulate';
  const candidates = compileSource(ce.type, ce.source, ce.pos, scope);
  const factScope: Scope = { ...scope, fact: isCustomer ? 'customer' : 'other' };
  const patternSlot = ce.binding === undefined ? undefined : bind(scope, ce.binding, isCustomer);
  const steps = ce.constraints.map((c) => compileConstraint(c, factScope));
  const pos = ce.pos;
  return function* (env, wm) {
    for (const fact of candidates(env, wm)) {
      wm.budget.tick(pos);
      const next = env.slice();
      if (patternSlot !== undefined) next[patternSlot] = fact;
      const frame = { env: next, fact, budget: wm.budget };
      if (steps.every((step) => step(frame, next))) yield next;
    }
  };
}

function bind(scope: Scope, name: string, customer: boolean): number {
  const existing = scope.vars.get(name);
  if (existing) return existing.slot;
  const slot = scope.rule.slots++;
  scope.vars.set(name, { slot, customer });
  return slot;
}

/** A constraint: a test, a binding (`$inc : annualIncome`), or both (`$a : amount > 5` binds `amount`). */
function compileConstraint(c: Constraint, scope: Scope): (frame: Parameters<Evaluator>[0], env: unknown[]) => boolean {
  const isTest = TEST_KINDS.has(c.expr.kind) || (c.expr.kind === 'binary' && TEST_OPS.has(c.expr.op)) || (c.expr.kind === 'unary' && c.expr.op === '!');
  if (c.binding === undefined) {
    const test = compileExpr(c.expr, scope);
    const pos = c.pos;
    return (frame) => asBoolean(test(frame), pos);
  }
  const subject = isTest ? bindingSubject(c.expr) : c.expr;
  const value = compileExpr(subject, scope);
  const slot = bind(scope, c.binding, subject.kind === 'field' && subject.name === 'this' && scope.fact === 'customer');
  const test = isTest ? compileExpr(c.expr, scope) : undefined;
  const pos = c.pos;
  return (frame, env) => {
    env[slot] = value(frame);
    return test === undefined || asBoolean(test(frame), pos);
  };
}

function bindingSubject(e: Expr): Expr {
  if (e.kind === 'binary' && (e.op === '&&' || e.op === '||')) return bindingSubject(e.left);
  if (e.kind === 'binary') return e.left;
  if (e.kind === 'in') return e.value;
  if (e.kind === 'collection') return e.left;
  return e;
}

function compileSource(type: string, source: PatternSource, pos: Constraint['pos'], scope: Scope): Candidates {
  switch (source.kind) {
    case 'facts':
      if (CUSTOMER_TYPES.has(type)) return (_env, wm) => [wm.customer];
      if (type === 'Transaction') {
        scope.rule.fields.add('transactionHistory');
        return (_env, wm) => wm.transactions;
      }
      throw new EngineError('TYPE_ERROR', `unknown fact type '${type}': working memory holds Customer and Transaction facts (use 'from' for others)`, pos);
    case 'from': {
      const expr = compileExpr(source.expr, { ...scope, fact: undefined });
      return (env, wm) => {
        const v = expr({ env, fact: null, budget: wm.budget });
        if (v === null || v === undefined) return [];
        return Array.isArray(v) ? v : [v];
      };
    }
    case 'accumulate': {
      if (!NUMBER_TYPES.has(type)) throw new EngineError('NOT_SUPPORTED', `accumulate results are numbers: use Number( ... ), not ${type}`, pos);
      return compileAccumulate(source, scope);
    }
  }
}

function compileAccumulate(source: Extract<PatternSource, { kind: 'accumulate' }>, scope: Scope): Candidates {
  const innerScope: Scope = { ...scope, vars: new Map(scope.vars) };
  const input = compileCe(source.input, innerScope);
  const arg = source.arg === undefined ? undefined : compileExpr(source.arg, { ...innerScope, fact: undefined });
  const { fn, pos } = source;
  if (fn !== 'count' && arg === undefined) throw new EngineError('SYNTAX_ERROR', `${fn}() needs an argument`, pos);
  return (env, wm) => {
    let count = 0;
    let numbers = 0;
    let acc: Decimal | undefined;
    for (const match of input(env, wm)) {
      wm.budget.tick(pos);
      count++;
      if (fn === 'count' || arg === undefined) continue;
      const v = arg({ env: match, fact: null, budget: wm.budget });
      if (v === null || v === undefined) continue;
      if (!isNumeric(v)) throw new EngineError('TYPE_ERROR', `${fn}() needs numbers, got ${typeName(v)}`, pos);
      const d = toDec(v);
      numbers++;
      if (acc === undefined) acc = d;
      else if (fn === 'sum' || fn === 'average') acc = acc.plus(d);
      else if (fn === 'min') acc = Decimal.min(acc, d);
      else acc = Decimal.max(acc, d);
    }
    if (fn === 'count') return [new Dec(count)];
    if (fn === 'sum') return [acc ?? new Dec(0)];
    if (acc === undefined) return [];
    return [fn === 'average' ? acc.div(numbers) : acc];
  };
}
