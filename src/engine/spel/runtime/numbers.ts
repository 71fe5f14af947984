import { Decimal } from 'decimal.js';
import { banyanFault, fault } from '../errors.js';

/**
 * Java numeric semantics on JS values. A plain JS number is an int when integral and in 32-bit
 * range, a long when integral beyond it, and a double otherwise (as Jackson reads JSON numbers).
 * A double whose value is integral (`1.0`, `2.5 * 2`) is boxed as a `JavaDouble` inside the
 * evaluator, so `5.0` stays a double (`'' + 5.0` is `5.0`, `{1.0}.contains(1)` is false); the box
 * never leaves `evaluate` (see `exportValue`). A decimal.js `Decimal` is a Java BigDecimal.
 */
export class JavaDouble {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
}

export type Num = number | Decimal | JavaDouble;

/** Java's kind of a numeric value; `long` also when the static type says so (a `10L` literal). */
export type NumberKind = 'int' | 'long' | 'double' | 'decimal';

// Arithmetic runs on a high-precision clone so +, -, * are exact (as with BigDecimal); results
// are re-wrapped as plain `Decimal` instances so callers' `instanceof Decimal` holds.
const Big = Decimal.clone({ precision: 1000, rounding: Decimal.ROUND_HALF_UP });

/** Scale of BigDecimal division results (Banyan's choice; documented in docs/expressions.md). */
export const DIVISION_SCALE = 10;

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

export function isDecimal(v: unknown): v is Decimal {
  return typeof v === 'object' && v !== null && Decimal.isDecimal(v);
}

export function isNumeric(v: unknown): v is Num {
  return typeof v === 'number' || v instanceof JavaDouble || isDecimal(v);
}

/** The JS number of an int/long/double (a BigDecimal is rounded to the nearest double). */
export function num(v: Num): number {
  return typeof v === 'number' ? v : v instanceof JavaDouble ? v.value : v.toNumber();
}

/** A double result: boxed when integral (or -0), so it keeps printing and comparing as a double. */
export function double(v: number): number | JavaDouble {
  return Number.isInteger(v) ? new JavaDouble(v) : v;
}

export function kindOf(v: Num, long = false): NumberKind {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return 'double';
    return long || v < INT_MIN || v > INT_MAX ? 'long' : 'int';
  }
  return v instanceof JavaDouble ? 'double' : 'decimal';
}

export function toDecimal(v: Num): Decimal {
  return isDecimal(v) ? v : new Decimal(num(v));
}

function big(v: Num): Decimal {
  return new Big(isDecimal(v) ? v : num(v));
}

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';

function divisionByZero(at: number) {
  return banyanFault(at, 'EVALUATION_ERROR', 'Division by zero');
}

/** Java long arithmetic: exact while safe, else computed in 64 bits and wrapped. */
function longArithmetic(op: ArithmeticOperator, l: number, r: number, at: number): number {
  if ((op === '/' || op === '%') && r === 0) throw divisionByZero(at);
  const exact = op === '+' ? l + r : op === '-' ? l - r : op === '*' ? l * r : op === '/' ? Math.trunc(l / r) : l % r;
  if (Number.isSafeInteger(exact)) return exact + 0;
  const a = BigInt(l);
  const b = BigInt(r);
  const x = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
  return Number(BigInt.asIntN(64, x));
}

/** Java int arithmetic: 32-bit two's complement, wrapping on overflow. */
function intArithmetic(op: ArithmeticOperator, l: number, r: number, at: number): number {
  switch (op) {
    case '+':
      return (l + r) | 0;
    case '-':
      return (l - r) | 0;
    case '*':
      return Math.imul(l, r);
    case '/':
      if (r === 0) throw divisionByZero(at);
      return (l / r) | 0;
    case '%':
      if (r === 0) throw divisionByZero(at);
      return (l % r) | 0;
  }
}

/**
 * Spring's binary numeric promotion: BigDecimal if either is one, else double, else long (either
 * long, by value or static type), else int. `long` carries the static "is a long literal" hint.
 */
