import { Decimal } from 'decimal.js';
import { banyanFault, fault } from '../errors.js';

/**
 * Java numeric semantics on JS values. A JS number is an int/long when integral and a double
 * otherwise, unless the compiler knows statically that it came from a real literal (`real`).
 * A decimal.js `Decimal` is a Java BigDecimal; any operation with one is done in BigDecimal.
 */
export type Num = number | Decimal;

// Arithmetic runs on a high-precision clone so +, -, * are exact (as with BigDecimal); results
// are re-wrapped as plain `Decimal` instances so callers' `instanceof Decimal` holds.
const Big = Decimal.clone({ precision: 1000, rounding: Decimal.ROUND_HALF_UP });

/** Scale of BigDecimal division results (Banyan's choice; documented in docs/expressions.md). */
export const DIVISION_SCALE = 10;

// Long.MAX_VALUE as the nearest double (2^63), the value a saturating (long) cast yields in JS.
const LONG_MAX = 2 ** 63;

export function isDecimal(v: unknown): v is Decimal {
  return typeof v === 'object' && v !== null && Decimal.isDecimal(v);
}

export function isNumeric(v: unknown): v is Num {
  return typeof v === 'number' || isDecimal(v);
}

export function toDecimal(v: Num): Decimal {
  return new Decimal(v);
}

function big(v: Num): Decimal {
  return new Big(v);
}

/** Java int/long vs double for a runtime number with an optional static "is real" hint. */
export function isIntegral(v: number, real: boolean): boolean {
  return !real && Number.isInteger(v);
}

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';

export function arithmetic(op: ArithmeticOperator, l: Num, r: Num, real: boolean, at: number): Num {
  if (typeof l === 'number' && typeof r === 'number') {
    switch (op) {
      case '+':
        return l + r;
      case '-':
        return l - r;
      case '*':
        return l * r;
      case '/':
        if (isIntegral(l, real) && Number.isInteger(r)) {
          if (r === 0) throw banyanFault(at, 'EVALUATION_ERROR', 'Division by zero');
          return Math.trunc(l / r) + 0;
        }
        return l / r;
      case '%':
        if (isIntegral(l, real) && Number.isInteger(r)) {
          if (r === 0) throw banyanFault(at, 'EVALUATION_ERROR', 'Division by zero');
          return (l % r) + 0;
        }
        return l % r;
    }
  }
  return decimalArithmetic(op, big(l), big(r), at);
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
      if (b.isZero()) throw banyanFault(at, 'EVALUATION_ERROR', 'Division by zero');
      return new Decimal(a.div(b).toDecimalPlaces(DIVISION_SCALE, Decimal.ROUND_HALF_UP));
    case '%':
      if (b.isZero()) throw banyanFault(at, 'EVALUATION_ERROR', 'Division by zero');
      // decimal.js's default modulo mode truncates, like Java's BigDecimal.remainder.
      return new Decimal(a.mod(b));
  }
}

/**
 * Spring's OpPower: BigDecimal base → BigDecimal.pow(int); a real operand → Math.pow; otherwise
 * an int, or a long (saturating, as Java's `(long) double` cast) when the result leaves int range.
 */
export function power(l: Num, r: Num, real: boolean, maxDigits: number, at: number): Num {
  if (isDecimal(l)) {
    const n = typeof r === 'number' ? r : r.toNumber();
    if (!Number.isInteger(n) || n < 0) throw fault(at, 'OPERATOR_NOT_SUPPORTED_BETWEEN_TYPES', 'BigDecimal power needs a non-negative int exponent');
    // Result digits ≈ exponent × base digits: refuse before computing something enormous.
    if (n * Math.max(1, l.precision(true)) > maxDigits) throw banyanFault(at, 'LIMIT_EXCEEDED', 'Power result would be too large');
    return new Decimal(big(l).pow(n));
  }
  const a = l;
  const b = typeof r === 'number' ? r : r.toNumber();
  const d = Math.pow(a, b);
  if (real || !Number.isInteger(a) || !Number.isInteger(b)) return d;
  if (Number.isNaN(d)) return 0;
  return Math.max(-LONG_MAX, Math.min(LONG_MAX, d));
}

export function compareNumbers(l: Num, r: Num): number {
  if (typeof l === 'number' && typeof r === 'number') return l < r ? -1 : l > r ? 1 : 0;
  return big(l).comparedTo(big(r));
}

export function negate(v: Num): Num {
  if (typeof v === 'number') return v === 0 ? 0 : -v;
  return new Decimal(v.negated());
}

/** HALF_UP rounding at `scale` decimals, exact for numbers too (BigDecimal.valueOf semantics). */
export function roundHalfUp(v: Num, scale: number): Num {
  const rounded = big(v).toDecimalPlaces(scale, Decimal.ROUND_HALF_UP);
  return typeof v === 'number' ? rounded.toNumber() : new Decimal(rounded);
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
