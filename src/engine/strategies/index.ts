/**
 * Strategy registry, write-time validation, and the offer builder that turns a calculation into
 * seed 002's PromotionResult (cap, HALF_UP rounding, validUntil, details).
 */
import { currencyScale, Decimal, roundMoney, toDecimal } from '../decimal.js';
import type { EvaluationBudget } from '../budget.js';
export { BAIL, prepareFastAmount, type FastAmount } from './fast.js';
import type { Diagnostic, PromotionResult, StrategyType } from '../types.js';
import { BUILTIN_STRATEGIES } from './builtin.js';
import { compileDescription, isTemplate, renderDescription, validateDescription } from './description.js';
import { checkArgs, COMMON_ARGS, type CalculationStrategy, type PrepareOptions } from './strategy.js';

export * from './strategy.js';
export { BUILTIN_STRATEGIES, DEFAULT_BASE_FIELD, purchaseTotal } from './builtin.js';

/** Built-in strategies by code. */
export const strategies: ReadonlyMap<string, CalculationStrategy> = new Map(BUILTIN_STRATEGIES.map((s) => [s.code, s]));

/**
 * Validates a calculation node's strategy and parameters (write time). Never throws.
 *
 * @example
 * validateStrategy('PERCENTAGE_DISCOUNT', { discountPercentage: 150 });
 * // [{ code: 'INVALID_PARAMETER', field: 'parameters.discountPercentage',
 * //    message: 'discountPercentage must be between 0 and 100, got 150' }]
 */
export function validateStrategy(strategyType: unknown, parameters: unknown): Diagnostic[] {
  const strategy = typeof strategyType === 'string' ? strategies.get(strategyType) : undefined;
  if (!strategy) {
    return [
      {
        code: 'INVALID_PARAMETER',
        field: 'strategyType',
        message: `unknown strategyType ${JSON.stringify(strategyType) ?? String(strategyType)}; expected one of ${[...strategies.keys()].join(', ')}`,
      },
    ];
  }
  if (parameters !== undefined && (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters))) {
    return [{ code: 'INVALID_PARAMETER', field: 'parameters', message: 'parameters must be an object' }];
  }
  const params = (parameters ?? {}) as Readonly<Record<string, unknown>>;
  const own = new Set(strategy.args.map((a) => a.name));
  const specs = [...COMMON_ARGS.filter((a) => !own.has(a.name)), ...strategy.args];
  const out = [...checkArgs(specs, params), ...validateDescription(params.description)];
  if (!strategy.acceptsExtraParameters) {
    const known = new Set(specs.map((a) => a.name));
    for (const name of Object.keys(params)) {
      if (known.has(name)) continue;
      out.push({
        code: 'INVALID_PARAMETER',
        field: `parameters.${name}`,
        message: `unknown parameter ${name} for ${strategy.code}; expected one of ${[...known].sort().join(', ')}`,
      });
    }
  }
  if (out.length > 0) return out;
  return strategy.validate ? strategy.validate(params) : [];
}

/** A prepared calculation node: call it per evaluation; `null` = not eligible. */
export type OfferBuilder = (
  customer: Readonly<Record<string, unknown>>,
  variables: Readonly<Record<string, unknown>>,
  now: Date,
  budget?: EvaluationBudget,
) => { result: PromotionResult; amount: string } | null;

const DAY_MS = 86_400_000;
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** ISO-8601 local date-time without zone (`2026-02-06T19:50:55`), from the UTC fields of `ms`. */
export function formatLocalDateTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/**
 * Prepares a calculation node once (parameters already validated). The returned builder caps,
 * rounds, and caches validUntil per `now`, so the hot path allocates only the result object.
 */
/** The parts of a PromotionResult that come from a calculation node's parameters alone. */
export interface OfferFields {
  readonly promotionId: string | null;
  readonly promotionName: string | null;
  readonly promotionType: string | null;
  readonly description: string | null;
  /** The node's discountPercentage (reported unless the strategy reports its own). */
  readonly nodePercentage: number | null;
  /** Rounding scale of the currency (2 unless JPY/KRW… 0, BHD/KWD… 3). */
  readonly scale: number;
  readonly validDays: number | undefined;
  /** Frozen and shared by every result of the node. */
  readonly details: Readonly<Record<string, unknown>>;
}

export function offerFields(parameters: Readonly<Record<string, unknown>>): OfferFields {
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    promotionId: str(parameters.promotionId),
    promotionName: str(parameters.promotionName),
    promotionType: str(parameters.promotionType),
    description: str(parameters.description),
    nodePercentage: typeof parameters.discountPercentage === 'number' ? parameters.discountPercentage : null,
    scale: currencyScale(str(parameters.currency) ?? undefined),
    validDays: typeof parameters.validDays === 'number' ? parameters.validDays : undefined,
    details: Object.freeze({ ...((parameters.additionalDetails as Record<string, unknown> | undefined) ?? {}) }),
  };
}

/** validUntil for `nowMs` and validDays (null when validDays is absent). */
export function validUntilFor(nowMs: number, validDays: number | undefined): string | null {
  return validDays === undefined ? null : formatLocalDateTime(nowMs + validDays * DAY_MS);
}

export function prepareOffer(strategyType: StrategyType, parameters: Readonly<Record<string, unknown>>, options: PrepareOptions = {}): OfferBuilder {
  const strategy = strategies.get(strategyType);
  if (!strategy) throw new Error(`unknown strategy ${strategyType}`);
  const calculate = strategy.prepare(parameters, options);
  const { promotionId, promotionName, promotionType, description, nodePercentage, scale, validDays, details } = offerFields(parameters);
  // A description with `#{…}` parts is a SpEL template over the offer and the customer.
  const template = isTemplate(description) ? compileDescription(description, options.limits) : undefined;
  const cap = parameters.maxDiscount === undefined || parameters.maxDiscount === null ? undefined : toDecimal(parameters.maxDiscount, 'maxDiscount');
  let cachedNow = Number.NaN;
  let cachedValidUntil: string | null = null;
  // Rounded amounts repeat (fixed offers, capped offers): cache the last one by its decimal string.
  let lastAmount: Decimal | undefined;
  let lastRounded = 0;
  let lastText = '0';

  return (customer, variables, now, budget) => {
    const outcome = calculate(customer, variables, now, budget);
    if (outcome === null) return null;
    let amount = outcome.amount;
    if (cap !== undefined && amount.gt(cap)) amount = cap;
    if (amount.isNegative()) amount = new Decimal(0);
    if (amount !== lastAmount) {
      const rounded = roundMoney(amount, scale);
      lastAmount = amount;
      lastRounded = rounded.toNumber();
      lastText = rounded.toFixed(scale);
    }
    let validUntil: string | null = null;
    if (validDays !== undefined) {
      const ms = now.getTime();
      if (ms !== cachedNow) {
        cachedNow = ms;
        cachedValidUntil = formatLocalDateTime(ms + validDays * DAY_MS);
      }
      validUntil = cachedValidUntil;
    }
    const discountPercentage = outcome.percentage === undefined ? nodePercentage : outcome.percentage;
    const result: PromotionResult = {
      promotionId,
      promotionName,
      promotionType,
      discountAmount: lastRounded,
      discountPercentage,
      description: template
        ? renderDescription(
            template,
            { amount: new Decimal(lastText), discountPercentage, validUntil, promotionId, promotionName, promotionType },
            customer,
            variables,
            now,
          )
        : description,
      validUntil,
      additionalDetails: details,
      eligible: true,
    };
    return { result, amount: lastText };
  };
}
