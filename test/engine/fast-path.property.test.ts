/**
 * The compiled result-only fast path (tree/fast.ts, strategies/fast.ts) must be indistinguishable
 * from the step-recording slow path: same result, same path, on random trees and customers; and the
 * integer money path must equal decimal.js on random inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonLogicPromotionTree } from '../../src/demo/jsonlogic-trees.js';
import { promotionDecisionTree } from '../../src/demo/trees.js';
import { decimalScaleOf, divideHalfUp, toScaledInteger } from '../../src/engine/decimal.js';
import { compileTree, Decimal, prepareOffer, type NodeDefinition, type StrategyType, type TreeDefinition } from '../../src/engine/index.js';
import { BAIL, prepareFastAmount } from '../../src/engine/strategies/index.js';
import { calc, jcond } from './helpers.js';

const now = new Date('2025-11-06T19:50:55Z');
const runs = Number(process.env.FAST_CHECK_RUNS ?? 300);

const scond = (nodeId: string, expression: string, children: NodeDefinition[] = []): NodeDefinition => ({
  nodeId,
  nodeType: 'CONDITION',
  configuration: { commandType: 'SPEL_CONDITION', expression },
  children,
});

/** Amount-like numbers: few decimals mostly, sometimes many, negative, huge, or not numbers at all. */
const amount = fc.oneof(
  fc.integer({ min: 0, max: 200_000_000 }).map((n) => n / 100),
  fc.integer({ min: 0, max: 2_000_000 }).map((n) => n / 1000),
  fc.integer({ min: -1_000_000, max: 10_000_000 }),
  fc.double({ min: -1e7, max: 1e17, noNaN: true }),
  fc.constantFrom(0, -0, 0.005, 0.015, 1e15, 9007199254740991, 123456.79, 1.005, 2.675),
);
const percentage = fc.oneof(
  fc.integer({ min: 0, max: 10000 }).map((n) => n / 100),
  fc.integer({ min: 0, max: 100_000 }).map((n) => n / 1000),
  fc.constantFrom(0, 1.5, 33.333333, 100),
);

describe('exact integer money helpers', () => {
  it('toScaledInteger agrees with decimal.js', () => {
    fc.assert(
      fc.property(amount, fc.integer({ min: 0, max: 6 }), (x, k) => {
        const m = toScaledInteger(x, k);
        if (Number.isNaN(m)) return;
        expect(new Decimal(m).dividedBy(new Decimal(10).pow(k)).eq(new Decimal(x))).toBe(true);
      }),
      { numRuns: runs * 3 },
    );
    expect(toScaledInteger(0.1 + 0.2, 2)).toBeNaN();
    expect(decimalScaleOf(1.5)).toBe(1);
  });

  it('divideHalfUp rounds half up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 15 }), (n, k) => {
        const d = 10 ** k;
        expect(divideHalfUp(n, d)).toBe(new Decimal(n).dividedBy(d).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber());
      }),
      { numRuns: runs * 3 },
    );
  });
});

describe('fast amounts ≡ decimal.js offers', () => {
  const cap = fc.option(
    fc.oneof(
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 100),
    ),
    { nil: undefined },
  );
  const currency = fc.constantFrom(undefined, 'TWD', 'JPY', 'KWD');

  const check = (strategy: StrategyType, params: Record<string, unknown>, customer: Record<string, unknown>): void => {
    const fast = prepareFastAmount(strategy, params);
    let slow: number | null | 'error';
    try {
      slow = prepareOffer(strategy, params)(customer, {}, now)?.result.discountAmount ?? null;
    } catch {
      slow = 'error';
    }
    if (!fast) return;
    const minor = fast(customer);
    if (minor === BAIL) return;
    const scale = params.currency === 'JPY' ? 0 : params.currency === 'KWD' ? 3 : 2;
    expect(minor / 10 ** scale).toBe(slow);
  };

  it('PERCENTAGE_DISCOUNT', () => {
    fc.assert(
      fc.property(amount, percentage, cap, currency, (base, pct, maxDiscount, cur) => {
        // Without baseField the base is annualIncome, as in the Java implementation.
        check('PERCENTAGE_DISCOUNT', { discountPercentage: pct, maxDiscount, currency: cur }, { annualIncome: base });
        check('PERCENTAGE_DISCOUNT', { discountPercentage: pct, maxDiscount, currency: cur, baseField: 'accountBalance' }, { accountBalance: base });
      }),
      { numRuns: runs * 5 },
    );
  });

  it('PROGRESSIVE_DISCOUNT', () => {
    const bracketSet = fc
      .tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 5_000_000 }), percentage, percentage, percentage)
      .map(([a, b, r1, r2, r3]) => [
        { from: 0, to: a, rate: r1 },
        { from: a, to: a + b, rate: r2 },
        { from: a + b, rate: r3 },
      ]);
    fc.assert(
      fc.property(amount, bracketSet, cap, currency, (base, brackets, maxDiscount, cur) => {
        check('PROGRESSIVE_DISCOUNT', { brackets, maxDiscount, currency: cur }, { accountBalance: base });
      }),
      { numRuns: runs * 5 },
    );
  });

  it('bails (never guesses) on non-numbers and inexact inputs', () => {
    const f = prepareFastAmount('PERCENTAGE_DISCOUNT', { discountPercentage: 1.5 });
    expect(f?.({ annualIncome: '100' })).toBe(BAIL);
    expect(f?.({ annualIncome: 0.125 })).toBe(BAIL);
    expect(f?.({ annualIncome: 1e300 })).toBe(BAIL);
    expect(f?.({})).toBe(BAIL);
  });
});

