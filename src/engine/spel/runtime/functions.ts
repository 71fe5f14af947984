import { Decimal } from 'decimal.js';
import type { ResultType } from '../../types.js';
import { fault } from '../errors.js';
import { arithmetic, compareNumbers, isDecimal, isNumeric, JavaDouble, roundHalfUp, toDecimal, type Num } from './numbers.js';
import { asIterable, typeName } from './values.js';

const DAY_MS = 86_400_000;

export interface FunctionContext {
  readonly now: Date;
  readonly decimal: boolean;
  readonly at: number;
}

export interface SpelFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly resultType: ResultType;
  call(args: readonly unknown[], ctx: FunctionContext): unknown;
}

/**
 * Dates are ISO strings (or Date objects). A date-time without a zone is read as UTC so results
 * never depend on the server's time zone.
 */
function toEpochMs(v: unknown, ctx: FunctionContext): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const text = /^\d{4}-\d{2}-\d{2}T[^Z+]*$/.test(v) && !/[+-]\d{2}:?\d{2}$/.test(v.slice(10)) ? `${v}Z` : v;
    const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
    if (!Number.isNaN(ms)) return ms;
  }
  throw fault(ctx.at, 'TYPE_CONVERSION_ERROR', `Cannot convert '${String(v)}' (${typeName(v)}) to a date`);
}

/** Whole days (truncated toward zero), as Java's ChronoUnit.DAYS.between. */
function daysBetween(from: unknown, to: unknown, ctx: FunctionContext): number {
  return Math.trunc((toEpochMs(to, ctx) - toEpochMs(from, ctx)) / DAY_MS) + 0;
}

function numbers(args: readonly unknown[], ctx: FunctionContext): Num[] {
  const list = args.length === 1 ? (asIterable(args[0]) ?? args) : args;
  return list.map((v) => {
    if (!isNumeric(v)) throw fault(ctx.at, 'TYPE_CONVERSION_ERROR', `Cannot convert '${String(v)}' (${typeName(v)}) to a number`);
    return v;
  });
}

function extreme(sign: 1 | -1) {
  return (args: readonly unknown[], ctx: FunctionContext): unknown => {
    const xs = numbers(args, ctx);
    let best: Num | null = null;
    for (const x of xs) if (best === null || compareNumbers(x, best) * sign > 0) best = x;
    return best;
  };
}

export const FUNCTIONS: Readonly<Record<string, SpelFunction>> = {
  daysSince: { minArgs: 1, maxArgs: 1, resultType: 'number', call: ([d], ctx) => (d === null || d === undefined ? null : daysBetween(d, ctx.now, ctx)) },
  daysBetween: {
    minArgs: 2,
    maxArgs: 2,
    resultType: 'number',
    call: ([a, b], ctx) => (a === null || a === undefined || b === null || b === undefined ? null : daysBetween(a, b, ctx)),
  },
  now: { minArgs: 0, maxArgs: 0, resultType: 'string', call: (_args, ctx) => ctx.now.toISOString() },
  sum: {
    minArgs: 1,
    maxArgs: Infinity,
    resultType: 'number',
    call: (args, ctx) => {
      const xs = numbers(args, ctx);
      const exact = ctx.decimal || xs.some((x) => isDecimal(x));
      let total: Num = exact ? new Decimal(0) : 0;
      for (const x of xs) total = arithmetic('+', exact ? toDecimal(total) : total, x, false, ctx.at);
      return total;
    },
  },
  max: { minArgs: 1, maxArgs: Infinity, resultType: 'number', call: extreme(1) },
  min: { minArgs: 1, maxArgs: Infinity, resultType: 'number', call: extreme(-1) },
  round: {
    minArgs: 1,
    maxArgs: 2,
    resultType: 'number',
    call: ([x, scale], ctx) => {
      if (x === null || x === undefined) return null;
      const s = scale === undefined ? 0 : Number(scale);
      if (!isNumeric(x) || !Number.isInteger(s) || s < 0 || s > 100) {
        throw fault(ctx.at, 'TYPE_CONVERSION_ERROR', '#round(x, scale) needs a number and an int scale between 0 and 100');
      }
      return roundHalfUp(x, s);
    },
  },
  abs: {
    minArgs: 1,
    maxArgs: 1,
    resultType: 'number',
    call: ([x], ctx) => {
      if (x === null || x === undefined) return null;
      if (x instanceof JavaDouble) return new JavaDouble(Math.abs(x.value));
      if (typeof x === 'number') return Math.abs(x);
      if (isDecimal(x)) return new Decimal(x.abs());
      throw fault(ctx.at, 'TYPE_CONVERSION_ERROR', `Cannot convert '${String(x)}' to a number`);
    },
  },
};

export function lookupFunction(name: string): SpelFunction | undefined {
  return Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
}
