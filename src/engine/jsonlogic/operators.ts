/**
 * Banyan's JSONLogic operators and sandbox guards, registered on json-logic-engine instances.
 *
 * Custom operators (documented in docs/engine.md):
 * - `{"now": []}` → the injected clock (EvaluateOptions.now) as an ISO-8601 UTC string.
 * - `{"daysSince": [date]}` → whole days from `date` to now (floored).
 * - `{"daysBetween": [from, to]}` → whole days from `from` to `to` (floored; negative if `to` is earlier).
 *   Dates are ISO strings (`2024-01-15`, `2024-01-15T10:00:00Z`; no zone = UTC), epoch milliseconds or Date.
 * - `{"variable": "name.path"}` / `{"variable": ["name", default]}` → a host/tree variable (`#name` in SpEL).
 * - `money.add|sub|mul` (n-ary), `money.div` (a, b), `money.round` (a, scale = 2, HALF_UP): exact decimal
 *   arithmetic. They accept numbers, numeric strings and Decimals and return decimal.js `Decimal`s,
 *   so chained money operators never touch binary floating point. JSON output writes them as numbers.
 *
 * Evaluation state (clock, variables, step budget) is module-level: evaluation is synchronous and the
 * compiled expression sets it on entry and restores it on exit.
 */
import { sizeUnits, type EvaluationBudget } from '../budget.js';
import { Decimal, isDecimal, roundMoney, toDecimal } from '../decimal.js';
import { EngineError } from '../types.js';
import { climbAllowed, FORBIDDEN_SEGMENTS, GUARD_OPERATOR, MAX_SCOPE_CLIMB, scopeClimb } from './analyze.js';

export interface EvalState {
  now: Date | undefined;
  variables: Readonly<Record<string, unknown>> | undefined;
  steps: number;
  maxSteps: number;
  maxCollectionSize: number;
  /** The host's shared budget (deadline), when the caller gave one. */
  budget: EvaluationBudget | undefined;
}

export const state: EvalState = { now: undefined, variables: undefined, steps: 0, maxSteps: 100_000, maxCollectionSize: 100_000, budget: undefined };

/** Charges work units against the step limit and the host's budget. */
export function charge(units: number): void {
  state.steps += units;
  if (state.steps > state.maxSteps) throw new EngineError('LIMIT_EXCEEDED', `evaluation exceeded ${state.maxSteps} steps`);
  if (state.budget !== undefined) state.budget.spend(units);
}

const DAY_MS = 86_400_000;

type Args = unknown;
/** The subset of json-logic-engine's LogicEngine that Banyan uses. */
export interface LogicEngineLike {
  methods: Record<string, unknown>;
  addMethod(
    name: string,
    method: ((args: Args) => unknown) | Record<string | symbol, unknown>,
    annotations?: { deterministic?: boolean; optimizeUnary?: boolean },
  ): void;
  build(logic: unknown, options?: { top?: boolean }): (data?: unknown) => unknown;
  truthy(value: unknown): unknown;
}

function list(args: Args): unknown[] {
  return Array.isArray(args) ? args : [args];
}

function toEpochMs(value: unknown, what: string): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const s = /^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(value) ? (value.length === 10 ? `${value}T00:00:00Z` : `${value}Z`) : value;
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new EngineError('TYPE_ERROR', `${what} is not a date: ${JSON.stringify(value) ?? String(value)}`);
}

function nowMs(): number {
  // Set by every evaluate call (EvaluateOptions.now is required): the engine reads no clock.
  if (state.now === undefined) throw new EngineError('INVALID_PARAMETER', 'no "now": evaluate needs options.now');
  return state.now.getTime();
}

function readVariable(args: Args): unknown {
  const [name, fallback] = list(args);
  if (typeof name !== 'string') throw new EngineError('TYPE_ERROR', 'variable name must be a string');
  let current: unknown = state.variables;
  for (const seg of name.split('.')) {
    if (FORBIDDEN_SEGMENTS.has(seg)) throw new EngineError('NOT_SUPPORTED', `property "${seg}" is not accessible`);
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, seg)) return fallback ?? null;
    current = (current as Record<string, unknown>)[seg];
  }
  return current === undefined || typeof current === 'function' ? (fallback ?? null) : current;
}

