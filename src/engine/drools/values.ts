/**
 * Runtime value semantics for DRL constraints and actions: Java-like equality and ordering,
 * decimal arithmetic (BigDecimal with MathContext.DECIMAL128, as MVEL does), and property access
 * that only ever reads own data properties of plain objects.
 */
import { Decimal } from 'decimal.js';
import { sizeUnits, type EvaluationBudget } from '../budget.js';
import { EngineError, type SourcePosition } from '../types.js';
import { FORBIDDEN_NAMES } from './tokens.js';

export const Dec = Decimal.clone({ precision: 34, rounding: Decimal.ROUND_HALF_EVEN });

/** Mutable per-evaluation state: the step limit, and the host's shared budget (deadline) if any. */
export class Budget {
  private steps = 0;
  constructor(
    readonly maxSteps: number,
    readonly maxCollectionSize: number,
    private readonly shared?: EvaluationBudget,
  ) {}

  tick(pos: SourcePosition | undefined, n = 1): void {
    this.steps += n;
    if (this.steps > this.maxSteps) {
      throw new EngineError('LIMIT_EXCEEDED', `evaluation exceeded ${this.maxSteps} steps`, pos);
    }
    if (this.shared !== undefined) this.shared.spend(n, pos);
  }

  /** Charges what an operation on `a` and `b` scans (lists by length, long strings by length / 64). */
  touch(pos: SourcePosition, a: unknown, b?: unknown): void {
    const units = sizeUnits(a) + sizeUnits(b);
    if (units > 0) this.tick(pos, units);
  }
}

export function isDecimal(v: unknown): v is Decimal {
  return Decimal.isDecimal(v);
}

export function isNumeric(v: unknown): v is number | Decimal {
  return (typeof v === 'number' && Number.isFinite(v)) || isDecimal(v);
}

export function toDec(v: number | Decimal): Decimal {
  return isDecimal(v) ? new Dec(v) : new Dec(v);
}

function numericString(v: unknown): Decimal | undefined {
  if (typeof v !== 'string' || !/^\s*-?\d+(\.\d+)?\s*$/.test(v)) return undefined;
  return new Dec(v.trim());
}

/** Both sides as decimals when they are numbers (a numeric string is coerced, as MVEL does). */
function numericPair(a: unknown, b: unknown): [Decimal, Decimal] | undefined {
  if (isNumeric(a) && isNumeric(b)) return [toDec(a), toDec(b)];
  if (isNumeric(a)) {
    const nb = numericString(b);
    return nb ? [toDec(a), nb] : undefined;
  }
  if (isNumeric(b)) {
    const na = numericString(a);
    return na ? [na, toDec(b)] : undefined;
  }
  return undefined;
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (isNumeric(v)) return 'number';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'object' : typeof v;
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  const nums = numericPair(a, b);
  if (nums) return nums[0].eq(nums[1]);
  return a === b;
}

/** Ordering; `undefined` when either side is null (the constraint is then false, not an error). */
export function compareValues(a: unknown, b: unknown, pos: SourcePosition): number | undefined {
  if (a === null || a === undefined || b === null || b === undefined) return undefined;
  const nums = numericPair(a, b);
  if (nums) return nums[0].cmp(nums[1]);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new EngineError('TYPE_ERROR', `cannot compare ${typeName(a)} with ${typeName(b)}`, pos);
}

export function arithmetic(op: string, a: unknown, b: unknown, pos: SourcePosition, budget: Budget): unknown {
  if (op === '+' && (typeof a === 'string' || typeof b === 'string')) {
    budget.touch(pos, a, b);
    const s = display(a) + display(b);
    if (s.length > budget.maxCollectionSize) throw new EngineError('LIMIT_EXCEEDED', `string longer than ${budget.maxCollectionSize}`, pos);
    return s;
  }
  // Null propagates: a missing input makes the constraint false instead of failing the evaluation.
  if (a === null || a === undefined || b === null || b === undefined) return null;
  const nums = numericPair(a, b);
  if (!nums) throw new EngineError('TYPE_ERROR', `operator '${op}' needs numbers, got ${typeName(a)} and ${typeName(b)}`, pos);
  const [x, y] = nums;
  switch (op) {
    case '+':
      return x.plus(y);
    case '-':
      return x.minus(y);
    case '*':
      return x.times(y);
    case '/':
    case '%':
      if (y.isZero()) throw new EngineError('EVALUATION_ERROR', 'division by zero', pos);
      return op === '/' ? x.div(y) : x.mod(y);
    default:
      throw new EngineError('NOT_SUPPORTED', `operator '${op}'`, pos);
  }
}