// ------------------------------------------------------------------------------ random trees

/** Conditions inside and outside the inlined subset, including failing and non-boolean ones. */
const SPEL = [
  "accountType == 'VIP'",
  "accountType != 'VIP'",
  "'VIP' == accountType",
  "accountType == '白金' or accountType == 'PLATINUM'",
  'annualIncome >= 2000000',
  '2000000 < annualIncome',
  'creditScore > 700 and annualIncome <= 5000000',
  '!(creditScore < 650)',
  'transactionHistory.size() <= 3',
  'transactionHistory.size() != 0',
  "customerId != null and customerId != ''",
  'customerId == null',
  'annualIncome == 0',
  'accountBalance > 1000.5',
  'true',
  'false',
  'annualIncome',
  "accountType.startsWith('V')",
  'annualIncome > 100 ? true : false',
  'missing.field > 1',
  'creditScore >= 700 or missing > 3',
  '#param_x == null',
  // Java numeric typing and Spring's conversions: int overflow wraps, double division by zero, text as boolean.
  'creditScore + 2147483647 < 0',
  'accountBalance / 0.0 > 1',
  "'true' and creditScore > 600",
  'transactionHistory.length > 1',
  // Null-valued conditions: false with a SUCCESS step, on both paths.
  'region',
  'customerId == null ? null : true',
  'null',
  "accountType == 'VIP' ? null : false",
];
const JSONLOGIC: unknown[] = [
  { '==': [{ var: 'accountType' }, 'VIP'] },
  { '!=': [{ var: 'accountType' }, 'VIP'] },
  { in: [{ var: 'accountType' }, ['白金', 'PLATINUM']] },
  { '>=': [{ var: 'annualIncome' }, 2000000] },
  { '<': [650, { var: 'creditScore' }] },
  { '<=': [{ length: { var: 'transactionHistory' } }, 3] },
  { and: [{ '!=': [{ var: 'customerId' }, null] }, { '!=': [{ var: 'customerId' }, ''] }] },
  { or: [{ '>': [{ var: 'creditScore' }, 700] }, { '==': [{ var: 'annualIncome' }, 0] }] },
  { '!': [{ '>=': [{ var: 'annualIncome' }, 1000] }] },
  { '===': [{ var: 'creditScore' }, 700] },
  { '==': [{ var: 'creditScore' }, '700'] },
  { var: 'accountType' },
  { '>': [{ var: 'profile.score' }, 1] },
  true,
  { '!!': [{ var: 'transactionHistory' }] },
];
const LEAVES: [StrategyType, Record<string, unknown>][] = [
  ['FIXED_AMOUNT', { promotionId: 'f', discountAmount: 1000, validDays: 30, additionalDetails: { k: 1 } }],
  ['FIXED_AMOUNT', { discountAmount: 12.345, currency: 'JPY' }],
  ['FIXED_AMOUNT', { discountAmount: 100, description: '#{accountType ?: "?"}: #{amount} until #{validUntil}', validDays: 7 }],
  [
    'TIERED_DISCOUNT',
    {
      promotionId: 't',
      baseField: 'annualIncome',
      tiers: [
        { threshold: 2000000, discountAmount: 5000, discountPercentage: 10 },
        { threshold: 5000000, discountAmount: 12000, discountPercentage: 15 },
      ],
      validDays: 92,
    },
  ],
  [
    'TIERED_DISCOUNT',
    {
      baseField: 'accountBalance',
      tiers: [
        { threshold: 100, discountPercentage: 1 },
        { threshold: 1000.5, discountAmount: 50 },
      ],
      maxDiscount: 400,
    },
  ],
  ['TIERED_DISCOUNT', { discountAmount: 5000, discountPercentage: 10.0, promotionName: 'VIP' }],
  ['PERCENTAGE_DISCOUNT', { promotionId: 'p', baseField: 'accountBalance', discountPercentage: 1.5, maxDiscount: 3000, validDays: 60 }],
  ['PERCENTAGE_DISCOUNT', { baseField: 'annualIncome', discountPercentage: 0.125, currency: 'KWD' }],
  [
    'PROGRESSIVE_DISCOUNT',
    {
      baseField: 'accountBalance',
      brackets: [
        { from: 0, to: 100000, rate: 0.1 },
        { from: 100000, to: 500000, rate: 0.2 },
        { from: 500000, rate: 0.3 },
      ],
      maxDiscount: 5000,
      validDays: 30,
    },
  ],
  ['FORMULA', { formula: 'accountBalance * 0.01 + #param_extra', extra: 5 }],
  // The Java implementation's conventions: minimum purchase, amount cap, annualIncome as the default base, a fixed baseAmount.
  ['FIXED_AMOUNT', { promotionId: 'm', discountAmount: 5000, minPurchaseAmount: 3, maxDiscountAmount: 4000, validDays: 7 }],
  ['FIXED_AMOUNT', { discountAmount: 800, minPurchaseAmount: 200000 }],
  ['PERCENTAGE_DISCOUNT', { promotionId: 'pa', discountPercentage: 0.5, maxDiscount: 9000 }],
  ['PERCENTAGE_DISCOUNT', { discountPercentage: 2, baseAmount: 1234.56 }],
  [
    'TIERED_DISCOUNT',
    {
      tiers: [
        { threshold: 1000000, discountPercentage: 0.1 },
        { threshold: 3000000, discountAmount: 6000 },
      ],
    },
  ],
  ['TIERED_DISCOUNT', { baseAmount: 2500000, tiers: [{ threshold: 2000000, discountAmount: 5000 }] }],
  ['FORMULA', { formula: "accountType == 'VIP' ? null : 7" }],
];