/** JSONLogic's "Invalid Arguments" error (compat-tables expects that type). */
export function invalidArguments(): EngineError {
  return Object.assign(new EngineError('EVALUATION_ERROR', 'Invalid Arguments'), { type: 'Invalid Arguments' });
}

/**
 * In front of every iterator's collection (inserted by analyze.ts): charges the iterations times
 * the body's weight (its operator count), as SpEL charges a selection's criteria per element.
 */
function guard(args: Args): unknown {
  const [value, strict, weight] = list(args);
  if (strict === true && (value === null || value === undefined)) throw invalidArguments();
  if (Array.isArray(value)) {
    if (value.length > state.maxCollectionSize) {
      throw new EngineError('LIMIT_EXCEEDED', `collection of ${value.length} items exceeds the limit of ${state.maxCollectionSize}`);
    }
    charge(value.length * (typeof weight === 'number' && weight > 1 ? weight : 1));
  }
  return value;
}

/**
 * Operators whose cost grows with their inputs (`in` scans a list or string, `cat` copies,
 * `+`/`min`/`max` fold a list): charged the size they touch, so an `in` inside a `some` over the
 * same list is charged n² and stopped by the step limit. Comparisons are lazy in
 * json-logic-engine (they get unevaluated arguments) and stay uncharged: only strings make them
 * linear, and the iterator charge (length × body weight) bounds how often they run.
 */
const SIZED_OPERATORS = ['in', 'cat', 'substr', 'merge', 'keys', 'missing', 'missing_some', 'min', 'max', '+', '*', '-', '/', '%'];

/** The arguments scanned (a list spread into `max`/`+` is its length) plus what each touches. */
function argUnits(args: unknown): number {
  if (!Array.isArray(args)) return sizeUnits(args);
  let units = args.length > 8 ? args.length : 0;
  for (const a of args) units += sizeUnits(a);
  return units;
}

function chargeSized(engine: LogicEngineLike, name: string): void {
  const original = engine.methods[name];
  if (original === undefined) return;
  const call =
    typeof original === 'function'
      ? (original as (args: unknown, ...rest: unknown[]) => unknown)
      : (original as { method: (args: unknown, ...rest: unknown[]) => unknown }).method;
  const deterministic = (original as { deterministic?: boolean }).deterministic === true;
  const optimizeUnary = (original as { optimizeUnary?: boolean }).optimizeUnary === true;
  // Dropping `compile` keeps json-logic-engine from inlining the operator past the charge.
  engine.addMethod(
    name,
    (args: unknown, ...rest: unknown[]) => {
      const units = argUnits(args);
      if (units > 0) charge(units);
      return call(args, ...rest);
    },
    { deterministic, optimizeUnary },
  );
}

const money = {
  'money.add': (args: Args) => list(args).reduce<Decimal>((acc, v) => acc.plus(toDecimal(v, 'money.add operand')), new Decimal(0)),
  'money.mul': (args: Args) => list(args).reduce<Decimal>((acc, v) => acc.times(toDecimal(v, 'money.mul operand')), new Decimal(1)),
  'money.sub': (args: Args) => {
    const [a, ...rest] = list(args);
    return rest.reduce<Decimal>((acc, v) => acc.minus(toDecimal(v, 'money.sub operand')), toDecimal(a, 'money.sub operand'));
  },
  'money.div': (args: Args) => {
    const [a, b] = list(args);
    const divisor = toDecimal(b, 'money.div divisor');
    if (divisor.isZero()) throw new EngineError('EVALUATION_ERROR', 'money.div: division by zero');
    return toDecimal(a, 'money.div dividend').dividedBy(divisor);
  },
  'money.round': (args: Args) => {
    const [a, scale] = list(args);
    const s = scale === undefined || scale === null ? 2 : Number(scale);
    if (!Number.isInteger(s) || s < 0 || s > 20) throw new EngineError('TYPE_ERROR', 'money.round scale must be an integer 0..20');
    return roundMoney(toDecimal(a, 'money.round operand'), s);
  },
};