export function negate(v: unknown, pos: SourcePosition): unknown {
  if (v === null || v === undefined) return null;
  if (isNumeric(v)) return toDec(v).neg();
  throw new EngineError('TYPE_ERROR', `cannot negate ${typeName(v)}`, pos);
}

/** A constraint's verdict. Null (a missing boolean field) is false; anything else non-boolean is a type error. */
export function asBoolean(v: unknown, pos: SourcePosition): boolean {
  if (typeof v === 'boolean') return v;
  if (v === null || v === undefined) return false;
  throw new EngineError('TYPE_ERROR', `expected a boolean but got ${typeName(v)}`, pos);
}

export function display(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (isDecimal(v)) return v.toString();
  if (typeof v === 'object') return JSON.stringify(v) ?? 'null';
  return String(v);
}

const NUMBER_PROPERTIES: ReadonlySet<string> = new Set(['intValue', 'longValue', 'doubleValue', 'floatValue']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Read `name` from a fact or value. Only own properties of plain objects are visible, so
 * prototype members are unreachable; null propagates (like MVEL's `!.`).
 */
export function getProperty(obj: unknown, name: string, pos: SourcePosition): unknown {
  if (FORBIDDEN_NAMES.has(name)) throw new EngineError('NOT_SUPPORTED', `property '${name}' is not accessible`, pos);
  if (obj === null || obj === undefined) return null;
  if (isPlainObject(obj)) {
    return Object.hasOwn(obj, name) ? (obj[name] ?? null) : null;
  }
  if (isNumeric(obj) && NUMBER_PROPERTIES.has(name)) {
    return name === 'intValue' || name === 'longValue' ? toDec(obj).trunc() : obj;
  }
  if (Array.isArray(obj) || typeof obj === 'string') {
    if (name === 'size' || name === 'length') return obj.length;
    if (name === 'empty') return obj.length === 0;
  }
  throw new EngineError('TYPE_ERROR', `${typeName(obj)} has no property '${name}'`, pos);
}

export const METHODS: ReadonlySet<string> = new Set([
  'size',
  'length',
  'isEmpty',
  'toUpperCase',
  'toLowerCase',
  'trim',
  'startsWith',
  'endsWith',
  'contains',
  'equals',
  'intValue',
  'longValue',
  'doubleValue',
  'floatValue',
]);

/** Whitelisted methods; `getX()`/`isX()` read property `x`. */
export function callMethod(obj: unknown, name: string, args: readonly unknown[], pos: SourcePosition): unknown {
  const getter = /^(get|is)([A-Z].*)$/.exec(name);
  if (getter && args.length === 0) {
    const prop = getter[2] ?? '';
    return getProperty(obj, prop.charAt(0).toLowerCase() + prop.slice(1), pos);
  }
  if (obj === null || obj === undefined) return null;
  const [arg] = args;
  switch (name) {
    case 'size':
    case 'length':
    case 'isEmpty':
      if (Array.isArray(obj) || typeof obj === 'string') return name === 'isEmpty' ? obj.length === 0 : obj.length;
      break;
    case 'toUpperCase':
    case 'toLowerCase':
    case 'trim':
      if (typeof obj === 'string') return name === 'trim' ? obj.trim() : name === 'toUpperCase' ? obj.toUpperCase() : obj.toLowerCase();
      break;
    case 'startsWith':
    case 'endsWith':
      if (typeof obj === 'string' && typeof arg === 'string') return name === 'startsWith' ? obj.startsWith(arg) : obj.endsWith(arg);
      break;
    case 'contains':
      return containsValue(obj, arg, pos);
    case 'equals':
      return valuesEqual(obj, arg);
    default:
      if (NUMBER_PROPERTIES.has(name)) return getProperty(obj, name, pos);
  }
  throw new EngineError('TYPE_ERROR', `${typeName(obj)} has no method '${name}' with these arguments`, pos);
}

export function containsValue(container: unknown, item: unknown, pos: SourcePosition): boolean {
  if (container === null || container === undefined) return false;
  if (Array.isArray(container)) return container.some((e) => valuesEqual(e, item));
  if (typeof container === 'string') {
    if (typeof item !== 'string') return false;
    return container.includes(item);
  }
  throw new EngineError('TYPE_ERROR', `'contains' needs a list or string, got ${typeName(container)}`, pos);
}

/** A value as it leaves the engine: decimals become numbers (rounded HALF_UP to `scale` when given). */
export function toOutput(v: unknown, scale?: number): unknown {
  if (isDecimal(v)) return (scale === undefined ? v : v.toDecimalPlaces(scale, Decimal.ROUND_HALF_UP)).toNumber();
  if (typeof v === 'number' && scale !== undefined) return new Dec(v).toDecimalPlaces(scale, Decimal.ROUND_HALF_UP).toNumber();
  return v;
}