let ids = 0;
const node = (language: 'spel' | 'jsonlogic'): fc.Arbitrary<NodeDefinition> =>
  fc.letrec<{ node: NodeDefinition }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.integer({ min: 0, max: LEAVES.length - 1 }).map((i) => {
        const [s, p] = LEAVES[i] as [StrategyType, Record<string, unknown>];
        return calc(`n${ids++}`, s, p);
      }),
      fc
        .tuple(fc.nat(), fc.array(tie('node'), { maxLength: 3 }))
        .map(([i, children]) =>
          language === 'spel' ? scond(`n${ids++}`, SPEL[i % SPEL.length] as string, children) : jcond(`n${ids++}`, JSONLOGIC[i % JSONLOGIC.length], children),
        ),
    ),
  })).node;

const customer = fc.record(
  {
    customerId: fc.constantFrom('C1', '', null, undefined, 7),
    accountType: fc.constantFrom('VIP', '白金', 'PLATINUM', '一般', 'REGULAR', 'GOLD', null, 1),
    annualIncome: fc.oneof(amount, fc.constantFrom(null, '2500000', undefined, 2000000, 5000000)),
    creditScore: fc.oneof(fc.integer({ min: 500, max: 850 }), fc.constantFrom(700, '700', null, Number.NaN)),
    accountBalance: fc.oneof(amount, fc.constantFrom(null, 'x', 1000.5)),
    transactionHistory: fc.oneof(
      fc.array(fc.constant({ amount: 1 }), { maxLength: 6 }),
      fc.array(fc.record({ amount: fc.oneof(amount, fc.constantFrom(null, 'x', '12.5')) }, { requiredKeys: [] }), { maxLength: 4 }),
      fc.constantFrom(null, 'abc', 3),
    ),
  },
  { requiredKeys: [] },
);

