/** The five built-in calculation strategies of seed 002 (plus FORMULA). */
import { Decimal, MAX_AMOUNT, toDecimal } from '../decimal.js';
import { compileExpression, validateExpression } from '../expression.js';
import { EngineError, type Diagnostic, type Language } from '../types.js';
import { readBase, readPath, type CalculationStrategy } from './strategy.js';

const HUNDRED = new Decimal(100);

function baseOf(customer: unknown, field: string): Decimal {
  const base = readBase(customer, field);
  if (base === undefined) throw new EngineError('EVALUATION_ERROR', `customer has no ${field}`);
  return base;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Where PERCENTAGE_DISCOUNT and TIERED_DISCOUNT take their base when neither baseAmount nor baseField is given (the Java implementation's choice). */
export const DEFAULT_BASE_FIELD = 'annualIncome';
const TEN_PERCENT = new Decimal('0.1');

/**
 * The customer's purchase total as the document's Java implementation estimates it: the sum of
 * the `amount`s of `transactionHistory`, or 10 % of `annualIncome` when there is no history (no
 * income either: 0). Entries without a numeric amount count as 0.
 */
export function purchaseTotal(customer: Readonly<Record<string, unknown>>): Decimal {
  const history = customer.transactionHistory;
  if (Array.isArray(history) && history.length > 0) {
    let total = new Decimal(0);
    for (const entry of history) {
      const amount = entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>).amount : undefined;
      if (amount === undefined || amount === null) continue;
      try {
        total = total.plus(toDecimal(amount, 'transactionHistory.amount'));
      } catch {
        // An amount that is not a number (text, object, NaN) counts as 0, like a missing one.
      }
    }
    return total;
  }
  const income = readPath(customer, 'annualIncome');
  if (income === undefined || income === null) return new Decimal(0);
  return toDecimal(income, 'annualIncome').times(TEN_PERCENT);
}

/** The base of a percentage/tiered strategy: `baseAmount`, else the customer's `baseField` (default annualIncome). */
function baseReader(p: Readonly<Record<string, unknown>>): (customer: unknown) => Decimal {
  if (p.baseAmount !== undefined && p.baseAmount !== null) {
    const fixed = toDecimal(p.baseAmount, 'baseAmount');
    return () => fixed;
  }
  const field = typeof p.baseField === 'string' ? p.baseField : DEFAULT_BASE_FIELD;
  return (customer) => baseOf(customer, field);
}

export const fixedAmount: CalculationStrategy = {
  code: 'FIXED_AMOUNT',
  description: 'A fixed cash amount (開戶禮金), granted when the purchase total reaches minPurchaseAmount, capped by maxDiscountAmount.',
  args: [
    { name: 'discountAmount', type: 'number', required: true, min: 0, max: MAX_AMOUNT, description: 'The amount.' },
    {
      name: 'minPurchaseAmount',
      type: 'number',
      min: 0,
      max: MAX_AMOUNT,
      description: 'Not eligible below this purchase total (sum of transactionHistory amounts, or 10 % of annualIncome without history).',
    },
    { name: 'maxDiscountAmount', type: 'number', min: 0, max: MAX_AMOUNT, description: 'Upper bound on the amount.' },
  ],
  prepare(p) {
    let amount = toDecimal(p.discountAmount, 'discountAmount');
    if (p.maxDiscountAmount !== undefined && p.maxDiscountAmount !== null) amount = Decimal.min(amount, toDecimal(p.maxDiscountAmount, 'maxDiscountAmount'));
    const outcome = { amount };
    if (p.minPurchaseAmount === undefined || p.minPurchaseAmount === null) return () => outcome;
    const minimum = toDecimal(p.minPurchaseAmount, 'minPurchaseAmount');
    return (customer) => (purchaseTotal(customer).gte(minimum) ? outcome : null);
  },
};

const BASE_ARGS = [
  { name: 'baseAmount', type: 'number', min: 0, max: MAX_AMOUNT, description: 'A fixed base amount; absent: the customer’s baseField.' },
  {
    name: 'baseField',
    type: 'string',
    default: DEFAULT_BASE_FIELD,
    description: 'Dotted path of the base amount in the customer (default annualIncome, as the Java implementation).',
  },
] as const;

export const percentageDiscount: CalculationStrategy = {
  code: 'PERCENTAGE_DISCOUNT',
  description: 'base × discountPercentage / 100, capped by maxDiscount (手續費減免).',
  args: [{ name: 'discountPercentage', type: 'number', required: true, min: 0, max: 100, description: 'Percentage of the base, 0–100.' }, ...BASE_ARGS],
  prepare(p) {
    const rate = toDecimal(p.discountPercentage, 'discountPercentage').dividedBy(HUNDRED);
    const base = baseReader(p);
    return (customer) => ({ amount: base(customer).times(rate) });
  },
};

interface Tier {
  readonly threshold: Decimal;
  readonly amount: Decimal | undefined;
  readonly rate: Decimal | undefined;
  readonly percentage: number | null;
}

export const tieredDiscount: CalculationStrategy = {
  code: 'TIERED_DISCOUNT',
  description: 'The highest tier whose threshold the base reaches: its discountAmount, else base × its discountPercentage / 100.',
  args: [
    {
      name: 'tiers',
      type: 'array',
      description:
        '[{threshold, discountAmount?, discountPercentage?}], ascending by threshold. Absent: the node’s own discountAmount/discountPercentage apply.',
    },
    ...BASE_ARGS,
    { name: 'discountAmount', type: 'number', min: 0, max: MAX_AMOUNT, description: 'Amount when no tiers are given.' },
  ],
  validate(p) {
    const out: Diagnostic[] = [];
    if (p.tiers === undefined) {
      if (p.discountAmount === undefined && p.discountPercentage === undefined) {
        out.push({ code: 'INVALID_PARAMETER', field: 'parameters.tiers', message: 'tiers is required unless discountAmount or discountPercentage is given' });
      }
      return out;
    }
    if (!Array.isArray(p.tiers)) return out;
    if (p.tiers.length === 0) out.push({ code: 'INVALID_PARAMETER', field: 'parameters.tiers', message: 'tiers must not be empty' });
    let prev = -Infinity;
    p.tiers.forEach((t: unknown, i) => {
      const f = `parameters.tiers[${i}]`;
      if (t === null || typeof t !== 'object')
        return void out.push({ code: 'INVALID_PARAMETER', field: f, message: 'a tier must be an object {threshold, discountAmount?, discountPercentage?}' });
      const tier = t as Record<string, unknown>;
      const threshold = num(tier.threshold);
      if (threshold === undefined || Math.abs(threshold) > MAX_AMOUNT)
        out.push({ code: 'INVALID_PARAMETER', field: `${f}.threshold`, message: `threshold must be a number between -${MAX_AMOUNT} and ${MAX_AMOUNT}` });
      else if (threshold <= prev)
        out.push({ code: 'INVALID_PARAMETER', field: `${f}.threshold`, message: `tiers must be in ascending threshold order (${threshold} after ${prev})` });
      else prev = threshold;
      const amount = tier.discountAmount;
      const pct = tier.discountPercentage;
      if (amount === undefined && pct === undefined)
        out.push({ code: 'INVALID_PARAMETER', field: f, message: 'a tier needs discountAmount or discountPercentage' });
      if (amount !== undefined && (num(amount) === undefined || (amount as number) < 0 || (amount as number) > MAX_AMOUNT))
        out.push({ code: 'INVALID_PARAMETER', field: `${f}.discountAmount`, message: `discountAmount must be a number between 0 and ${MAX_AMOUNT}` });
      if (pct !== undefined && (num(pct) === undefined || (pct as number) < 0 || (pct as number) > 100))
        out.push({ code: 'INVALID_PARAMETER', field: `${f}.discountPercentage`, message: 'discountPercentage must be between 0 and 100' });
    });
    return out;
  },
  prepare(p) {
    const field = typeof p.baseField === 'string' ? p.baseField : DEFAULT_BASE_FIELD;
    const readBaseOf = baseReader(p);
    const fixedBase = p.baseAmount !== undefined && p.baseAmount !== null;
    if (!Array.isArray(p.tiers)) {
      // Seed example 1: no tiers, the leaf's own amount/percentage apply.
      const pct = num(p.discountPercentage);
      if (p.discountAmount !== undefined) {
        const outcome = { amount: toDecimal(p.discountAmount, 'discountAmount'), percentage: pct ?? null };
        return () => outcome;
      }
      const rate = toDecimal(pct ?? 0).dividedBy(HUNDRED);
      return (customer) => ({ amount: readBaseOf(customer).times(rate), percentage: pct ?? null });
    }
    // Highest first, so evaluation stops at the first tier reached.
    const tiers: Tier[] = (p.tiers as Record<string, unknown>[])
      .map((t) => ({
        threshold: toDecimal(t.threshold, 'threshold'),
        amount: t.discountAmount === undefined ? undefined : toDecimal(t.discountAmount, 'discountAmount'),
        rate: t.discountPercentage === undefined ? undefined : toDecimal(t.discountPercentage, 'discountPercentage').dividedBy(HUNDRED),
        percentage: num(t.discountPercentage) ?? null,
      }))
      .reverse();
    const fixed = tiers.map((t) => (t.amount ? { amount: t.amount, percentage: t.percentage } : null));
    const thresholds = tiers.map((t) => t.threshold.toNumber());
    const exact = tiers.every((t, i) => new Decimal(thresholds[i] as number).eq(t.threshold));
    return (customer) => {
      // Fast path: a JS-number base against thresholds that are exact doubles; comparing doubles is
      // exact, so the tier chosen is the decimal one. Only fixed-amount tiers skip decimal work.
      const raw = fixedBase || field.includes('.') ? undefined : customer[field];
      if (exact && typeof raw === 'number' && Number.isFinite(raw)) {
        for (let i = 0; i < tiers.length; i++) {
          if (raw >= (thresholds[i] as number)) {
            const f = fixed[i];
            if (f) return f;
            break;
          }
          if (i === tiers.length - 1) return null;
        }
      }
      const base = readBaseOf(customer);
      for (let i = 0; i < tiers.length; i++) {
        const tier = tiers[i] as Tier;
        if (base.gte(tier.threshold)) return fixed[i] ?? { amount: base.times(tier.rate ?? 0), percentage: tier.percentage };
      }
      return null;
    };
  },
};

interface Bracket {
  readonly from: Decimal;
  readonly to: Decimal | undefined;
  readonly rate: Decimal;
}

export const progressiveDiscount: CalculationStrategy = {
  code: 'PROGRESSIVE_DISCOUNT',
  description: 'Marginal brackets like a tax table: Σ (part of the base inside [from, to)) × rate / 100, capped by maxDiscount.',
  args: [
    {
      name: 'brackets',
      type: 'array',
      required: true,
      description: '[{from, to?, rate}] ascending and contiguous; rate in percent; only the last may omit `to`.',
    },
    { name: 'baseField', type: 'string', default: 'accountBalance', description: 'Dotted path of the base amount in the customer.' },
  ],
  validate(p) {
    const out: Diagnostic[] = [];
    if (!Array.isArray(p.brackets)) return out;
    if (p.brackets.length === 0) out.push({ code: 'INVALID_PARAMETER', field: 'parameters.brackets', message: 'brackets must not be empty' });
    let prevTo: number | undefined;
    p.brackets.forEach((b: unknown, i, all) => {
      const f = `parameters.brackets[${i}]`;
      if (b === null || typeof b !== 'object')
        return void out.push({ code: 'INVALID_PARAMETER', field: f, message: 'a bracket must be an object {from, to?, rate}' });
      const br = b as Record<string, unknown>;
      const from = num(br.from);
      const to = br.to === undefined || br.to === null ? undefined : num(br.to);
      const rate = num(br.rate);
      if (from === undefined) out.push({ code: 'INVALID_PARAMETER', field: `${f}.from`, message: 'from must be a number' });
      if (br.to !== undefined && br.to !== null && to === undefined) out.push({ code: 'INVALID_PARAMETER', field: `${f}.to`, message: 'to must be a number' });
      if (to === undefined && i < all.length - 1) out.push({ code: 'INVALID_PARAMETER', field: `${f}.to`, message: 'only the last bracket may be open-ended' });
      if (from !== undefined && to !== undefined && to <= from)
        out.push({ code: 'INVALID_PARAMETER', field: `${f}.to`, message: `to (${to}) must be greater than from (${from})` });
      if (from !== undefined && prevTo !== undefined && from !== prevTo)
        out.push({ code: 'INVALID_PARAMETER', field: `${f}.from`, message: `brackets must be ascending and contiguous: from ${from} should be ${prevTo}` });
      if (rate === undefined || rate < 0 || rate > 100)
        out.push({ code: 'INVALID_PARAMETER', field: `${f}.rate`, message: 'rate must be a percentage between 0 and 100' });
      prevTo = to;
    });
    return out;
  },
  prepare(p) {
    const field = typeof p.baseField === 'string' ? p.baseField : 'accountBalance';
    const brackets: Bracket[] = (p.brackets as Record<string, unknown>[]).map((b) => ({
      from: toDecimal(b.from, 'from'),
      to: b.to === undefined || b.to === null ? undefined : toDecimal(b.to, 'to'),
      rate: toDecimal(b.rate, 'rate').dividedBy(HUNDRED),
    }));
    return (customer) => {
      const base = baseOf(customer, field);
      let amount = new Decimal(0);
      for (const b of brackets) {
        if (base.lte(b.from)) break;
        const top = b.to !== undefined && base.gt(b.to) ? b.to : base;
        amount = amount.plus(top.minus(b.from).times(b.rate));
      }
      return { amount };
    };
  },
};

export const formula: CalculationStrategy = {
  code: 'FORMULA',
  description: 'An expression evaluated in money mode with the customer as root and #param_<name> variables; its value is the amount.',
  acceptsExtraParameters: true,
  args: [
    {
      name: 'formula',
      type: 'string',
      required: true,
      description: "Expression, e.g. `accountBalance * #param_rate / 100` (SpEL) or a JSONLogic rule's JSON.",
    },
    { name: 'language', type: 'string', default: 'spel', description: "'spel' (default) or 'jsonlogic'." },
  ],
  validate(p) {
    if (typeof p.formula !== 'string') return [];
    const language = p.language === undefined ? 'spel' : p.language;
    if (language !== 'spel' && language !== 'jsonlogic') {
      return [{ code: 'INVALID_PARAMETER', field: 'parameters.language', message: `language must be 'spel' or 'jsonlogic', got ${JSON.stringify(language)}` }];
    }
    return validateExpression(p.formula, { language, decimal: true }).map((d) => ({ ...d, field: 'parameters.formula' }));
  },
  prepare(p, options) {
    const language = (p.language ?? 'spel') as Language;
    const expr = compileExpression(p.formula, { language, decimal: true, ...(options.limits ? { limits: options.limits } : {}) });
    return (customer, variables, now, budget) => {
      const value = expr.evaluate(customer, variables, budget === undefined ? { now } : { now, budget });
      if (value === null || value === undefined) return null;
      return { amount: toDecimal(value, 'formula result') };
    };
  },
};

export const BUILTIN_STRATEGIES: readonly CalculationStrategy[] = [percentageDiscount, fixedAmount, tieredDiscount, progressiveDiscount, formula];