export function arithmetic(op: ArithmeticOperator, l: Num, r: Num, long: boolean, at: number): Num {
  const lk = kindOf(l, long);
  const rk = kindOf(r, long);
  if (lk === 'decimal' || rk === 'decimal') return decimalArithmetic(op, big(l), big(r), at);
  const a = num(l);
  const b = num(r);
  if (lk === 'double' || rk === 'double') {
    // Java's double arithmetic is IEEE 754, as JavaScript's: x / 0 is ±Infinity or NaN.
    return double(op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b);
  }
  if (lk === 'long' || rk === 'long') return longArithmetic(op, a, b, at);
  return intArithmetic(op, a, b, at);
}

function decimalArithmetic(op: ArithmeticOperator, a: Decimal, b: Decimal, at: number): Decimal {
  switch (op) {
    case '+':
      return new Decimal(a.plus(b));
    case '-':
      return new Decimal(a.minus(b));
    case '*':
      return new Decimal(a.times(b));
    case '/':
      if (b.isZero()) throw divisionByZero(at);
      return new Decimal(a.div(b).toDecimalPlaces(DIVISION_SCALE, Decimal.ROUND_HALF_UP));
    case '%':
      if (b.isZero()) throw divisionByZero(at);
      // decimal.js's default modulo mode truncates, like Java's BigDecimal.remainder.
      return new Decimal(a.mod(b));
  }
}

/** Java's saturating `(int)` / `(long)` casts of a double. */
function castInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  return Math.max(INT_MIN, Math.min(INT_MAX, Math.trunc(d))) + 0;
}
function castLong(d: number): number {
  if (Number.isNaN(d)) return 0;
  return Math.max(-(2 ** 63), Math.min(2 ** 63, Math.trunc(d))) + 0;
}

/**
 * Spring's OpPower: BigDecimal base → BigDecimal.pow(int); a double operand → Math.pow; a long
 * → `(long) Math.pow`; ints → `Math.pow`, as a long when above int range, else `(int)`.
 */
export function power(l: Num, r: Num, long: boolean, maxDigits: number, at: number): Num {
  if (isDecimal(l)) {
    const n = num(r);
    if (!Number.isInteger(n) || n < 0) throw fault(at, 'OPERATOR_NOT_SUPPORTED_BETWEEN_TYPES', 'BigDecimal power needs a non-negative int exponent');
    // Result digits ≈ exponent × base digits: refuse before computing something enormous.
    if (n * Math.max(1, l.precision(true)) > maxDigits) throw banyanFault(at, 'LIMIT_EXCEEDED', 'Power result would be too large');
    return new Decimal(big(l).pow(n));
  }
  const lk = kindOf(l, long);
  const rk = kindOf(r, long);
  const d = Math.pow(num(l), num(r));
  if (lk === 'double' || rk === 'double' || rk === 'decimal') return double(d);
  if (lk === 'long' || rk === 'long') return castLong(d);
  return d > INT_MAX ? castLong(d) : castInt(d);
}

export function compareNumbers(l: Num, r: Num): number {
  if (!isDecimal(l) && !isDecimal(r)) {
    const a = num(l);
    const b = num(r);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return big(l).comparedTo(big(r));
}

/**
 * Unary minus: ints and longs wrap (`-(-2147483648)` is itself); a double is `0 - x`, as Spring's
 * OpMinus computes it (so `-0.0` is `0.0`).
 */
export function negate(v: Num, long = false): Num {
  if (v instanceof JavaDouble) return new JavaDouble(0 - v.value);
  if (typeof v === 'number') {
    const k = kindOf(v, long);
    if (k === 'double') return 0 - v;
    if (k === 'int') return -v | 0;
    return v === -(2 ** 63) ? v : -v + 0;
  }
  return new Decimal(v.negated());
}

/** HALF_UP rounding at `scale` decimals, exact for numbers too (BigDecimal.valueOf semantics). */
export function roundHalfUp(v: Num, scale: number): Num {
  const rounded = big(v).toDecimalPlaces(scale, Decimal.ROUND_HALF_UP);
  return isDecimal(v) ? new Decimal(rounded) : rounded.toNumber();
}

/** Java Double.toString: `2.0`, `0.001`, `1.0E7`, `6.0221415E23`. */
export function javaDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(n);
  if (abs === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa = '', exponent = '0'] = n.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}