describe('fast path ≡ slow path on random trees and customers', () => {
  for (const language of ['spel', 'jsonlogic'] as const) {
    it(`${language}: result and path are identical (codegen and the general walker)`, () => {
      fc.assert(
        fc.property(node(language), fc.array(customer, { minLength: 1, maxLength: 8 }), (root, customers) => {
          const def: TreeDefinition = { name: 't', rootNode: root };
          const tree = compileTree(def);
          const walker = compileTree(def, { codegen: false });
          for (const c of customers) {
            // The walker tree (codegen: false) has no step-recording fast path: it is the slow path.
            const slow = walker.evaluate(c, { now, trace: false });
            expect(tree.evaluate(c, { now, trace: false })).toStrictEqual(slow);
            const timed = tree.evaluate(c, { now });
            expect({ ...timed, steps: timed.steps.map((st) => ({ ...st, durationMs: 0 })) }).toStrictEqual(slow);
            expect(timed.steps.every((st) => st.durationMs >= 0)).toBe(true);
            // Host variables: the fast paths apply only when no node (or FORMULA) can read them.
            const variables = { param_x: 1, extra: 2 };
            const slowVars = walker.evaluate(c, { now, trace: false, variables });
            expect(tree.evaluate(c, { now, trace: false, variables })).toStrictEqual(slowVars);
            const fastVars = tree.evaluate(c, { now, recordSteps: false, variables });
            expect([fastVars.result, fastVars.path]).toStrictEqual([slowVars.result, slowVars.path]);
            for (const t of [tree, walker]) {
              const fast = t.evaluate(c, { now, recordSteps: false });
              expect(fast.result).toStrictEqual(slow.result);
              expect(fast.path).toStrictEqual(slow.path);
              expect(fast.steps).toEqual([]);
            }
          }
        }),
        { numRuns: runs },
      );
    });
  }

  it('the seed trees agree on random customers', () => {
    for (const def of [promotionDecisionTree, jsonLogicPromotionTree]) {
      const tree = compileTree(def);
      fc.assert(
        fc.property(customer, (c) => {
          const slow = tree.evaluate(c, { now, trace: false });
          const fast = tree.evaluate(c, { now, recordSteps: false });
          expect(fast.result).toStrictEqual(slow.result);
          expect(fast.path).toStrictEqual(slow.path);
        }),
        { numRuns: runs * 3 },
      );
    }
  });

  it('results are frozen where shared, and non-plain customers take the slow path', () => {
    const tree = compileTree(promotionDecisionTree);
    const c = { customerId: 'C', accountType: 'VIP', annualIncome: 100 };
    const a = tree.evaluate(c, { now, recordSteps: false });
    expect(Object.isFrozen(a.result)).toBe(true);
    expect(tree.evaluate(c, { now, recordSteps: false })).toBe(a);
    class Customer {
      customerId = 'C';
      accountType = 'VIP';
      annualIncome = 100;
    }
    expect(tree.evaluate(new Customer() as unknown as Record<string, unknown>, { now, recordSteps: false }).result).toStrictEqual(a.result);
    expect(tree.evaluate(c, { now: new Date('2030-01-01T00:00:00Z'), recordSteps: false }).result.validUntil).toBe('2030-04-03T00:00:00');
  });
});

describe('generated code never contains user text', () => {
  it('field names and literals that look like code are data', () => {
    const evil = "x'); globalThis['pwned'] = 1; ('";
    const def: TreeDefinition = {
      name: 'evil',
      rootNode: jcond('root', { '==': [{ var: evil }, evil] }, [
        scond('s', `accountType == '${evil.replace(/'/g, "''")}'`, [calc('c', 'FIXED_AMOUNT', { discountAmount: 1, promotionId: evil })]),
      ]),
    };
    const tree = compileTree(def);
    const c = { [evil]: evil, accountType: evil };
    const fast = tree.evaluate(c, { now, recordSteps: false });
    expect(fast.result).toStrictEqual(tree.evaluate(c, { now }).result);
    expect(fast.result.promotionId).toBe(evil);
    expect(fast.path).toEqual(['root', 's', 'c']);
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
    expect(tree.evaluate({ ...c, accountType: 'VIP' }, { now, recordSteps: false }).result.eligible).toBe(false);
  });
});

describe('runtimes that refuse code generation', () => {
  it('fall back to the general walker, with the same results', () => {
    const original = globalThis.Function;
    let refused = 0;
    const refuse = function refuse(): never {
      refused += 1;
      throw new EvalError('Code generation from strings disallowed for this context');
    };
    (globalThis as { Function: unknown }).Function = refuse;
    try {
      const tree = compileTree(promotionDecisionTree);
      const reference = compileTree(promotionDecisionTree, { codegen: false });
      for (const c of [
        { customerId: 'C', accountType: 'PLATINUM', creditScore: 720, accountBalance: 123456.79 },
        { customerId: 'C', accountType: 'GOLD' },
      ]) {
        expect(tree.evaluate(c, { now, recordSteps: false })).toStrictEqual(reference.evaluate(c, { now, recordSteps: false }));
        expect(tree.evaluate(c, { now, trace: false })).toStrictEqual(reference.evaluate(c, { now, trace: false }));
      }
      expect(refused).toBe(2); // result-only and step-recording generators both asked, both fell back
    } finally {
      (globalThis as { Function: unknown }).Function = original;
    }
  });
});
