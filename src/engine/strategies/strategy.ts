/**
 * Calculation strategies are data-described (Vendure style): a `code`, a typed `args` schema that
 * drives both write-time validation and the docs/admin form, and `prepare`, which turns validated
 * parameters into a fast `calculate` function once per tree compilation.
 */
import { isDecimal, MAX_AMOUNT, MAX_VALID_DAYS, toDecimal, type Decimal } from '../decimal.js';
import type { EvaluationBudget } from '../budget.js';
import type { Diagnostic, ExpressionLimits, StrategyType } from '../types.js';

export type ArgType = 'number' | 'string' | 'object' | 'array' | 'boolean';

export interface ArgSpec {
  readonly name: string;
  readonly type: ArgType;
  readonly required?: boolean;
  readonly description: string;
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  readonly default?: unknown;
}

/** What a calculation produced; `null` from `calculate` means "not eligible" (no offer). */
export interface CalculationOutcome {
  /** Unrounded, uncapped amount; the caller caps it with maxDiscount and rounds HALF_UP. */
  readonly amount: Decimal;
  /** Percentage to report in the result (e.g. the tier's); `undefined` = the node's discountPercentage. */
  readonly percentage?: number | null;
}

export type Calculate = (
  customer: Readonly<Record<string, unknown>>,
  variables: Readonly<Record<string, unknown>>,
  now: Date,
  /** The evaluation's budget (FORMULA charges it; the fixed strategies are constant-time). */
  budget?: EvaluationBudget,
) => CalculationOutcome | null;

export interface PrepareOptions {
  readonly limits?: ExpressionLimits;
}

export interface CalculationStrategy {
  readonly code: StrategyType;
  readonly description: string;
  /** Strategy-specific arguments (the common ones are in COMMON_ARGS). */
  readonly args: readonly ArgSpec[];
  /**
   * Whether parameters beyond `args` and COMMON_ARGS are allowed. Only FORMULA: its other
   * parameters are the formula's `#param_<name>` inputs. Elsewhere an unknown parameter is refused
   * at write time (a misspelt or unsupported one would otherwise be silently ignored).
   */
  readonly acceptsExtraParameters?: boolean;
  /** Checks beyond the schema (ordering, expressions); fields are `parameters.<name>…`. */
  validate?(parameters: Readonly<Record<string, unknown>>): Diagnostic[];
  prepare(parameters: Readonly<Record<string, unknown>>, options: PrepareOptions): Calculate;
}

/** Parameters every strategy understands (seed 002's PromotionResult fields and caps). */
export const COMMON_ARGS: readonly ArgSpec[] = [
  { name: 'promotionId', type: 'string', description: 'Offer id reported in the result (e.g. promo-vip-001).' },
  { name: 'promotionName', type: 'string', description: 'Offer name shown to the customer.' },
  { name: 'promotionType', type: 'string', description: 'Offer category (VIP, PLATINUM, NEW_CUSTOMER …).' },
  { name: 'description', type: 'string', description: 'Offer description.' },
  {
    name: 'validDays',
    type: 'number',
    min: 0,
    max: MAX_VALID_DAYS,
    integer: true,
    description: 'validUntil = now + validDays days (absent: validUntil null).',
  },
  { name: 'additionalDetails', type: 'object', description: 'Merged into result.additionalDetails.' },
  { name: 'maxDiscount', type: 'number', min: 0, max: MAX_AMOUNT, description: 'Upper bound on the discount amount.' },
  { name: 'discountPercentage', type: 'number', min: 0, max: 100, description: 'Percentage reported in the result (and used by percentage strategies).' },
  { name: 'currency', type: 'string', description: 'ISO-4217 code; sets the rounding scale (JPY/KRW 0, default 2).' },
];

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isDecimal(v)) return 'number';
  return typeof v;
}

/** Validates parameters against arg specs; `prefix` is the field path (`parameters`). */
export function checkArgs(specs: readonly ArgSpec[], params: Readonly<Record<string, unknown>>, prefix = 'parameters'): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const spec of specs) {
    const field = `${prefix}.${spec.name}`;
    const value = params[spec.name];
    if (value === undefined || value === null) {
      if (spec.required) out.push({ code: 'INVALID_PARAMETER', field, message: `${spec.name} is required (${spec.description})` });
      continue;
    }
    const actual = typeOf(value);
    if (actual !== spec.type) {
      out.push({ code: 'INVALID_PARAMETER', field, message: `${spec.name} must be a ${spec.type}, got ${actual}` });
      continue;
    }
    if (spec.type === 'number') {
      const n = isDecimal(value) ? value.toNumber() : (value as number);
      if (!Number.isFinite(n)) out.push({ code: 'INVALID_PARAMETER', field, message: `${spec.name} must be a finite number` });
      else if (spec.integer && !Number.isInteger(n)) out.push({ code: 'INVALID_PARAMETER', field, message: `${spec.name} must be a whole number, got ${n}` });
      else if (spec.min !== undefined && spec.max !== undefined && (n < spec.min || n > spec.max)) {
        out.push({ code: 'INVALID_PARAMETER', field, message: `${spec.name} must be between ${spec.min} and ${spec.max}, got ${n}` });
      } else if (spec.min !== undefined && n < spec.min)
        out.push({ code: 'INVALID_PARAMETER', field, message: `${spec.name} must be ≥ ${spec.min}, got ${n}` });
      else if (spec.max !== undefined && n > spec.max) out.push({ code: 'INVALID_PARAMETER', field, message: `${spec.name} must be ≤ ${spec.max}, got ${n}` });
    }
  }
  return out;
}

/** Reads a dotted path (`profile.balance`) from the customer, own properties only. */
export function readPath(root: unknown, dotted: string): unknown {
  let current: unknown = root;
  for (const seg of dotted.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, seg)) return undefined;
    current = (current as Record<string, unknown>)[seg];
  }
  return current;
}

/** The customer's base amount for a strategy, as a Decimal; `undefined` when absent. */
export function readBase(customer: unknown, baseField: string): Decimal | undefined {
  const v = readPath(customer, baseField);
  return v === undefined || v === null ? undefined : toDecimal(v, baseField);
}
