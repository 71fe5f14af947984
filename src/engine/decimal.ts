/**
 * Money arithmetic. Amounts are never binary floating point: they are decimal.js values from a
 * private Decimal clone (34 significant digits, like Java's MathContext.DECIMAL128, HALF_UP),
 * rounded HALF_UP at the currency's scale, as the Java original does with BigDecimal.
 */
import { Decimal as DecimalJs } from 'decimal.js';
import { EngineError } from './types.js';

/** Banyan's Decimal constructor: precision 34, ROUND_HALF_UP. Independent of the global one. */
export const Decimal = DecimalJs.clone({ precision: 34, rounding: DecimalJs.ROUND_HALF_UP, toExpNeg: -21, toExpPos: 21 });
export type Decimal = InstanceType<typeof Decimal>;

/** True for any decimal.js instance (any clone), which all share one prototype chain shape. */
/**
 * The largest amount (money, discount, reward, event amount) Banyan accepts anywhere: a trillion.
 * In minor units (× 100, or × 10^4 for campaign limits) it stays well below 2^53, so amounts that
 * pass through JavaScript numbers (limits in minor units, JSON numbers) stay exact.
 */
export const MAX_AMOUNT = 1_000_000_000_000;

/** The longest validity an offer may have: 100 years (`validDays`). */
export const MAX_VALID_DAYS = 36_500;

export function isDecimal(value: unknown): value is Decimal {
  return value instanceof Decimal || DecimalJs.isDecimal(value);
}

/**
 * Converts a number, numeric string, bigint or Decimal to a Decimal.
 * Numbers go through their shortest round-trip string (`0.1` → exactly `0.1`), not their binary value.
 * @throws EngineError TYPE_ERROR for anything else (null, NaN, Infinity, `'abc'`, objects).
 */
export function toDecimal(value: unknown, what = 'value'): Decimal {
  if (value instanceof Decimal) return value;
  if (DecimalJs.isDecimal(value)) return new Decimal((value as InstanceType<typeof DecimalJs>).toString());
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new EngineError('TYPE_ERROR', `${what} must be a finite number, got ${String(value)}`);
    return new Decimal(value);
  }
  if (typeof value === 'bigint') return new Decimal(value.toString());
  if (typeof value === 'string') {
    const s = value.trim();
    if (s !== '' && /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return new Decimal(s);
    throw new EngineError('TYPE_ERROR', `${what} must be a decimal number, got the string ${JSON.stringify(value.slice(0, 40))}`);
  }
  const shown = value === null ? 'null' : value === undefined ? 'undefined' : typeof value;
  throw new EngineError('TYPE_ERROR', `${what} must be a decimal number, got ${shown}`);
}

/** Rounds HALF_UP (away from zero on .5) to `scale` decimal places (default 2). */
export function roundMoney(value: Decimal, scale = 2): Decimal {
  return value.toDecimalPlaces(scale, Decimal.ROUND_HALF_UP);
}

const ZERO_DECIMAL_CURRENCIES = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF', 'PYG']);
const THREE_DECIMAL_CURRENCIES = new Set(['BHD', 'KWD', 'OMR', 'JOD', 'TND', 'IQD', 'LYD']);

/** Minor-unit scale of an ISO-4217 currency: JPY/KRW 0, BHD/KWD… 3, everything else (TWD, USD…) 2. */
export function currencyScale(currency: string | undefined): number {
  if (!currency) return 2;
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL_CURRENCIES.has(code)) return 0;
  if (THREE_DECIMAL_CURRENCIES.has(code)) return 3;
  return 2;
}

/** Converts a (rounded) Decimal to a JS number for the JSON edge; only at the very end. */
export function decimalToNumber(value: Decimal): number {
  return value.toNumber();
}

// ---------------------------------------------------------------------------------------------
// Exact integer fast path (minor units). Used by the compiled tree's fast path; every function
// returns NaN when it cannot be exact, and the caller then falls back to decimal.js.
// ---------------------------------------------------------------------------------------------

const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Decimals with fewer than 16 significant digits map to distinct doubles (DBL_DIG = 15). */
const DIGITS_15 = 1e15;

/** 10^n for 0 ≤ n ≤ 22 (exact doubles). */
export function pow10(n: number): number {
  return POW10[n] ?? Number.NaN;
}

/**
 * `x` as an integer count of 10^-scale units, exactly as decimal.js reads the number (its
 * shortest round-trip string), or NaN when that decimal needs more than `scale` decimals or more
 * than 15 significant digits.
 *
 * Why exact: m / 10^scale is the correctly rounded double of m·10^-scale; if it equals `x`, the
 * decimal m·10^-scale (≤ 15 significant digits) rounds to `x`, and it is the only such decimal of
 * ≤ 15 digits, so it is the value of `x`'s shortest representation.
 *
 * @example toScaledInteger(1234.5, 2) // 123450
 * @example toScaledInteger(0.125, 2)  // NaN (needs 3 decimals)
 */
export function toScaledInteger(x: number, scale: number): number {
  const p = POW10[scale];
  if (p === undefined) return Number.NaN;
  const m = Math.round(x * p);
  return m < DIGITS_15 && m > -DIGITS_15 && m / p === x ? m + 0 : Number.NaN;
}

/** The smallest scale ≤ maxScale at which `x` is an exact scaled integer, or -1. */
export function decimalScaleOf(x: number, maxScale = 6): number {
  for (let s = 0; s <= maxScale; s++) if (!Number.isNaN(toScaledInteger(x, s))) return s;
  return -1;
}

/**
 * round-half-up(n / d) for a safe integer n ≥ 0 and an integer d ≥ 1 (d ≤ 2^53): HALF_UP rounding
 * of a non-negative scaled integer to fewer decimals. NaN when n is not a safe non-negative integer.
 */
export function divideHalfUp(n: number, d: number): number {
  if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER)) return Number.NaN;
  let q = Math.floor(n / d);
  let r = n - q * d;
  if (r < 0) {
    q -= 1;
    r += d;
  } else if (r >= d) {
    q += 1;
    r -= d;
  }
  return r * 2 >= d ? q + 1 : q;
}