/** Decimal versions of the arithmetic operators, for money mode (`decimal: true`). */
const decimalArithmetic = {
  '+': (args: Args) => money['money.add'](args),
  '*': (args: Args) => money['money.mul'](args),
  '-': (args: Args) => {
    const a = list(args);
    return a.length === 1 ? toDecimal(a[0], '- operand').negated() : money['money.sub'](a);
  },
  '/': (args: Args) => money['money.div'](args),
  '%': (args: Args) => {
    const [a, b] = list(args);
    const d = toDecimal(b, '% divisor');
    if (d.isZero()) throw new EngineError('EVALUATION_ERROR', 'modulo by zero');
    return toDecimal(a, '% dividend').mod(d);
  },
  min: (args: Args) => (list(args).length === 0 ? null : Decimal.min(...list(args).map((v) => toDecimal(v, 'min operand')))),
  max: (args: Args) => (list(args).length === 0 ? null : Decimal.max(...list(args).map((v) => toDecimal(v, 'max operand')))),
};

/** Wraps a path-reading operator so dynamic (computed) paths cannot reach prototypes either. */
function guardPaths(engine: LogicEngineLike, name: string, pick: (args: unknown[]) => unknown[]): void {
  const original = engine.methods[name] as Record<string | symbol, unknown> & { method: (...a: unknown[]) => unknown };
  const method = (args: unknown, ...rest: unknown[]): unknown => {
    if (name === 'val' || name === 'exists') {
      const climb = scopeClimb(list(args)[0]);
      if (climb !== undefined && !climbAllowed(climb))
        throw new EngineError('LIMIT_EXCEEDED', `scope climb ${JSON.stringify(climb) ?? String(climb)} is out of range (0..${MAX_SCOPE_CLIMB})`);
    }
    for (const p of pick(list(args))) {
      const segs = typeof p === 'string' ? p.split('.') : [p];
      for (const seg of segs) {
        if (typeof seg === 'string' && FORBIDDEN_SEGMENTS.has(seg.replace(/^(\.\.\/)+/, ''))) {
          throw new EngineError('NOT_SUPPORTED', `property "${seg}" is not accessible`);
        }
      }
    }
    return original.method(args, ...rest);
  };
  engine.methods[name] = { ...original, method };
}

/** Installs Banyan's operators and guards on a fresh engine. */
export function installOperators(engine: LogicEngineLike, decimalMode: boolean): void {
  // Truthiness per the current JSONLogic spec (compat-tables): every object, even `{}`, is truthy.
  engine.truthy = (value: unknown): unknown => {
    if (!value) return value;
    if (Array.isArray(value)) return value.length > 0;
    return value;
  };
  // `substr` on a non-string (`{"substr": [42, 0, 1]}`) works on its string form instead of crashing.
  const substr = engine.methods.substr as (args: unknown[]) => unknown;
  engine.addMethod(
    'substr',
    (args: unknown) => {
      const [str, ...rest] = list(args);
      return substr([str === null || str === undefined ? '' : typeof str === 'object' ? JSON.stringify(str) : String(str), ...rest]);
    },
    { deterministic: true },
  );
  guardPaths(engine, 'var', (a) => [a[0]]);
  guardPaths(engine, 'val', (a) => a.flat());
  guardPaths(engine, 'exists', (a) => a.flat());
  guardPaths(engine, 'get', (a) => [a[1]]);
  const nondeterministic = { deterministic: false };
  engine.addMethod(GUARD_OPERATOR, guard, nondeterministic);
  engine.addMethod('variable', readVariable, nondeterministic);
  engine.addMethod('now', () => new Date(nowMs()).toISOString(), nondeterministic);
  engine.addMethod('daysSince', (args: Args) => Math.floor((nowMs() - toEpochMs(list(args)[0], 'daysSince argument')) / DAY_MS), nondeterministic);
  engine.addMethod(
    'daysBetween',
    (args: Args) => {
      const [a, b] = list(args);
      return Math.floor((toEpochMs(b, 'daysBetween end') - toEpochMs(a, 'daysBetween start')) / DAY_MS);
    },
    nondeterministic,
  );
  for (const [name, fn] of Object.entries(money)) engine.addMethod(name, fn, nondeterministic);
  if (decimalMode) for (const [name, fn] of Object.entries(decimalArithmetic)) engine.addMethod(name, fn, nondeterministic);
  for (const name of SIZED_OPERATORS) chargeSized(engine, name);
}

export { isDecimal };
