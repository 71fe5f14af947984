/**
 * Exact integer fast path for the amount-computing strategies (PERCENTAGE_DISCOUNT,
 * PROGRESSIVE_DISCOUNT): the capped, HALF_UP-rounded amount in integer minor units, computed from
 * the customer's base without decimal.js. Every step is checked to stay exact (scaled integers
 * below 2^53); when it cannot be (more decimals than expected, huge values, a base that is not a
 * plain number), the function returns BAIL and the caller uses the decimal.js builder, so results
 * are always identical to it (property-tested in test/engine/fast-money.property.test.ts).
 */
import { currencyScale, decimalScaleOf, divideHalfUp, pow10, toScaledInteger } from '../decimal.js';
import type { StrategyType } from '../types.js';
import { DEFAULT_BASE_FIELD } from './builtin.js';

/** Returned by a FastAmount when it cannot be exact: use the decimal.js builder instead. */
export const BAIL = -1;

/** Capped, rounded amount in minor units (≥ 0), or BAIL. */
export type FastAmount = (customer: Readonly<Record<string, unknown>>) => number;

const MAX_SCALE = 6;
/** Scale of the customer's base amounts on the fast path (more decimals → BAIL). */
const BASE_SCALE = 2;
const SAFE = Number.MAX_SAFE_INTEGER;

function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** `value` (an amount at scale `from`, ≥ 0) rounded HALF_UP to scale `to`; NaN when not exact. */
function rescale(value: number, from: number, to: number): number {
  if (from <= to) {
    const r = value * pow10(to - from);
    return r <= SAFE ? r : Number.NaN;
  }
  return divideHalfUp(value, pow10(from - to));
}

/** The cap at scale `s` (Infinity when none), or NaN when it is not exact there. */
function capAt(parameters: Readonly<Record<string, unknown>>, s: number): number {
  const cap = parameters.maxDiscount;
  if (cap === undefined || cap === null) return Number.POSITIVE_INFINITY;
  const c = finite(cap);
  return c === undefined ? Number.NaN : toScaledInteger(c, s);
}

/**
 * A fast amount function for a calculation node, or undefined when the strategy or its parameters
 * have no exact integer form (the node then always uses the decimal.js builder).
 */
export function prepareFastAmount(strategyType: StrategyType, parameters: Readonly<Record<string, unknown>>): FastAmount | undefined {
  if (strategyType === 'PERCENTAGE_DISCOUNT') return percentage(parameters);
  if (strategyType === 'PROGRESSIVE_DISCOUNT') return progressive(parameters);
  return undefined;
}

function baseField(parameters: Readonly<Record<string, unknown>>, fallback: string): string | undefined {
  const field = typeof parameters.baseField === 'string' ? parameters.baseField : fallback;
  return field.includes('.') ? undefined : field;
}

function percentage(parameters: Readonly<Record<string, unknown>>): FastAmount | undefined {
  // A fixed baseAmount is a constant: the decimal.js builder is exact and cheap enough.
  if (parameters.baseAmount !== undefined && parameters.baseAmount !== null) return undefined;
  const field = baseField(parameters, DEFAULT_BASE_FIELD);
  const pct = finite(parameters.discountPercentage);
  if (field === undefined || pct === undefined) return undefined;
  const kr = decimalScaleOf(pct, MAX_SCALE);
  if (kr < 0) return undefined;
  const rate = toScaledInteger(pct, kr); // rate = rate·10^-(kr+2)
  const s = BASE_SCALE + kr + 2; // scale of base × rate
  const cap = capAt(parameters, s);
  if (Number.isNaN(cap)) return undefined;
  const scale = currencyScale(typeof parameters.currency === 'string' ? parameters.currency : undefined);
  return (customer) => {
    const raw = customer[field];
    if (typeof raw !== 'number') return BAIL;
    const base = toScaledInteger(raw, BASE_SCALE);
    if (Number.isNaN(base)) return BAIL;
    let amount = base * rate;
    if (!(amount <= SAFE && amount >= -SAFE)) return BAIL;
    if (amount > cap) amount = cap;
    if (!(amount > 0)) amount = 0; // also -0 (decimal.js: -0 is negative → 0)
    const minor = rescale(amount, s, scale);
    return Number.isNaN(minor) ? BAIL : minor;
  };
}

function progressive(parameters: Readonly<Record<string, unknown>>): FastAmount | undefined {
  const field = baseField(parameters, 'accountBalance');
  if (field === undefined || !Array.isArray(parameters.brackets)) return undefined;
  const raw = parameters.brackets as readonly Record<string, unknown>[];
  let kb = BASE_SCALE;
  let kr = 0;
  for (const b of raw) {
    const from = finite(b.from);
    const to = b.to === undefined || b.to === null ? undefined : finite(b.to);
    const rate = finite(b.rate);
    if (from === undefined || rate === undefined || (b.to !== undefined && b.to !== null && to === undefined)) return undefined;
    for (const v of to === undefined ? [from] : [from, to]) {
      const k = decimalScaleOf(v, MAX_SCALE);
      if (k < 0) return undefined;
      kb = Math.max(kb, k);
    }
    const k = decimalScaleOf(rate, MAX_SCALE);
    if (k < 0) return undefined;
    kr = Math.max(kr, k);
  }
  const froms: number[] = [];
  const tos: number[] = [];
  const rates: number[] = [];
  for (const b of raw) {
    froms.push(toScaledInteger(b.from as number, kb));
    tos.push(b.to === undefined || b.to === null ? Number.POSITIVE_INFINITY : toScaledInteger(b.to as number, kb));
    rates.push(toScaledInteger(b.rate as number, kr));
  }
  if ([...froms, ...tos, ...rates].some((v) => Number.isNaN(v))) return undefined;
  const s = kb + kr + 2;
  const cap = capAt(parameters, s);
  if (Number.isNaN(cap)) return undefined;
  const scale = currencyScale(typeof parameters.currency === 'string' ? parameters.currency : undefined);
  const baseUp = pow10(kb - BASE_SCALE);
  const n = froms.length;
  return (customer) => {
    const v = customer[field];
    if (typeof v !== 'number') return BAIL;
    const scaled = toScaledInteger(v, BASE_SCALE);
    const base = scaled * baseUp;
    if (!(base <= SAFE && base >= -SAFE)) return BAIL;
    let amount = 0;
    for (let i = 0; i < n; i++) {
      const from = froms[i] as number;
      if (base <= from) break;
      const to = tos[i] as number;
      const part = ((base > to ? to : base) - from) * (rates[i] as number);
      amount += part;
      if (!(part <= SAFE && amount <= SAFE)) return BAIL;
    }
    if (amount > cap) amount = cap;
    if (!(amount > 0)) amount = 0; // also -0 (decimal.js: -0 is negative → 0)
    const minor = rescale(amount, s, scale);
    return Number.isNaN(minor) ? BAIL : minor;
  };
}
